import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { UserError } from '../platform/errors.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { formatDate, formatDateTime, plural } from '../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextArea, TextField } from '../web/forms.tsx';
import { Avatar, flash } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { readForm } from '../web/request.ts';
import { BarChart } from './charts.tsx';
import {
  ACTIVE_GOALS_MAX,
  type ExampleGoal,
  GOAL_DESCRIPTION_MAX,
  GOAL_NOTE_MAX,
  GOAL_TAG_MAX,
  GOAL_TAGS_MAX,
  GOAL_TITLE_MAX,
  type Goal,
  type GoalProgress,
  type GoalSuggestions,
  type GoalWithNotes,
} from './goals.ts';
import { goalsService } from './goals-api.ts';
import { insightsPage } from './section.tsx';

const PATH = '/insights/goals';
const STATUS_LABELS = { active: 'Active', achieved: 'Achieved', archived: 'Archived' } as const;

type Values = Record<string, string>;
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
export function registerGoalsPages(app: Hono<AppEnv>): void {
  app.get(PATH, (c) => listPage(c));

  app.post(PATH, async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = { title: form.text('title'), tags: form.text('tags'), description: form.text('description') };
    try {
      const goal = await goalsService(c).create(viewer, { title: values.title, tags: values.tags, description: values.description });
      flash(c, `Goal “${goal.title}” added. Here is where to start.`);
      return c.redirect(`${PATH}/${goal.id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return listPage(c, { values, errors, status });
    }
  });

  app.get(`${PATH}/:id{[0-9]+}`, async (c) => goalPage(c, goalId(c)));

  app.post(`${PATH}/:id{[0-9]+}`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    const form = await readForm(c);
    const values = { title: form.text('title'), tags: form.text('tags'), description: form.text('description') };
    try {
      await goalsService(c).update(viewer, id, values);
      flash(c, 'Goal saved.');
      return c.redirect(`${PATH}/${id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return goalPage(c, id, { edit: { values, errors, status } });
    }
  });

  app.post(`${PATH}/:id{[0-9]+}/status`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    const form = await readForm(c);
    const status = form.text('status');
    try {
      const goal = await goalsService(c).update(viewer, id, { status });
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
      return goalPage(c, id, { edit: { values: {}, errors, status: code } });
    }
  });

  app.get(`${PATH}/:id{[0-9]+}/delete`, async (c) => {
    const goal = await goalsService(c).get(requireViewer(c), goalId(c));
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
    await goalsService(c).delete(viewer, id);
    flash(c, 'The goal was deleted.');
    return c.redirect(PATH, 303);
  });

  app.post(`${PATH}/:id{[0-9]+}/notes`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    const form = await readForm(c);
    const text = form.text('text');
    try {
      await goalsService(c).addNote(viewer, id, { text });
      flash(c, 'Note added.');
      return c.redirect(`${PATH}/${id}#notes`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return goalPage(c, id, { note: { values: { text }, errors, status } });
    }
  });

  app.post(`${PATH}/:id{[0-9]+}/notes/:noteId{[0-9]+}/delete`, async (c) => {
    const viewer = requireViewer(c);
    const id = goalId(c);
    await readForm(c);
    await goalsService(c).deleteNote(viewer, id, Number(c.req.param('noteId')));
    flash(c, 'Note deleted.');
    return c.redirect(`${PATH}/${id}#notes`, 303);
  });
}

// ---- the list --------------------------------------------------------------------------------

async function listPage(c: AppContext, state: FormState = {}) {
  const viewer = requireViewer(c);
  const service = goalsService(c);
  const [list, examples] = await Promise.all([service.list(viewer), service.examples(viewer)]);
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
            {list.active.length === 0 ? <p>No active goals. Add one below.</p> : <GoalCards goals={list.active} label="Active goals" />}
            {list.active.length >= ACTIVE_GOALS_MAX ? (
              <p class="callout">
                You have {ACTIVE_GOALS_MAX} active goals, the most there can be: mark one achieved or archive it to add another.
              </p>
            ) : null}
          </section>
          {list.closed.length > 0 ? (
            <section aria-labelledby="closed-heading">
              <h2 id="closed-heading">Achieved and archived</h2>
              <GoalCards goals={list.closed} label="Achieved and archived goals" />
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

function EmptyState({ c, examples }: { c: AppContext; examples: ExampleGoal[] }) {
  return (
    <section aria-labelledby="empty-heading" class="callout">
      <h2 id="empty-heading">No goals yet</h2>
      <p>Start with one thing you want to get better at this term. For example:</p>
      <ul class="insights-list" aria-label="Example goals">
        {examples.map((e) => (
          <li>
            <strong>{e.title}</strong> <span class="meta">(tags: {e.tags.join(', ')})</span>{' '}
            <form method="post" action={PATH} class="inline-form">
              <CsrfField token={c.var.csrf} />
              <input type="hidden" name="title" value={e.title} />
              <input type="hidden" name="tags" value={e.tags.join(', ')} />
              <button type="submit" class="button--small button--secondary">
                Add this goal<span class="visually-hidden">: {e.title}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      <p>
        Examples come from your passions; add more on <a href="/settings/profile">your profile</a>.
      </p>
    </section>
  );
}

function GoalCards({ goals, label }: { goals: Goal[]; label: string }) {
  return (
    <ul class="goal-list" aria-label={label}>
      {goals.map((g) => (
        <li>
          <article class="goal-card" aria-labelledby={`goal-${g.id}`}>
            <h3 id={`goal-${g.id}`}>
              <a href={`${PATH}/${g.id}`}>{g.title}</a>
            </h3>
            <p class="meta">
              {STATUS_LABELS[g.status]} · started {formatDate(g.createdAt)}
              {g.achievedAt ? ` · achieved ${formatDate(g.achievedAt)}` : ''}
            </p>
            <TagList goal={g} />
            <p class="goal-summary">{progressSummary(g.progress)}</p>
          </article>
        </li>
      ))}
    </ul>
  );
}

function TagList({ goal }: { goal: Goal }) {
  if (goal.tags.length === 0) return <p class="meta">No tags yet: add some to get suggestions.</p>;
  return (
    <ul class="tags" aria-label={`Tags of “${goal.title}”`}>
      {goal.tags.map((t) => (
        <li>
          <a class="tag" href={`/tags/${encodeURIComponent(t.slug)}`}>
            #{t.name}
            {t.passion ? <span class="meta"> (your passion)</span> : null}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** One line: what happened since the goal began, in words. */
function progressSummary(p: GoalProgress): string {
  const parts = [
    plural(p.peopleFollowed, 'person followed', 'people followed'),
    `${plural(p.itemsRead, 'item', 'items')} read`,
    `${p.itemsSaved} saved`,
    plural(p.questionsAsked, 'question asked', 'questions asked'),
    `${p.questionsAnswered} answered`,
    plural(p.notes, 'note', 'notes'),
  ];
  return `Since you started: ${parts.join(', ')}.`;
}

function GoalFields({ values, errors }: { values: Values; errors: Errors }) {
  return (
    <>
      <TextField
        name="title"
        label="Goal"
        required
        maxLength={GOAL_TITLE_MAX}
        value={values.title}
        errors={errors}
        hint="What you want to learn or do, in a few words: “Host virtual author visits”."
      />
      <TextField
        name="tags"
        label="Tags"
        optional
        value={values.tags}
        errors={errors}
        hint={`Hashtags or passions, separated by commas or spaces (use commas when a tag has spaces: “author visits, edtech”). At most ${GOAL_TAGS_MAX}, each up to ${GOAL_TAG_MAX} characters.`}
      />
      <TextArea
        name="description"
        label="Description"
        optional
        rows={3}
        maxLength={GOAL_DESCRIPTION_MAX}
        value={values.description}
        errors={errors}
      />
    </>
  );
}

// ---- one goal --------------------------------------------------------------------------------

async function goalPage(c: AppContext, id: number, state: { edit?: FormState; note?: FormState } = {}) {
  const viewer = requireViewer(c);
  const service = goalsService(c);
  const goal = await service.get(viewer, id);
  const suggestions = await service.suggestions(viewer, id);
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

function StatusButton({
  c,
  goal,
  status,
  label,
  secondary,
}: {
  c: AppContext;
  goal: Goal;
  status: string;
  label: string;
  secondary?: boolean;
}) {
  return (
    <form method="post" action={`${PATH}/${goal.id}/status`} class="inline-form">
      <CsrfField token={c.var.csrf} />
      <input type="hidden" name="status" value={status} />
      <button type="submit" class={secondary ? 'button--secondary' : undefined}>
        {label}
      </button>
    </form>
  );
}

const PROGRESS_ROWS: ReadonlyArray<[keyof GoalProgress, string]> = [
  ['peopleFollowed', 'People followed who post about it'],
  ['itemsRead', 'Items read'],
  ['itemsSaved', 'Bookmarks saved with its tags'],
  ['questionsAsked', 'Questions asked'],
  ['questionsAnswered', 'Replies to others'],
  ['notes', 'Notes'],
];

/**
 * The counts as a definition list (the numbers themselves) and a small bar chart of the same
 * numbers; bars use the text colour and carry their number as text, so nothing rests on colour.
 */
function ProgressView({ progress }: { progress: GoalProgress }) {
  const total = PROGRESS_ROWS.reduce((n, [k]) => n + progress[k], 0);
  return (
    <>
      {total === 0 ? <p>Nothing yet — every count is 0. The suggestions below are a good place to start.</p> : null}
      <dl class="insights-numbers goal-progress">
        {PROGRESS_ROWS.map(([key, label]) => (
          <>
            <dt>{label}</dt>
            <dd>{progress[key]}</dd>
          </>
        ))}
      </dl>
      <BarChart
        id="progress-chart"
        title="Progress on this goal"
        desc={`${PROGRESS_ROWS.map(([k, label]) => `${label}: ${progress[k]}`).join('; ')}. The same numbers are listed above.`}
        bars={PROGRESS_ROWS.map(([key, label]) => ({ label, value: progress[key], text: String(progress[key]) }))}
        max={Math.max(1, ...PROGRESS_ROWS.map(([k]) => progress[k]))}
        labelWidth={280}
      />
    </>
  );
}

function SuggestionsView({ c, goal, suggestions }: { c: AppContext; goal: GoalWithNotes; suggestions: GoalSuggestions }) {
  const back = `${PATH}/${goal.id}`;
  const tz = c.var.viewer?.timeZone ?? 'UTC';
  return (
    <>
      <h3 id="experts">People to follow</h3>
      <Empty when={suggestions.experts.length === 0}>
        No one posts about these tags yet (or you follow them all). Try broader tags, or <a href="/people">browse the directory</a>.
      </Empty>
      {suggestions.experts.length > 0 ? (
        <ul class="people-list goal-suggestions" aria-label="People to follow for this goal">
          {suggestions.experts.map(({ actor, reasons }) => {
            const profile = actor.local ? `/@${actor.handle}` : `/@${actor.acct}`;
            return (
              <li>
                <article class="person-card" aria-labelledby={`expert-${actor.id}`}>
                  <Avatar url={actor.avatarUrl} name={actor.displayName} size={48} />
                  <div>
                    <h4 id={`expert-${actor.id}`}>
                      <a href={profile}>{actor.displayName}</a>
                    </h4>
                    <p class="meta">
                      @{actor.acct}
                      {actor.roleLabel ? ` · ${actor.roleLabel}` : ''}
                    </p>
                    <Reasons reasons={reasons} label={`Why ${actor.displayName}`} />
                    <form method="post" action={`/@${actor.acct}/follow`} class="inline-form">
                      <CsrfField token={c.var.csrf} />
                      <input type="hidden" name="back" value={back} />
                      <button type="submit" class="button--small">
                        Follow <span class="visually-hidden">{actor.displayName}</span>
                      </button>
                    </form>
                  </div>
                </article>
              </li>
            );
          })}
        </ul>
      ) : null}

      <h3 id="sources">Sources</h3>
      <Empty when={suggestions.sources.length === 0}>
        No source other members follow matches these tags yet. <a href="/sources/manage">Add a blog or journal</a> you know.
      </Empty>
      {suggestions.sources.length > 0 ? (
        <ul class="insights-list goal-suggestions" aria-label="Sources for this goal">
          {suggestions.sources.map((s) => (
            <li>
              <strong>{s.siteUrl ? <a href={s.siteUrl}>{s.title}</a> : s.title}</strong>
              <Reasons reasons={s.reasons} label={`Why ${s.title}`} />
              <form method="post" action="/sources/subscribe" class="inline-form">
                <CsrfField token={c.var.csrf} />
                <input type="hidden" name="url" value={s.url} />
                <button type="submit" class="button--small">
                  Subscribe<span class="visually-hidden"> to {s.title}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : null}

      <h3 id="chats">Chats</h3>
      <Empty when={suggestions.chats.length === 0}>
        No chat about these tags in the last month or the next two. <a href="/chats">See all chats</a>, or start one.
      </Empty>
      {suggestions.chats.length > 0 ? (
        <ul class="insights-list goal-suggestions" aria-label="Chats for this goal">
          {suggestions.chats.map((ch) => (
            <li>
              <a href={ch.path}>
                {ch.title} (#{ch.hashtag}){ch.topic ? `: ${ch.topic}` : ''}
              </a>{' '}
              <span class="meta">{formatDateTime(ch.startsAt, tz)}</span>
              <Reasons reasons={ch.reasons} label={`Why ${ch.title}`} />
            </li>
          ))}
        </ul>
      ) : null}

      <h3 id="collections">Collections</h3>
      <Empty when={suggestions.collections.length === 0}>
        No shared collection mentions these tags yet. <a href="/collections">Start one</a> and others may follow it.
      </Empty>
      {suggestions.collections.length > 0 ? (
        <ul class="insights-list goal-suggestions" aria-label="Collections for this goal">
          {suggestions.collections.map((col) => (
            <li>
              <a href={col.path}>{col.title}</a> <span class="meta">{col.kind === 'starter_kit' ? 'Starter kit' : 'Collection'}</span>
              <Reasons reasons={col.reasons} label={`Why ${col.title}`} />
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Empty({ when, children }: { when: boolean; children?: Child }) {
  return when ? <p>{children}</p> : null;
}

function Reasons({ reasons, label }: { reasons: string[]; label: string }) {
  if (reasons.length === 0) return null;
  return (
    <ul class="suggestion-reasons" aria-label={label}>
      {reasons.map((r) => (
        <li>{r[0]!.toUpperCase() + r.slice(1)}</li>
      ))}
    </ul>
  );
}
