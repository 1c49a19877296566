import type { Viewer } from '../../platform/viewer.ts';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { formatDate, plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, TextField } from '../../web/forms.tsx';
import { DataTable } from '../../web/layout.tsx';
import type { Checkpoint } from '../checkpoints.ts';
import type { Cohort } from '../cohort-access.ts';
import type { Invite } from '../cohort-invites.ts';
import type { CheckpointProgress, CohortProgress } from '../cohort-progress.ts';
import { LIMITS } from '../cohort-schemas.ts';
import type { CohortsService } from '../cohorts.ts';
import { STAGE_LABELS } from '../stages.ts';
import { BarChart } from './charts.tsx';
import { Description, dueText, type FormState, Mark, pathOf, type Values, WhatTheySee } from './cohort-views.tsx';
import { insightsPage } from './section.tsx';

/**
 * A cohort's page: for the instructor the dashboard (progress table and chart, invite links,
 * CSV), for a student their checklist, at the same address.
 */

export interface CohortPageState {
  /** A link just made: shown once, since only its hash is kept. */
  newInviteUrl?: string;
  invite?: FormState;
}

export async function cohortPage(c: AppContext, cohorts: CohortsService, viewer: Viewer, id: number, state: CohortPageState = {}) {
  const progress = await cohorts.progress(viewer, id);
  const { cohort } = progress;
  if (cohort.role === 'student') return studentPage(c, progress);
  const invites = await cohorts.invites(viewer, id);
  const inviteErrors = state.invite?.errors ?? {};
  return insightsPage(
    c,
    { title: cohort.name, hasErrors: Object.keys(inviteErrors).length > 0, status: state.invite?.status ?? 200, noindex: true },
    <>
      <p>
        You teach this cohort. {dueText(cohort)}. {plural(cohort.studentCount, 'student', 'students')}.
      </p>
      {cohort.description ? <Description text={cohort.description} /> : null}
      <p class="actions">
        <a href={`${pathOf(id)}/edit`}>Edit the cohort and its checkpoints</a>
        <a href={`${pathOf(id)}/progress.csv`} download>
          Download CSV
        </a>
        <a href={`${pathOf(id)}/delete`}>Delete this cohort</a>
      </p>
      {state.newInviteUrl ? <NewInvite url={state.newInviteUrl} /> : null}
      <Dashboard progress={progress} />
      <Invites c={c} cohort={cohort} invites={invites} values={state.invite?.values ?? {}} errors={inviteErrors} />
    </>,
  );
}

function NewInvite({ url }: { url: string }) {
  return (
    <div class="callout" role="status" id="new-invite">
      <h2>Your new invite link</h2>
      <p>Copy it now and share it with your students: it is shown only this once (only a fingerprint of it is kept).</p>
      <label for="new-invite-url">Invite link</label>
      <input id="new-invite-url" type="text" readonly value={url} class="cohort-invite-url" />
    </div>
  );
}

function countText(p: CheckpointProgress): string {
  if (p.kind === 'stage')
    return `${STAGE_LABELS[p.stage ?? 'consumption'].toLowerCase()} (target: ${STAGE_LABELS[p.targetStage ?? 'connection'].toLowerCase()})`;
  const base = `${p.count} of ${p.target}`;
  return p.kind === 'follow' && (p.outsideRoleTarget ?? 0) > 0
    ? `${base}; ${p.outsideRoleCount ?? 0} of ${p.outsideRoleTarget} outside their role`
    : base;
}

function Dashboard({ progress }: { progress: CohortProgress }) {
  const { cohort, students, totals } = progress;
  return (
    <section aria-labelledby="progress-heading">
      <h2 id="progress-heading">Progress</h2>
      {cohort.checkpoints.length === 0 ? (
        <p class="callout">
          The assignment has no checkpoints yet. <a href={`${pathOf(cohort.id)}/edit#checkpoints`}>Set the checkpoints</a>.
        </p>
      ) : null}
      {students.length === 0 ? (
        <p>No students yet. Make an invite link below and share it with them; their progress shows here as soon as they join.</p>
      ) : (
        <>
          {cohort.checkpoints.length > 0 ? (
            <>
              <PercentChart totals={totals} students={students.length} />
              <DataTable caption="Students done per checkpoint" columns={['Checkpoint', 'Students done', 'Share']}>
                {totals.map((t, i) => (
                  <tr>
                    <th scope="row">{cohort.checkpoints[i]!.label}</th>
                    <td>
                      {t.done} of {students.length}
                    </td>
                    <td>{t.percent === null ? '—' : `${t.percent}%`}</td>
                  </tr>
                ))}
              </DataTable>
            </>
          ) : null}
          <DataTable
            caption="Each student’s progress (counts are since they joined, except follows, public collections and the stage, which are as they are now)"
            columns={['Student', ...cohort.checkpoints.map((c) => c.short), 'Checkpoints done']}
          >
            {students.map((s) => (
              <tr>
                <th scope="row">
                  <a href={`/@${s.student.handle}`}>{s.student.displayName}</a> <span class="meta">@{s.student.handle}</span>
                </th>
                {s.checkpoints.map((p) => (
                  <td>
                    <Mark done={p.done} />
                    <br />
                    <span class="meta">{countText(p)}</span>
                  </td>
                ))}
                <td>
                  {s.done} of {cohort.checkpoints.length}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </section>
  );
}

/** "% of students done per checkpoint", each bar with its number as text. */
function PercentChart({ totals, students }: { totals: CohortProgress['totals']; students: number }) {
  return (
    <BarChart
      id="cohort-chart"
      title="Percent of students done per checkpoint"
      desc={totals.map((t) => `${t.short}: ${t.done} of ${students} (${t.percent ?? 0}%)`).join('; ')}
      bars={totals.map((t) => ({ label: t.short, value: t.percent ?? 0, text: `${t.percent ?? 0}% (${t.done} of ${students})` }))}
      max={100}
      labelWidth={260}
    />
  );
}

function Invites({
  c,
  cohort,
  invites,
  values,
  errors,
}: {
  c: AppContext;
  cohort: Cohort;
  invites: Invite[];
  values: Values;
  errors: Errors;
}) {
  const tz = timeZoneOf(c);
  const status: Record<Invite['status'], string> = { active: 'Active', expired: 'Expired', used_up: 'Used up', revoked: 'Revoked' };
  return (
    <section aria-labelledby="invites">
      <h2 id="invites">Invite links</h2>
      <p>Students join with a link: they see what you will see of their work, and agree to it, before they join.</p>
      {invites.length === 0 ? (
        <p>No invite links yet.</p>
      ) : (
        <DataTable caption="Invite links, newest first" columns={['Made', 'Expires', 'Uses', 'Status']} actions>
          {invites.map((i) => (
            <tr>
              <td>{formatDate(i.createdAt, tz)}</td>
              <td>{formatDate(i.expiresAt, tz)}</td>
              <td>{i.maxUses === null ? `${i.uses} (no limit)` : `${i.uses} of ${i.maxUses}`}</td>
              <td>{status[i.status]}</td>
              <td>
                {i.status === 'revoked' ? null : (
                  <form method="post" action={`${pathOf(cohort.id)}/invites/${i.id}/revoke`} class="inline-form">
                    <CsrfField token={c.var.csrf} />
                    <button type="submit" class="button--secondary button--small">
                      Revoke<span class="visually-hidden"> the link made {formatDate(i.createdAt, tz)}</span>
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h3>Make an invite link</h3>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${pathOf(cohort.id)}/invites`} novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField
          name="expiresInDays"
          label="Days it works"
          type="number"
          inputmode="numeric"
          value={values.expiresInDays ?? String(LIMITS.inviteDaysDefault)}
          errors={errors}
          hint={`From 1 to ${LIMITS.inviteDaysMax} days.`}
        />
        <TextField
          name="maxUses"
          label="How many students may use it"
          type="number"
          inputmode="numeric"
          optional
          value={values.maxUses}
          errors={errors}
          hint="Leave empty for no limit; 1 makes a link for one student."
        />
        <div class="actions">
          <button type="submit">Make an invite link</button>
        </div>
      </form>
    </section>
  );
}

function studentPage(c: AppContext, progress: CohortProgress) {
  const { cohort } = progress;
  const mine = progress.students[0];
  return insightsPage(
    c,
    { title: cohort.name, noindex: true },
    <>
      <p>
        Taught by <a href={`/@${cohort.instructor.handle}`}>{cohort.instructor.displayName}</a>. {dueText(cohort)}.
      </p>
      {cohort.description ? <Description text={cohort.description} /> : null}
      <section aria-labelledby="checklist-heading">
        <h2 id="checklist-heading">Your checklist</h2>
        {cohort.checkpoints.length === 0 || !mine ? (
          <p>Your instructor has not set the checkpoints yet. They appear here when they do.</p>
        ) : (
          <>
            <p>
              {mine.done} of {plural(cohort.checkpoints.length, 'checkpoint', 'checkpoints')} done.
            </p>
            <ol class="cohort-checklist">
              {cohort.checkpoints.map((checkpoint, i) => (
                <ChecklistItem checkpoint={checkpoint} progress={mine.checkpoints[i]!} />
              ))}
            </ol>
          </>
        )}
      </section>
      <section aria-labelledby="sees-heading">
        <h2 id="sees-heading">What your instructor sees</h2>
        <WhatTheySee instructor={cohort.instructor.displayName} />
      </section>
      <p>
        <a href={`${pathOf(cohort.id)}/leave`}>Leave this cohort</a>
      </p>
    </>,
  );
}

function ChecklistItem({ checkpoint, progress }: { checkpoint: Checkpoint; progress: CheckpointProgress }) {
  const counted =
    checkpoint.kind === 'stage'
      ? `Your stage now: ${STAGE_LABELS[progress.stage ?? 'consumption'].toLowerCase()}.`
      : checkpoint.kind === 'follow'
        ? `You follow ${progress.count} of ${progress.target}${checkpoint.outsideRole > 0 ? `; ${progress.outsideRoleCount ?? 0} of ${checkpoint.outsideRole} have a role other than yours` : ''}.`
        : `You have ${progress.count} of ${progress.target}${['reply', 'join_chat', 'article', 'bookmarks'].includes(checkpoint.kind) ? ' since you joined' : ''}.`;
  return (
    <li class={progress.done ? 'cohort-checklist__item cohort-checklist__item--done' : 'cohort-checklist__item'}>
      <Mark done={progress.done} />: {checkpoint.label}. <span class="meta">{counted}</span>{' '}
      <a href={checkpoint.href}>{checkpoint.linkText}</a>
    </li>
  );
}
