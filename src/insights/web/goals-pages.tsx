import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import { type AppContext, type AppEnv, timeZoneOf } from '../../web/context.ts';
import { formatDate, formatDateTime, plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextArea } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { ACTIVE_GOALS_MAX, GOAL_NOTE_MAX, goalCreateSchema, goalUpdateSchema, noteSchema, splitGoalTags } from '../goal-schemas.ts';
import type { GoalsService } from '../goals.ts';
import type { InsightsService } from '../service.ts';
import {
  EmptyState,
  GoalCards,
  GoalFields,
  PATH,
  ProgressView,
  STATUS_LABELS,
  StatusButton,
  SuggestionsView,
  TagList,
  type Values,
} from './goals-views.tsx';
import { insightsPage } from './section.tsx';

interface FormState {
  values?: Values;
  errors?: Errors;
  status?: UserError['status'];
}

/** The goal id of the path, or a 404 (no such goal) for anything that is not one. */
function goalId(c: AppContext): number {
  const id = Number(c.req.param('id'));
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no such goal.');
  return id;
}

/** Learning goals (Insights section): list, add, detail with suggestions, progress and notes. Plain forms, no script needed. */
export function goalsPages(service: InsightsService): Hono<AppEnv> {
  const goals = service.goals;
  const app = new Hono<AppEnv>();
  app.get(PATH, (c) => listPage(c, goals));

  app.post(PATH, async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = { title: form.text('title'), tags: form.text('tags'), description: form.text('description') };
    try {
      const goal = await goals.create(viewer, parseInput(goalCreateSchema, goalInput(values)));
      flash(c, `Goal “${goal.title}” added. Here is where to start.`);
      return c.redirect(`${PATH}/${goal.id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return listPage(c, goals, { values, errors, status });
    }
  });

  app.get(`${PATH}/:id{[0-9]+}`, async (c) => goalPage(c, goals, goalId(c)));

  app.post(`${PATH}/:id{[0-9]+}`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    const form = await readForm(c);
    const values = { title: form.text('title'), tags: form.text('tags'), description: form.text('description') };
    try {
      await goals.update(viewer, id, parseInput(goalUpdateSchema, goalInput(values)));
      flash(c, 'Goal saved.');
      return c.redirect(`${PATH}/${id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return goalPage(c, goals, id, { edit: { values, errors, status } });
    }
  });

  app.post(`${PATH}/:id{[0-9]+}/status`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    const form = await readForm(c);
    const status = form.text('status');
    try {
      const goal = await goals.update(viewer, id, parseInput(goalUpdateSchema, { status }));
      flash(
        c,
        goal.status === 'achieved'
          ? `Well done: “${goal.title}” is achieved.`
          : goal.status === 'archived'
            ? `“${goal.title}” is archived.`
            : `“${goal.title}” is active again.`,
      );
      return c.redirect(`${PATH}/${id}`, 303);
    } catch (error) {
      const { errors, status: code } = formErrors(error);
      return goalPage(c, goals, id, { edit: { values: {}, errors, status: code } });
    }
  });

  app.get(`${PATH}/:id{[0-9]+}/delete`, async (c) => {
    const goal = await goals.get(requireViewer(c), goalId(c));
    return insightsPage(
      c,
      { title: `Delete “${goal.title}”?`, noindex: true },
      <>
        <p>
          The goal, its tags and its {plural(goal.progress.notes, 'note', 'notes')} will be deleted. This cannot be undone. To keep it out
          of the way instead, archive it.
        </p>
        <div class="actions">
          <form method="post" action={`${PATH}/${goal.id}/delete`} class="inline-form">
            <CsrfField token={c.var.csrf} />
            <button type="submit" class="button--danger">
              Delete the goal
            </button>
          </form>
          <a href={`${PATH}/${goal.id}`}>Keep it</a>
        </div>
      </>,
    );
  });

  app.post(`${PATH}/:id{[0-9]+}/delete`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    await readForm(c);
    await goals.delete(viewer, id);
    flash(c, 'The goal was deleted.');
    return c.redirect(PATH, 303);
  });

  app.post(`${PATH}/:id{[0-9]+}/notes`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    const form = await readForm(c);
    const text = form.text('text');
    try {
      await goals.addNote(viewer, id, parseInput(noteSchema, { text }));
      flash(c, 'Note added.');
      return c.redirect(`${PATH}/${id}#notes`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return goalPage(c, goals, id, { note: { values: { text }, errors, status } });
    }
  });

  app.post(`${PATH}/:id{[0-9]+}/notes/:noteId{[0-9]+}/delete`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    await readForm(c);
    await goals.deleteNote(viewer, id, Number(c.req.param('noteId')));
    flash(c, 'Note deleted.');
    return c.redirect(`${PATH}/${id}#notes`, 303);
  });
  return app;
}

/** The goal form's fields as the schemas take them: the tags typed as text become a list. */
function goalInput(values: Values): { title: string; tags: string[]; description: string } {
  return { title: values.title ?? '', tags: splitGoalTags(values.tags ?? ''), description: values.description ?? '' };
}

// ---- the list --------------------------------------------------------------------------------

async function listPage(c: AppContext, goals: GoalsService, state: FormState = {}) {
  const viewer = requireViewer(c);
  const [list, examples] = await Promise.all([goals.list(viewer), goals.examples(viewer)]);
  const errors = state.errors ?? {};
  const none = list.active.length === 0 && list.closed.length === 0;
  return insightsPage(
    c,
    { title: 'Learning goals', noindex: true, hasErrors: Object.keys(errors).length > 0, status: state.status ?? 200 },
    <>
      <p>
        Name what you want to learn, tag it with hashtags or passions, and Commonroom suggests people, sources, chats and collections for it
        and keeps track of your progress. Only you can see your goals.
      </p>
      {none ? (
        <EmptyState c={c} examples={examples} />
      ) : (
        <>
          <section aria-labelledby="active-heading">
            <h2 id="active-heading">Active goals</h2>
            {list.active.length === 0 ? (
              <p>No active goals. Add one below.</p>
            ) : (
              <GoalCards goals={list.active} label="Active goals" timeZone={timeZoneOf(c)} />
            )}
            {list.active.length >= ACTIVE_GOALS_MAX ? (
              <p class="callout">
                You have {ACTIVE_GOALS_MAX} active goals, the most there can be: mark one achieved or archive it to add another.
              </p>
            ) : null}
          </section>
          {list.closed.length > 0 ? (
            <section aria-labelledby="closed-heading">
              <h2 id="closed-heading">Achieved and archived</h2>
              <GoalCards goals={list.closed} label="Achieved and archived goals" timeZone={timeZoneOf(c)} />
            </section>
          ) : null}
        </>
      )}
      <section aria-labelledby="new-heading">
        <h2 id="new-heading">Add a goal</h2>
        <ErrorSummary errors={errors} />
        <form method="post" action={PATH} novalidate>
          <CsrfField token={c.var.csrf} />
          <GoalFields values={state.values ?? {}} errors={errors} />
          <button type="submit">Add the goal</button>
        </form>
      </section>
    </>,
  );
}

// ---- one goal --------------------------------------------------------------------------------

async function goalPage(c: AppContext, goals: GoalsService, id: number, state: { edit?: FormState; note?: FormState } = {}) {
  const viewer = requireViewer(c);
  const goal = await goals.get(viewer, id);
  const suggestions = await goals.suggestions(viewer, id);
  const editErrors = state.edit?.errors ?? {};
  const noteErrors = state.note?.errors ?? {};
  const hasErrors = Object.keys(editErrors).length + Object.keys(noteErrors).length > 0;
  const editValues = state.edit?.values ?? {
    title: goal.title,
    tags: goal.tags.map((t) => t.name).join(', '),
    description: goal.description,
  };
  const tz = viewer.timeZone;
  return insightsPage(
    c,
    { title: goal.title, noindex: true, hasErrors, status: state.edit?.status ?? state.note?.status ?? 200 },
    <>
      <p class="meta">
        {STATUS_LABELS[goal.status]} · started {formatDate(goal.createdAt, tz)}
        {goal.achievedAt ? ` · achieved ${formatDate(goal.achievedAt, tz)}` : ''} · <a href={PATH}>All goals</a>
      </p>
      <TagList goal={goal} />
      {goal.description ? <p class="goal-description">{goal.description}</p> : null}

      <section aria-labelledby="progress-heading">
        <h2 id="progress-heading">Progress</h2>
        <p>Counted since you named the goal ({formatDate(goal.createdAt, tz)}), from what carries its tags.</p>
        <ProgressView progress={goal.progress} />
      </section>

      <section aria-labelledby="suggestions-heading">
        <h2 id="suggestions-heading">Where to learn more</h2>
        {goal.tags.length === 0 ? (
          <p>Add tags to this goal (below) and suggestions appear here.</p>
        ) : (
          <SuggestionsView c={c} goal={goal} suggestions={suggestions} />
        )}
      </section>

      <section aria-labelledby="notes">
        <h2 id="notes" tabindex={-1}>
          Notes
        </h2>
        <p>A journal for this goal: what you tried, read or learned. Only you can see it.</p>
        <ErrorSummary errors={noteErrors} />
        <form method="post" action={`${PATH}/${goal.id}/notes`} novalidate>
          <CsrfField token={c.var.csrf} />
          <TextArea
            name="text"
            label="New note"
            required
            rows={3}
            maxLength={GOAL_NOTE_MAX}
            value={state.note?.values?.text}
            errors={noteErrors}
          />
          <button type="submit">Add the note</button>
        </form>
        {goal.notes.length === 0 ? (
          <p>No notes yet.</p>
        ) : (
          <ol class="goal-notes" aria-label="Notes, newest first" reversed>
            {goal.notes.map((n) => (
              <li>
                <p class="meta">
                  <time datetime={new Date(n.createdAt).toISOString()}>{formatDateTime(n.createdAt, tz)}</time>
                </p>
                <p class="goal-note-text">{n.text}</p>
                <form method="post" action={`${PATH}/${goal.id}/notes/${n.id}/delete`} class="inline-form" data-confirm="Delete this note?">
                  <CsrfField token={c.var.csrf} />
                  <button type="submit" class="post-action post-action--danger">
                    Delete<span class="visually-hidden"> the note of {formatDateTime(n.createdAt, tz)}</span>
                  </button>
                </form>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="edit-heading">
        <h2 id="edit-heading">Change the goal</h2>
        <ErrorSummary errors={editErrors} />
        <form method="post" action={`${PATH}/${goal.id}`} novalidate>
          <CsrfField token={c.var.csrf} />
          <GoalFields values={editValues} errors={editErrors} />
          <button type="submit">Save</button>
        </form>
        <div class="actions">
          {goal.status !== 'achieved' ? <StatusButton c={c} goal={goal} status="achieved" label="Mark achieved" /> : null}
          {goal.status !== 'archived' ? <StatusButton c={c} goal={goal} status="archived" label="Archive" secondary /> : null}
          {goal.status !== 'active' ? <StatusButton c={c} goal={goal} status="active" label="Make active again" secondary /> : null}
          <a class="button button--danger" href={`${PATH}/${goal.id}/delete`}>
            Delete…
          </a>
        </div>
      </section>
    </>,
  );
}
