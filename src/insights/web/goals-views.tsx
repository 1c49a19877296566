import type { Child } from 'hono/jsx';
import { FollowButton } from '../../social/index.ts';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { formatDate, formatDateTime, plural } from '../../web/format.ts';
import { CsrfField, type Errors, TextArea, TextField } from '../../web/forms.tsx';
import { Avatar } from '../../web/layout.tsx';
import type { GoalProgress } from '../goal-progress.ts';
import { GOAL_DESCRIPTION_MAX, GOAL_TAG_MAX, GOAL_TAGS_MAX, GOAL_TITLE_MAX } from '../goal-schemas.ts';
import type { GoalSuggestions } from '../goal-suggestions.ts';
import type { ExampleGoal, Goal, GoalWithNotes } from '../goals.ts';
import { BarChart } from './charts.tsx';

/** The pieces of the learning goals' pages (goals-pages.tsx): goal cards, the goal form, progress and suggestions. */

export const PATH = '/insights/goals';
export const STATUS_LABELS = { active: 'Active', achieved: 'Achieved', archived: 'Archived' } as const;

export type Values = Record<string, string>;

export function EmptyState({ c, examples }: { c: AppContext; examples: ExampleGoal[] }) {
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

export function GoalCards({ goals, label, timeZone }: { goals: Goal[]; label: string; timeZone: string }) {
  return (
    <ul class="goal-list" aria-label={label}>
      {goals.map((g) => (
        <li>
          <article class="goal-card" aria-labelledby={`goal-${g.id}`}>
            <h3 id={`goal-${g.id}`}>
              <a href={`${PATH}/${g.id}`}>{g.title}</a>
            </h3>
            <p class="meta">
              {STATUS_LABELS[g.status]} · started {formatDate(g.createdAt, timeZone)}
              {g.achievedAt ? ` · achieved ${formatDate(g.achievedAt, timeZone)}` : ''}
            </p>
            <TagList goal={g} />
            <p class="goal-summary">{progressSummary(g.progress)}</p>
          </article>
        </li>
      ))}
    </ul>
  );
}

export function TagList({ goal }: { goal: Goal }) {
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

export function GoalFields({ values, errors }: { values: Values; errors: Errors }) {
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

export function StatusButton({
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
export function ProgressView({ progress }: { progress: GoalProgress }) {
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

export function SuggestionsView({ c, goal, suggestions }: { c: AppContext; goal: GoalWithNotes; suggestions: GoalSuggestions }) {
  const back = `${PATH}/${goal.id}`;
  const tz = timeZoneOf(c);
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
                    <FollowButton c={c} acct={actor.acct} name={actor.displayName} back={back} />
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
