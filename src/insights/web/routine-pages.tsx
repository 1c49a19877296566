import { Hono } from 'hono';
import { UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { CsrfField } from '../../web/forms.tsx';
import { DataTable, flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { BUCKETS, bucketOf, type PlanLink, type PlanStep, type Routine, type RoutineDay } from '../routine.ts';
import type { InsightsService } from '../service.ts';
import { insightsPage } from './section.tsx';

const PATH = '/insights/routine';

/** Routine (Insights section): today's plan, the streak and the heat map; plain forms, no script needed. */
export function routinePages(service: InsightsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(PATH, async (c) => {
    const viewer = requireViewer(c);
    const routine = await service.routine.routine(viewer);
    return insightsPage(c, { title: 'Routine', noindex: true }, <RoutinePage c={c} routine={routine} />);
  });

  // Opening something to read from the plan ticks the step, then goes there. A form (POST), not
  // a link, because it records something; with nothing named it ticks "read elsewhere".
  app.post(`${PATH}/read`, async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const kind = form.text('kind');
    if (kind === 'item' || kind === 'post') {
      const id = Number(form.text('id'));
      if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no such thing to read.');
      return c.redirect(await service.routine.openFromPlan(viewer, kind, id), 303);
    }
    await service.routine.markRead(viewer);
    flash(c, 'Reading is ticked off for today.');
    return c.redirect(`${PATH}#step-read`, 303);
  });
  return app;
}

const STEP_HEADINGS: Record<PlanStep['key'], string> = { read: '1. Read', answer: '2. Answer one person', share: '3. Share one thing' };

function RoutinePage({ c, routine }: { c: AppContext; routine: Routine }) {
  const done = routine.steps.filter((s) => s.done).length;
  const { streak } = routine;
  return (
    <>
      <p>
        Twenty minutes a day keeps a learning network alive: read a little, answer one person, share one thing. Days run midnight to
        midnight in your time zone, <strong>{routine.timeZone}</strong> (change it in <a href="/settings/profile">your settings</a>).
      </p>

      <section aria-labelledby="plan-title">
        <h2 id="plan-title">Today’s plan</h2>
        <p id="plan-progress">
          {done === 3 ? 'All three steps done today. See you tomorrow!' : `${done} of 3 steps done today (${formatDay(routine.today)}).`}
        </p>
        <ol class="routine-steps">
          {routine.steps.map((step) => (
            <li id={`step-${step.key}`} class={`routine-step${step.done ? ' routine-step--done' : ''}`}>
              <h3>
                {STEP_HEADINGS[step.key]} <span class="routine-step__status">{step.done ? '✓ Done today' : 'Not done yet'}</span>
              </h3>
              <p>{step.text}</p>
              <ul class="routine-links">
                {step.links.map((link) => (
                  <li>
                    <StepLink c={c} link={link} opensThroughPlan={step.key === 'read'} />
                  </li>
                ))}
              </ul>
              {step.key === 'read' && !step.done ? (
                <form method="post" action={`${PATH}/read`} class="inline-form">
                  <CsrfField token={c.var.csrf} />
                  <button type="submit" class="post-action">
                    I read something elsewhere today
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="streak-title">
        <h2 id="streak-title">Streak</h2>
        <p id="streak" class="callout">
          {streak.days === 0 ? (
            <>No streak yet: do any one thing today (read from the plan, reply, post, boost, like or bookmark) and it starts.</>
          ) : (
            <>
              <strong>{streak.capped ? `${streak.days} days or more` : plural(streak.days, 'day', 'days')}</strong> in a row{' '}
              {streak.includesToday ? 'including today' : 'up to yesterday — do one thing today to keep it going'}.
            </>
          )}
        </p>
        <p class="meta">
          A day counts when you did at least one thing: read from the plan, replied, posted, boosted, liked or bookmarked. Today counts as
          soon as you do something; until then the streak runs to yesterday.
        </p>
      </section>

      <section aria-labelledby="heatmap-title">
        <h2 id="heatmap-title">The last 12 weeks</h2>
        {routine.activeDays === 0 ? (
          <p id="heatmap-empty">Nothing here yet — each day you do something, its square fills in. Start with today’s plan above.</p>
        ) : (
          <p>
            You were active on {plural(routine.activeDays, 'day', 'days')} of the last {routine.days.length}. Each square is a day; its
            number is how many things you did.
          </p>
        )}
        <HeatMap days={routine.days} />
        <details class="routine-table">
          <summary>The same as a table</summary>
          <HeatTable days={routine.days} />
        </details>
      </section>
    </>
  );
}

/** Things to read open through a form that ticks the step; everything else is a plain link. */
function StepLink({ c, link, opensThroughPlan }: { c: AppContext; link: PlanLink; opensThroughPlan: boolean }) {
  const by = link.by ? <span class="meta"> — {link.by}</span> : null;
  if (!opensThroughPlan || link.kind === 'page' || link.id === null) {
    return (
      <>
        <a href={link.url}>{link.label}</a>
        {by}
      </>
    );
  }
  return (
    <form method="post" action={`${PATH}/read`} class="inline-form">
      <CsrfField token={c.var.csrf} />
      <input type="hidden" name="kind" value={link.kind} />
      <input type="hidden" name="id" value={String(link.id)} />
      <button type="submit" class="link-button">
        {link.label}
      </button>
      {by}
    </form>
  );
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function formatDay(date: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

function dayWords(day: RoutineDay): string {
  const parts = (
    [
      [day.posts, 'post', 'posts'],
      [day.replies, 'reply', 'replies'],
      [day.boosts, 'boost', 'boosts'],
      [day.likes, 'like', 'likes'],
      [day.bookmarks, 'bookmark', 'bookmarks'],
      [day.reads, 'read from the plan', 'reads from the plan'],
    ] as const
  )
    .filter(([count]) => count > 0)
    .map(([count, one, many]) => plural(count, one, many));
  return `${formatDay(day.date)}: ${day.count === 0 ? 'nothing' : parts.join(', ')} (${BUCKETS[bucketOf(day.count)]!.label})`;
}

/** Shades for the four buckets, as opacity of the text colour; the number and the legend's words carry the same. */
const SHADES = [0.06, 0.3, 0.6, 1];

/**
 * 12 weeks × 7 days, oldest week on the left, each square a day with its count written in it
 * and a <title> in words; a legend names the buckets. Deterministic: only the dates decide.
 */
function HeatMap({ days }: { days: RoutineDay[] }) {
  const cell = 34;
  const gap = 4;
  const left = 96;
  const top = 24;
  const weeks = Math.ceil(days.length / 7);
  const legendStep = 130;
  const width = Math.max(left + weeks * (cell + gap) + 8, left + BUCKETS.length * legendStep);
  const legendY = top + 7 * (cell + gap) + 14;
  const height = legendY + 30;
  const x = (i: number) => left + Math.floor(i / 7) * (cell + gap);
  const y = (i: number) => top + (i % 7) * (cell + gap);
  const total = days.reduce((sum, d) => sum + d.count, 0);
  const active = days.filter((d) => d.count > 0).length;
  const busiest = days.reduce<RoutineDay | null>((best, d) => (d.count > 0 && (!best || d.count > best.count) ? d : best), null);
  const desc =
    `${days.length} days from ${formatDay(days[0]!.date)} to ${formatDay(days[days.length - 1]!.date)}: ${plural(total, 'thing', 'things')} done on ${plural(active, 'day', 'days')}` +
    (busiest ? `; the busiest day was ${formatDay(busiest.date)} with ${busiest.count}.` : '.') +
    ` Buckets: ${BUCKETS.map((b, i) => `${b.label} (${i === BUCKETS.length - 1 ? `${b.min} or more` : i === 0 ? '0' : `${b.min} to ${BUCKETS[i + 1]!.min - 1}`})`).join(', ')}.`;
  return (
    <div class="insights-chart">
      <svg
        id="heatmap"
        role="img"
        aria-labelledby="heatmap-svg-title heatmap-svg-desc"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        preserveAspectRatio="xMinYMin meet"
        fill="currentColor"
      >
        <title id="heatmap-svg-title">Activity per day, last 12 weeks</title>
        <desc id="heatmap-svg-desc">{desc}</desc>
        {days.slice(0, 7).map((d, i) => (
          <text x={left - 8} y={y(i) + cell / 2 + 5} text-anchor="end" font-size="13">
            {WEEKDAYS[d.weekday]!.slice(0, 3)}
          </text>
        ))}
        {Array.from({ length: weeks }, (_, w) =>
          w % 2 === 0 ? (
            <text x={x(w * 7)} y={top - 8} font-size="12">
              {formatDay(days[w * 7]!.date).replace(/^\w+ /, '')}
            </text>
          ) : null,
        )}
        {days.map((d, i) => {
          const b = bucketOf(d.count);
          return (
            <g class="heat-cell" data-date={d.date} data-count={d.count}>
              <title>{dayWords(d)}</title>
              <rect
                x={x(i)}
                y={y(i)}
                width={cell}
                height={cell}
                rx="3"
                fill-opacity={SHADES[b]}
                stroke="currentColor"
                stroke-opacity="0.35"
              />
              {d.count > 0 ? (
                <text
                  x={x(i) + cell / 2}
                  y={y(i) + cell / 2 + 5}
                  text-anchor="middle"
                  font-size="13"
                  fill={b >= 2 ? '#ffffff' : 'currentColor'}
                >
                  {d.count > 99 ? '99+' : d.count}
                </text>
              ) : null}
            </g>
          );
        })}
        {BUCKETS.map((bucket, i) => (
          <g>
            <rect
              x={left + i * legendStep}
              y={legendY}
              width="18"
              height="18"
              rx="3"
              fill-opacity={SHADES[i]}
              stroke="currentColor"
              stroke-opacity="0.35"
            />
            <text x={left + i * legendStep + 24} y={legendY + 14} font-size="13">
              {bucket.label}{' '}
              {i === 0 ? '(0)' : i === BUCKETS.length - 1 ? `(${bucket.min}+)` : `(${bucket.min}–${BUCKETS[i + 1]!.min - 1})`}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}

/** The heat map's numbers: one row per week, one column per weekday, in the same order. */
function HeatTable({ days }: { days: RoutineDay[] }) {
  const weeks = Array.from({ length: Math.ceil(days.length / 7) }, (_, w) => days.slice(w * 7, w * 7 + 7));
  return (
    <DataTable
      caption="Things done per day, last 12 weeks (posts, replies, boosts, likes, bookmarks and reads from the plan)"
      columns={['Week from', ...days.slice(0, 7).map((d) => WEEKDAYS[d.weekday]!)]}
    >
      {weeks.map((week) => (
        <tr>
          <th scope="row">{formatDay(week[0]!.date)}</th>
          {week.map((d) => (
            <td>{d.count}</td>
          ))}
        </tr>
      ))}
    </DataTable>
  );
}
