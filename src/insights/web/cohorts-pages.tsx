import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/viewer.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { ErrorSummary, formErrors } from '../../web/forms.tsx';
import { DataTable, flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { Cohort } from '../cohort-access.ts';
import { checkpointsInputSchema, cohortInputSchema, cohortUpdateSchema, inviteInputSchema } from '../cohort-schemas.ts';
import type { CohortsService } from '../cohorts.ts';
import type { InsightsService } from '../service.ts';
import { cohortPage } from './cohort-dashboard-views.tsx';
import { checkpointErrors, checkpointsFromForm, editPage, numberOr } from './cohort-edit-views.tsx';
import { joinPage } from './cohort-join-views.tsx';
import { confirmPage, DetailsForm, dueText, type FormState, pathOf, ROOT } from './cohort-views.tsx';
import { csvResponse } from './cohorts-api.ts';
import { insightsPage } from './section.tsx';

/**
 * Cohorts in the Insights section: the list, a new cohort, the instructor's dashboard (progress
 * table and chart, invite links, CSV) or the student's checklist at the same address, the
 * assignment editor, the join page with its consent, and confirmation pages for leaving and
 * deleting. Plain forms throughout: no script is needed.
 */

function idParam(c: AppContext): number {
  const id = Number(c.req.param('id'));
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no such cohort, or you are not in it.');
  return id;
}

/** Cohorts in the Insights section (see the doc comment above). */
export function cohortsPages(service: InsightsService): Hono<AppEnv> {
  const cohorts = service.cohorts;
  const app = new Hono<AppEnv>();

  app.get(ROOT, async (c) => listPage(c, cohorts, requireViewer(c)));

  app.get(`${ROOT}/new`, (c) => {
    requireViewer(c);
    return newPage(c);
  });
  app.post(ROOT, async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = { name: form.text('name'), description: form.text('description'), dueDate: form.text('dueDate') };
    try {
      const cohort = await cohorts.create(viewer, parseInput(cohortInputSchema, values));
      flash(c, `Cohort “${cohort.name}” created. Now set its checkpoints.`);
      return c.redirect(`${pathOf(cohort.id)}/edit`, 303);
    } catch (error) {
      return newPage(c, { values, ...formErrors(error) });
    }
  });

  // Join (before /:id, which only takes digits anyway).
  app.get(`${ROOT}/join/:token`, async (c) => joinPage(c, cohorts, requireViewer(c), c.req.param('token')));
  app.post(`${ROOT}/join/:token`, async (c) => {
    const viewer = requireViewer(c);
    const token = c.req.param('token');
    const form = await readForm(c);
    try {
      const joined = await cohorts.join(viewer, { token, consent: form.text('consent') === 'yes' });
      flash(c, joined.alreadyMember ? 'You are already in this cohort.' : 'You joined the cohort. Here is your checklist.');
      return c.redirect(pathOf(joined.cohortId), 303);
    } catch (error) {
      if (error instanceof UserError && error.issues.some((i) => i.path === 'consent'))
        return joinPage(c, cohorts, viewer, token, { ...formErrors(error) });
      throw error;
    }
  });

  app.get(`${ROOT}/:id{[0-9]+}`, async (c) => cohortPage(c, cohorts, requireViewer(c), idParam(c)));

  app.get(`${ROOT}/:id{[0-9]+}/progress.csv`, async (c) => {
    requireViewer(c);
    return csvResponse(c, service, idParam(c));
  });

  app.get(`${ROOT}/:id{[0-9]+}/edit`, async (c) => editPage(c, await instructorCohort(c, cohorts)));
  app.post(`${ROOT}/:id{[0-9]+}/edit`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const form = await readForm(c);
    const values = { name: form.text('name'), description: form.text('description'), dueDate: form.text('dueDate') };
    try {
      await cohorts.update(viewer, id, parseInput(cohortUpdateSchema, values));
      flash(c, 'The cohort was saved.');
      return c.redirect(pathOf(id), 303);
    } catch (error) {
      rethrowRefusal(error);
      return editPage(c, await cohorts.get(viewer, id), { details: { values, ...formErrors(error) } });
    }
  });
  app.post(`${ROOT}/:id{[0-9]+}/checkpoints`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const form = await readForm(c);
    const { input, values, kinds } = checkpointsFromForm(form);
    try {
      await cohorts.setCheckpoints(viewer, id, parseInput(checkpointsInputSchema, input));
      flash(
        c,
        input.checkpoints.length === 0
          ? 'The assignment has no checkpoints now.'
          : `The assignment was saved: ${plural(input.checkpoints.length, 'checkpoint', 'checkpoints')}.`,
      );
      return c.redirect(pathOf(id), 303);
    } catch (error) {
      rethrowRefusal(error);
      const { errors, status } = formErrors(error);
      return editPage(c, await cohorts.get(viewer, id), { checkpoints: { values, errors: checkpointErrors(errors, kinds), status } });
    }
  });

  app.post(`${ROOT}/:id{[0-9]+}/invites`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const form = await readForm(c);
    const values = { expiresInDays: form.text('expiresInDays'), maxUses: form.text('maxUses') };
    const input = { expiresInDays: numberOr(values.expiresInDays, undefined), maxUses: numberOr(values.maxUses, null) };
    try {
      const made = await cohorts.createInvite(viewer, id, parseInput(inviteInputSchema, input));
      return cohortPage(c, cohorts, viewer, id, { newInviteUrl: made.url });
    } catch (error) {
      rethrowRefusal(error);
      return cohortPage(c, cohorts, viewer, id, { invite: { values, ...formErrors(error) } });
    }
  });
  app.post(`${ROOT}/:id{[0-9]+}/invites/:inviteId{[0-9]+}/revoke`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    await readForm(c);
    await cohorts.revokeInvite(viewer, id, Number(c.req.param('inviteId')));
    flash(c, 'The invite link was revoked: it no longer works. Students who joined with it stay.');
    return c.redirect(`${pathOf(id)}#invites`, 303);
  });

  app.get(`${ROOT}/:id{[0-9]+}/leave`, async (c) => {
    const viewer = requireViewer(c);
    const cohort = await cohorts.get(viewer, idParam(c));
    if (cohort.role !== 'student') return c.redirect(pathOf(cohort.id), 303);
    return confirmPage(c, {
      title: `Leave “${cohort.name}”?`,
      text: `Your progress disappears from ${cohort.instructor.displayName}’s dashboard and exports at once. Nothing you did on Commonroom is deleted. You can join again with a valid invite link.`,
      action: `${pathOf(cohort.id)}/leave`,
      button: 'Leave this cohort',
      back: pathOf(cohort.id),
    });
  });
  app.post(`${ROOT}/:id{[0-9]+}/leave`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    await readForm(c);
    const cohort = await cohorts.get(viewer, id);
    await cohorts.leave(viewer, id);
    flash(c, `You left “${cohort.name}”. Your instructor no longer sees your progress.`);
    return c.redirect(ROOT, 303);
  });

  app.get(`${ROOT}/:id{[0-9]+}/delete`, async (c) => {
    const cohort = await instructorCohort(c, cohorts);
    return confirmPage(c, {
      title: `Delete “${cohort.name}”?`,
      text: `The cohort, its checkpoints, its invite links and the list of its ${plural(cohort.studentCount, 'student', 'students')} are deleted. Nothing the students did on Commonroom is touched. This cannot be undone.`,
      action: `${pathOf(cohort.id)}/delete`,
      button: 'Delete this cohort',
      back: pathOf(cohort.id),
    });
  });
  app.post(`${ROOT}/:id{[0-9]+}/delete`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    await readForm(c);
    const cohort = await cohorts.get(viewer, id);
    await cohorts.delete(viewer, id);
    flash(c, `The cohort “${cohort.name}” was deleted.`);
    return c.redirect(ROOT, 303);
  });
  return app;
}

/** The cohort when the viewer teaches it (students are sent to their checklist with a 403). */
async function instructorCohort(c: AppContext, cohorts: CohortsService): Promise<Cohort> {
  const cohort = await cohorts.get(requireViewer(c), idParam(c));
  if (cohort.role !== 'instructor') throw UserError.forbidden('Only the instructor can change the cohort.');
  return cohort;
}

/** Refusals (not allowed, not found, past due) are whole pages, not form errors. */
function rethrowRefusal(error: unknown): void {
  if (error instanceof UserError && error.issues.length === 0 && error.status !== 422) throw error;
}

// ---- pages ----------------------------------------------------------------------------------

async function listPage(c: AppContext, cohorts: CohortsService, viewer: Viewer) {
  const { teaching, enrolled } = await cohorts.list(viewer);
  return insightsPage(
    c,
    { title: 'Cohorts', noindex: true },
    <>
      <p>
        A cohort is a course group building their learning networks together. The instructor sets an assignment of checkpoints (follow
        people, take part in a chat, reply to people, write a reflection …) with a due date; students join by an invite link, with their
        consent, and see their checklist.
      </p>
      <p>
        <a class="button" href={`${ROOT}/new`}>
          Create a cohort
        </a>
      </p>
      <section aria-labelledby="teaching-heading">
        <h2 id="teaching-heading">Cohorts you teach</h2>
        {teaching.length === 0 ? (
          <p>You teach no cohort. Anyone can create one: you become its instructor.</p>
        ) : (
          <DataTable caption="Cohorts you teach" hideCaption columns={['Cohort', 'Due', 'Students', 'Checkpoints']}>
            {teaching.map((s) => (
              <tr>
                <th scope="row">
                  <a href={pathOf(s.id)}>{s.name}</a>
                </th>
                <td>{dueText(s)}</td>
                <td>{s.studentCount}</td>
                <td>{s.checkpointCount}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="enrolled-heading">
        <h2 id="enrolled-heading">Cohorts you are in</h2>
        {enrolled.length === 0 ? (
          <p>You are in no cohort. Your instructor gives you an invite link to join one.</p>
        ) : (
          <ul class="insights-list">
            {enrolled.map((s) => (
              <li>
                <a href={pathOf(s.id)}>{s.name}</a>{' '}
                <span class="meta">
                  · taught by {s.instructor.displayName} · {dueText(s)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>,
  );
}

function newPage(c: AppContext, state: FormState = {}) {
  const errors = state.errors ?? {};
  return insightsPage(
    c,
    { title: 'Create a cohort', hasErrors: Object.keys(errors).length > 0, status: state.status ?? 200, noindex: true },
    <>
      <p>You will be the cohort’s instructor. Next you set its checkpoints, then make an invite link for your students.</p>
      <ErrorSummary errors={errors} />
      <DetailsForm c={c} action={ROOT} values={state.values ?? {}} errors={errors} submit="Create cohort" />
    </>,
  );
}
