import { Hono } from 'hono';
import { UserError } from '../../platform/errors.ts';
import type { ListView } from '../../social/index.ts';
import { type AppContext, type AppEnv, timeZoneOf } from '../../web/context.ts';
import { formatDate, plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId } from '../../web/forms.tsx';
import { DataTable, flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { DormantPerson, Share } from '../health.ts';
import type { MemberInsights } from '../my-pln.ts';
import { GRAPH_FOLLOWER_SAMPLE } from '../network-graph.ts';
import type { RoutineSummary } from '../routine.ts';
import type { InsightsService } from '../service.ts';
import { STAGE_LABELS, STAGE_THRESHOLD, STAGES } from '../stages.ts';
import { BarChart, ChartNumbers } from './charts.tsx';
import { NetworkPicture } from './network-picture.tsx';
import { insightsPage } from './section.tsx';

/** A refused "move to a list": which person's form, and its errors (by field id). */
interface MoveProblem {
  actorId: number;
  values: { list: string; newList: string };
  errors: Errors;
}

/** My PLN: stage scores, the next step and the health of the member's network. Signed-in only. */
export function myPlnPages(service: InsightsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/insights', async (c) => myPlnPage(c, service));

  // Move a quiet person to a list: onto the list and unfollowed, in one go (see move-to-list.ts).
  app.post('/insights/move-to-list', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const list = form.text('list');
    const values = { list, newList: form.text('newList') };
    const listId = list === 'new' || list === '' ? null : Number(list);
    if (listId !== null && (!Number.isSafeInteger(listId) || listId <= 0)) throw UserError.notFound('There is no such list of yours.');
    try {
      const moved = await service.moveToList.move(viewer, { acct: form.text('acct'), listId, newName: values.newList });
      flash(c, `${moved.displayName} is on your list “${moved.listName}” now, and no longer in your home timeline.`);
      return c.redirect('/insights#dormant-follows', 303);
    } catch (error) {
      if (!(error instanceof UserError) || error.status !== 422) throw error;
      // A field's problem goes next to that person's field; anything else (not followed, too many lists) at the top.
      const person = await service.moveToList.person(form.text('acct'));
      const issue = error.issues[0];
      return myPlnPage(
        c,
        service,
        { actorId: person.id, values, errors: issue ? { [`move-${person.id}-new`]: issue.message } : { _form: error.message } },
        422,
      );
    }
  });
  return app;
}

async function myPlnPage(c: AppContext, service: InsightsService, problem?: MoveProblem, status: 200 | 422 = 200) {
  const viewer = requireViewer(c);
  const [insights, lists, routine] = await Promise.all([
    service.myPln.of(viewer),
    service.moveToList.lists(viewer),
    service.routine.summary(viewer),
  ]);
  return insightsPage(
    c,
    { title: 'My PLN', noindex: true, status, hasErrors: Boolean(problem) },
    <>
      {problem ? <ErrorSummary errors={problem.errors} message="The move did not happen" /> : null}
      <MyPln c={c} insights={insights} lists={lists} routine={routine} problem={problem} />
    </>,
  );
}

function MyPln({
  c,
  insights,
  lists,
  routine,
  problem,
}: {
  c: AppContext;
  insights: MemberInsights;
  lists: ListView[];
  routine: RoutineSummary;
  problem?: MoveProblem | undefined;
}) {
  const { scores, stage, nextStep, health } = insights;
  const stepsDone = Object.values(routine.done).filter(Boolean).length;
  const tz = timeZoneOf(c);
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return (
    <>
      <section aria-labelledby="stage-title">
        <h2 id="stage-title">Your stage</h2>
        <p>
          You are in the <strong>{STAGE_LABELS[stage].toLowerCase()}</strong> stage. Computed from what you did in the last 30 and 90 days;{' '}
          <a href="#how-computed">how it is computed</a>.
        </p>
        <p class="callout" id="next-step">
          <strong>Next step:</strong> {nextStep.text} <a href={nextStep.href}>{nextStep.linkText}</a>
        </p>
        <BarChart
          id="stage-chart"
          title="Stage scores"
          desc={`Four scores out of 100: ${STAGES.map((s) => `${STAGE_LABELS[s]} ${scores[s]}`).join(', ')}. A stage is reached at ${STAGE_THRESHOLD}.`}
          bars={STAGES.map((s) => ({ label: STAGE_LABELS[s], value: scores[s], text: String(scores[s]) }))}
          max={100}
          marker={STAGE_THRESHOLD}
        />
        <ChartNumbers chart="Stage scores">
          <DataTable caption={<>Stage scores (0 to 100; reached at {STAGE_THRESHOLD})</>} columns={['Stage', 'Score', 'Reached']}>
            {STAGES.map((s) => (
              <tr>
                <th scope="row">{STAGE_LABELS[s]}</th>
                <td>{scores[s]}</td>
                <td>{scores[s] >= STAGE_THRESHOLD ? 'Yes' : 'Not yet'}</td>
              </tr>
            ))}
          </DataTable>
        </ChartNumbers>
      </section>

      <section aria-labelledby="routine-title" id="routine-card">
        <h2 id="routine-title">Today’s routine</h2>
        <p>
          {stepsDone === 3 ? 'All three steps done today' : `${stepsDone} of 3 steps done today`} (read {routine.done.read ? '✓' : '–'},
          answer one person {routine.done.answer ? '✓' : '–'}, share one thing {routine.done.share ? '✓' : '–'}).{' '}
          {routine.streak.days === 0
            ? 'No streak yet.'
            : `Streak: ${routine.streak.capped ? `${routine.streak.days} days or more` : plural(routine.streak.days, 'day', 'days')} in a row.`}{' '}
          <a href="/insights/routine">Open today’s plan</a>
        </p>
      </section>

      <section aria-labelledby="health-title">
        <h2 id="health-title">Network health</h2>
        {/* One row of figures on a wide screen (each pair in a div, as HTML allows in a dl). */}
        <dl class="insights-numbers">
          <div>
            <dt>Following</dt>
            <dd>{health.following}</dd>
          </div>
          <div>
            <dt>Followers</dt>
            <dd>{health.followers}</dd>
          </div>
          <div>
            <dt>Mutual follows</dt>
            <dd>{health.mutuals}</dd>
          </div>
          <div class="insights-numbers__wide">
            <dt>Reciprocity</dt>
            <dd>
              {health.reciprocity === null
                ? 'Not yet: you follow nobody'
                : `${pct(health.reciprocity)} of the people you follow follow you back`}
            </dd>
          </div>
        </dl>

        <h3>Roles of the people you follow</h3>
        {health.roles.length === 0 ? (
          <p>
            You follow nobody yet. <a href="/people">Find people</a> who share your passions.
          </p>
        ) : (
          <>
            {health.diversityNudge ? (
              <p class="callout" id="diversity-nudge">
                {health.diversityNudge.text} <a href={health.diversityNudge.href}>See suggestions</a>
              </p>
            ) : null}
            <ShareChart id="roles-chart" title="Roles of the people you follow" shares={health.roles} />
            <ChartNumbers chart="Roles of the people you follow">
              <ShareTable caption="Roles of the people you follow" heading="Role" shares={health.roles} />
            </ChartNumbers>
          </>
        )}
        <h3 id="network-graph">Your network by role</h3>
        {health.graph.people === 0 ? (
          <p>Nobody follows you and you follow nobody yet, so there is no picture to draw.</p>
        ) : (
          <>
            <NetworkPicture graph={health.graph} />
            <ChartNumbers chart="Your network by role">
              <DataTable
                caption="Your network by role: people you follow, people who follow you, and both"
                columns={['Role', 'You follow', 'Follow you', 'Both (mutual)']}
              >
                {health.graph.roles.map((r) => (
                  <tr>
                    <th scope="row">{r.label}</th>
                    <td>{r.following}</td>
                    <td>{r.followers}</td>
                    <td>{r.mutuals}</td>
                  </tr>
                ))}
              </DataTable>
            </ChartNumbers>
            {health.graph.followersEstimated ? (
              <p>
                With {health.followers.toLocaleString('en')} followers, the followers by role are estimated from the newest{' '}
                {GRAPH_FOLLOWER_SAMPLE.toLocaleString('en')} accounts among them; the other numbers are exact.
              </p>
            ) : null}
          </>
        )}
        {health.places.length > 0 ? (
          <>
            <h3>Where they are</h3>
            <ShareTable caption="Places of the people you follow" heading="Place" shares={health.places} />
          </>
        ) : null}

        <h3 id="dormant-follows">Quiet people</h3>
        {health.dormantFollows.total === 0 ? (
          <p>Everyone you follow has posted in the last 90 days.</p>
        ) : (
          <>
            <p>
              {plural(health.dormantFollows.total, 'person you follow has', 'people you follow have')} not posted in 90 days
              {health.dormantFollows.total > health.dormantFollows.people.length
                ? ` (the ${health.dormantFollows.people.length} quietest are shown)`
                : ''}
              .
            </p>
            <ul class="insights-list">
              {health.dormantFollows.people.map((p) => (
                <li>
                  <a href={p.path}>{p.displayName}</a>{' '}
                  <span class="meta">
                    @{p.acct} · {p.lastPostAt === null ? 'no posts seen' : `last post ${formatDate(p.lastPostAt, tz)}`}
                  </span>{' '}
                  <form method="post" action={`${p.path}/unfollow`} class="inline-form">
                    <CsrfField token={c.var.csrf} />
                    <input type="hidden" name="back" value="/insights#dormant-follows" />
                    <button type="submit" class="post-action">
                      Unfollow<span class="visually-hidden"> {p.displayName}</span>
                    </button>
                  </form>
                  <MoveToListForm c={c} person={p} lists={lists} problem={problem?.actorId === p.actorId ? problem : undefined} />
                </li>
              ))}
            </ul>
          </>
        )}

        {health.dormantFollows.total > 0 ? (
          <p class="meta">
            Moving someone to a list unfollows them and puts them on the list: their public posts stay a click away in the list’s timeline,
            out of your home timeline. Posts they share with followers only no longer reach you.
          </p>
        ) : null}

        <h3 id="dormant-sources">Quiet sources</h3>
        {health.dormantSources.total === 0 ? (
          <p>Every source you follow has published in the last 90 days.</p>
        ) : (
          <>
            <p>{plural(health.dormantSources.total, 'source you follow has', 'sources you follow have')} published nothing in 90 days.</p>
            <ul class="insights-list">
              {health.dormantSources.sources.map((s) => (
                <li>
                  {s.title}{' '}
                  <span class="meta">{s.lastItemAt === null ? 'no items seen' : `last item ${formatDate(s.lastItemAt, tz)}`}</span>{' '}
                  <form method="post" action={`/sources/subscriptions/${s.subscriptionId}/delete`} class="inline-form">
                    <CsrfField token={c.var.csrf} />
                    <input type="hidden" name="back" value="/insights#dormant-sources" />
                    <button type="submit" class="post-action">
                      Unfollow<span class="visually-hidden"> {s.title}</span>
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          </>
        )}

        <h3>Who you talk with</h3>
        {health.ties.length === 0 ? (
          <p>No conversations both ways in the last 90 days yet. Reply to someone who replied to you, and it starts here.</p>
        ) : (
          <DataTable
            caption="People you exchanged replies and mentions with, both ways, in the last 90 days"
            columns={['Person', 'From you', 'To you']}
          >
            {health.ties.map((t) => (
              <tr>
                <th scope="row">
                  <a href={t.path}>{t.displayName}</a>
                </th>
                <td>{t.toThem}</td>
                <td>{t.fromThem}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="how-computed">
        <h2 id="how-computed">How your stage is computed</h2>
        <p>
          Each score is 100 × (1 − e<sup>−x/k</sup>) of weighted counts of what you did: reading and following for consumption; replies,
          mutual follows, chats and mentions for connection; posts with links or hashtags, bookmarks with notes, collections and articles
          for creation; reactions to your posts, chats you host, followers of your collections and your starter kits for contribution. Your
          stage is the furthest one whose score reaches {STAGE_THRESHOLD}. Only you can see this page.
        </p>
      </section>
    </>
  );
}

/**
 * "Move to a list" for one quiet person: one of the member's lists, or a new one by name. Folded
 * away (details) so the list of quiet people stays short; open when it came back with an error.
 */
function MoveToListForm({
  c,
  person,
  lists,
  problem,
}: {
  c: AppContext;
  person: DormantPerson;
  lists: ListView[];
  problem: MoveProblem | undefined;
}) {
  const listId = fieldId(`move-${person.actorId}-list`);
  const newId = fieldId(`move-${person.actorId}-new`);
  const newError = problem?.errors[`move-${person.actorId}-new`];
  const chosen = problem?.values.list ?? (lists.length > 0 ? String(lists[0]!.id) : 'new');
  return (
    <details class="move-to-list" open={problem ? true : undefined}>
      <summary>
        Move to a list<span class="visually-hidden"> ({person.displayName})</span>
      </summary>
      <form method="post" action="/insights/move-to-list">
        <CsrfField token={c.var.csrf} />
        <input type="hidden" name="acct" value={person.acct} />
        <div class="field">
          <label for={listId}>List for {person.displayName}</label>
          <select id={listId} name="list">
            {lists.map((l) => (
              <option value={String(l.id)} selected={chosen === String(l.id)}>
                {l.name}
              </option>
            ))}
            <option value="new" selected={chosen === 'new'}>
              A new list (name it below)
            </option>
          </select>
        </div>
        <div class={`field${newError ? ' field--error' : ''}`}>
          <label for={newId}>
            New list name<span class="optional"> (only for a new list)</span>
          </label>
          {newError ? (
            <p class="field-error" id={`${newId}-error`}>
              <span class="visually-hidden">Error: </span>
              {newError}
            </p>
          ) : null}
          <input
            type="text"
            id={newId}
            name="newList"
            maxlength={80}
            value={problem?.values.newList ?? ''}
            aria-invalid={newError ? 'true' : undefined}
            aria-describedby={newError ? `${newId}-error` : undefined}
          />
        </div>
        <button type="submit">Move {person.displayName} to the list and unfollow</button>
      </form>
    </details>
  );
}

function ShareChart({ id, title, shares }: { id: string; title: string; shares: Share[] }) {
  const pct = (s: Share) => Math.round(s.share * 100);
  return (
    <BarChart
      id={id}
      title={title}
      desc={shares.map((s) => `${s.label}: ${s.count} (${pct(s)}%)`).join('; ')}
      bars={shares.map((s) => ({ label: s.label, value: pct(s), text: `${pct(s)}%` }))}
      max={100}
    />
  );
}

function ShareTable({ caption, heading, shares }: { caption: string; heading: string; shares: Share[] }) {
  return (
    <DataTable caption={caption} columns={[heading, 'People', 'Share']}>
      {shares.map((s) => (
        <tr>
          <th scope="row">{s.label}</th>
          <td>{s.count}</td>
          <td>{Math.round(s.share * 100)}%</td>
        </tr>
      ))}
    </DataTable>
  );
}
