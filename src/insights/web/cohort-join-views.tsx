import type { Viewer } from '../../platform/viewer.ts';
import type { AppContext } from '../../web/context.ts';
import { CsrfField, ErrorSummary, fieldId } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import type { CohortsService } from '../cohorts.ts';
import { Description, dueText, type FormState, pathOf, ROOT, WhatTheySee } from './cohort-views.tsx';
import { insightsPage } from './section.tsx';

/** The page an invite link leads to: the assignment, what the instructor will see, and the consent to join. */

export async function joinPage(c: AppContext, cohorts: CohortsService, viewer: Viewer, token: string, state: FormState = {}) {
  const preview = await cohorts.previewInvite(viewer, token);
  const { cohort } = preview;
  if (preview.state === 'member') {
    flash(c, 'You are already in this cohort.');
    return c.redirect(pathOf(cohort.id), 303);
  }
  if (preview.state === 'instructor') {
    return insightsPage(
      c,
      { title: `Invite link to “${cohort.name}”`, status: 409, noindex: true },
      <>
        <p class="callout">
          You teach this cohort, so you cannot join it as a student. Share this link with your students: they will see the page below it
          leads to, and agree before joining.
        </p>
        <p>
          <a href={pathOf(cohort.id)}>Go to the cohort’s dashboard</a>
        </p>
      </>,
    );
  }
  const errors = state.errors ?? {};
  return insightsPage(
    c,
    { title: `Join “${cohort.name}”`, hasErrors: Object.keys(errors).length > 0, status: state.status ?? 200, noindex: true },
    <>
      <ErrorSummary errors={errors} />
      <p>
        {cohort.instructor.displayName} (@{cohort.instructor.handle}) invites you to this cohort. {dueText(cohort)}.
      </p>
      {cohort.description ? <Description text={cohort.description} /> : null}
      <h2>The assignment</h2>
      {cohort.checkpoints.length === 0 ? (
        <p>The checkpoints are not set yet.</p>
      ) : (
        <ol>
          {cohort.checkpoints.map((checkpoint) => (
            <li>{checkpoint.label}</li>
          ))}
        </ol>
      )}
      <h2>What your instructor will see</h2>
      <WhatTheySee instructor={cohort.instructor.displayName} />
      <form method="post" action={`${ROOT}/join/${encodeURIComponent(token)}`} novalidate>
        <CsrfField token={c.var.csrf} />
        <div class={`field${errors.consent ? ' field--error' : ''}`}>
          {errors.consent ? (
            <p class="field-error" id={`${fieldId('consent')}-error`}>
              <span class="visually-hidden">Error: </span>
              {errors.consent}
            </p>
          ) : null}
          <div class="choice">
            <input
              type="checkbox"
              id={fieldId('consent')}
              name="consent"
              value="yes"
              aria-invalid={errors.consent ? 'true' : undefined}
              aria-describedby={errors.consent ? `${fieldId('consent')}-error` : undefined}
            />
            <label for={fieldId('consent')}>
              I agree that {cohort.instructor.displayName} sees my progress on this assignment, as described above.
            </label>
          </div>
        </div>
        <div class="actions">
          <button type="submit">Join the cohort</button>
          <a href={ROOT}>Not now</a>
        </div>
      </form>
    </>,
  );
}
