import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../web/context.ts';
import { CsrfField } from '../web/forms.tsx';
import { formatDate, plural } from '../web/format.ts';
import { requireViewer } from '../web/middleware.ts';
import { DataTable } from '../web/layout.tsx';
import type { Share } from './health.ts';
import { memberInsights, type MemberInsights } from './insights.ts';
import { insightsPage } from './section.tsx';
import { STAGE_LABELS, STAGE_THRESHOLD, STAGES } from './stages.ts';

/** My PLN: stage scores, the next step and the health of the member's network. Signed-in only. */
export function registerMyPlnPages(app: Hono<AppEnv>): void {
  app.get('/insights', async (c) => {
    const viewer = requireViewer(c);
    const insights = await memberInsights(c.var.services.database, viewer);
    return insightsPage(c, { title: 'My PLN', noindex: true }, <MyPln c={c} insights={insights} />);
  });
}

function MyPln({ c, insights }: { c: AppContext; insights: MemberInsights }) {
  const { scores, stage, nextStep, health } = insights;
  const tz = c.var.viewer?.timeZone ?? 'UTC';
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
        <DataTable caption={<>Stage scores (0 to 100; reached at {STAGE_THRESHOLD})</>} columns={['Stage', 'Score', 'Reached']}>
          {STAGES.map((s) => (
            <tr>
              <th scope="row">{STAGE_LABELS[s]}</th>
              <td>{scores[s]}</td>
              <td>{scores[s] >= STAGE_THRESHOLD ? 'Yes' : 'Not yet'}</td>
            </tr>
          ))}
        </DataTable>
      </section>

      <section aria-labelledby="health-title">
        <h2 id="health-title">Network health</h2>
        <dl class="insights-numbers">
          <dt>Following</dt>
          <dd>{health.following}</dd>
          <dt>Followers</dt>
          <dd>{health.followers}</dd>
          <dt>Mutual follows</dt>
          <dd>{health.mutuals}</dd>
          <dt>Reciprocity</dt>
          <dd>{health.reciprocity === null ? 'Not yet: you follow nobody' : `${pct(health.reciprocity)} of the people you follow follow you back`}</dd>
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
            <ShareTable caption="Roles of the people you follow" heading="Role" shares={health.roles} />
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
              {health.dormantFollows.total > health.dormantFollows.people.length ? ` (the ${health.dormantFollows.people.length} quietest are shown)` : ''}.
            </p>
            <ul class="insights-list">
              {health.dormantFollows.people.map((p) => (
                <li>
                  <a href={p.path}>{p.displayName}</a> <span class="meta">@{p.acct} · {p.lastPostAt === null ? 'no posts seen' : `last post ${formatDate(p.lastPostAt, tz)}`}</span>{' '}
                  <form method="post" action={`${p.path}/unfollow`} class="inline-form">
                    <CsrfField token={c.var.csrf} />
                    <input type="hidden" name="back" value="/insights#dormant-follows" />
                    <button type="submit" class="post-action">
                      Unfollow<span class="visually-hidden"> {p.displayName}</span>
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          </>
        )}

        <h3 id="dormant-sources">Quiet sources</h3>
        {health.dormantSources.total === 0 ? (
          <p>Every source you follow has published in the last 90 days.</p>
        ) : (
          <>
            <p>{plural(health.dormantSources.total, 'source you follow has', 'sources you follow have')} published nothing in 90 days.</p>
            <ul class="insights-list">
              {health.dormantSources.sources.map((s) => (
                <li>
                  {s.title} <span class="meta">{s.lastItemAt === null ? 'no items seen' : `last item ${formatDate(s.lastItemAt, tz)}`}</span>{' '}
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
          <DataTable caption="People you exchanged replies and mentions with, both ways, in the last 90 days" columns={['Person', 'From you', 'To you']}>
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
          Each score is 100 × (1 − e<sup>−x/k</sup>) of weighted counts of what you did: reading and following for consumption; replies, mutual follows,
          chats and mentions for connection; posts with links or hashtags, bookmarks with notes, collections and articles for creation; reactions to your
          posts, chats you host, followers of your collections and your starter kits for contribution. Your stage is the furthest one whose score
          reaches {STAGE_THRESHOLD}. Only you can see this page.
        </p>
      </section>
    </>
  );
}

interface Bar {
  label: string;
  value: number;
  text: string;
}

/**
 * A horizontal bar chart drawn on the server. Bars use the text colour (so they keep their
 * contrast in any theme) and every bar carries its number as text: nothing rests on colour.
 */
function BarChart({ id, title, desc, bars, max, marker }: { id: string; title: string; desc: string; bars: Bar[]; max: number; marker?: number }) {
  const labelWidth = 240;
  const barWidth = 300;
  const row = 30;
  const height = bars.length * row + 10;
  const x = (v: number) => labelWidth + (max > 0 ? (Math.max(0, Math.min(v, max)) / max) * barWidth : 0);
  const width = labelWidth + barWidth + 60;
  // Full width but a fixed height, aligned left: never larger than its natural size on wide
  // screens, scaled down to fit on narrow ones (no inline styles are allowed under the CSP).
  return (
    <div class="insights-chart">
      <svg id={id} role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${width} ${height}`} width="100%" height={height} preserveAspectRatio="xMinYMin meet" fill="currentColor">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {bars.map((b, i) => (
          <g>
            <text x={labelWidth - 8} y={i * row + 22} text-anchor="end" font-size="14">
              {b.label}
            </text>
            <rect x={labelWidth} y={i * row + 8} width={barWidth} height="18" fill="none" stroke="currentColor" stroke-width="1" />
            <rect x={labelWidth} y={i * row + 8} width={x(b.value) - labelWidth} height="18" />
            <text x={labelWidth + barWidth + 8} y={i * row + 22} font-size="14">
              {b.text}
            </text>
          </g>
        ))}
        {marker !== undefined ? (
          <line x1={x(marker)} x2={x(marker)} y1="2" y2={height - 2} stroke="currentColor" stroke-width="2" stroke-dasharray="4 3" />
        ) : null}
      </svg>
    </div>
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
