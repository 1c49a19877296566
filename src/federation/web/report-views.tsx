import { raw } from 'hono/html';
import type { ActorSummary } from '../../social/index.ts';
import { actorPath, postPath, VISIBILITY_LABELS } from '../../social/index.ts';
import { formatDateTime, isoTime, plural } from '../../web/format.ts';
import { Avatar } from '../../web/layout.tsx';
import { CATEGORY_LABELS, type ReportedPost, type ReportSummary } from '../report-schemas.ts';

/** A moment in the reader's time zone. */
export function When({ ms, tz }: { ms: number; tz: string }) {
  return <time datetime={isoTime(ms)}>{formatDateTime(ms, tz)}</time>;
}

/** The start of a text on one line, at most `max` characters. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

export function Person({ actor }: { actor: ActorSummary }) {
  return (
    <>
      <a href={actorPath(actor)}>{actor.displayName}</a> <span class="meta">@{actor.acct}</span>
    </>
  );
}

export function Reporter({ report }: { report: ReportSummary }) {
  if (!report.reporter) return <>someone no longer here</>;
  if (report.fromRemote) return <>their server, {report.reporter.acct.split('@')[1] ?? report.reporter.acct}</>;
  return <Person actor={report.reporter} />;
}

export function ReportCard({ report, tz }: { report: ReportSummary; tz: string }) {
  const titleId = `report-${report.id}-title`;
  return (
    <article class="report-card" aria-labelledby={titleId}>
      <h2 id={titleId} class="report-card__title">
        <a href={`/admin/reports/${report.id}`}>
          Report #{report.id}: {CATEGORY_LABELS[report.category].label}, about @{report.target.acct}
        </a>
      </h2>
      <p class="meta">
        Reported by <Reporter report={report} /> · <When ms={report.createdAt} tz={tz} /> ·{' '}
        {report.postIds.length ? plural(report.postIds.length, 'post', 'posts') : 'the account, no posts'}
        {report.forwardedAt ? ' · forwarded to their server' : ''}
      </p>
      {report.comment ? <p class="report-text">{excerpt(report.comment, 300)}</p> : <p class="meta">No comment.</p>}
      {report.resolvedAt ? (
        <p class="meta">
          Resolved{report.resolvedBy ? <> by @{report.resolvedBy.acct}</> : null} on <When ms={report.resolvedAt} tz={tz} />
        </p>
      ) : null}
    </article>
  );
}

/** A reported post as it is now (or what it said, when deleted since), for the administrators. */
export function ReportedPostCard({ item, tz }: { item: ReportedPost; tz: string }) {
  const p = item.post;
  if (!p) {
    return (
      <article class="post" aria-label="A deleted post">
        <p class="meta">Deleted since it was reported. It said:</p>
        <blockquote class="report-text">{item.reportedText || 'No text (images only)'}</blockquote>
      </article>
    );
  }
  const headingId = `reported-${p.id}-author`;
  const content = (
    <>
      <div class="post__content">{raw(p.html)}</div>
      {p.media.length > 0 ? (
        <ul class={`post__media post__media--${p.media.length}`} aria-label="Images">
          {p.media.map((m, i) => (
            <li>
              <a href={m.url}>
                <img src={m.url} alt={m.alt} width={m.width ?? undefined} height={m.height ?? undefined} loading="lazy" />
                {m.alt ? null : <span class="visually-hidden">Image {i + 1}, no description</span>}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
  return (
    <article class="post" aria-labelledby={headingId}>
      <header class="post__head">
        <Avatar url={p.author.avatarUrl} name={p.author.displayName} size={40} />
        <div>
          <a class="post__author" id={headingId} href={actorPath(p.author)}>
            {p.author.displayName}
          </a>{' '}
          <span class="meta">@{p.author.acct}</span>
          <br />
          <a class="meta post__time" href={p.author.local ? postPath(p) : p.url}>
            <time datetime={isoTime(p.createdAt)}>{formatDateTime(p.createdAt, tz)}</time>
          </a>
          <span class="meta"> · {VISIBILITY_LABELS[p.visibility].label}</span>
        </div>
      </header>
      {p.contentWarning ? (
        <details class="post__cw">
          <summary>
            <span class="post__cw-label">Content warning:</span> {p.contentWarning}
          </summary>
          {content}
        </details>
      ) : (
        content
      )}
      {p.text !== item.reportedText ? (
        <details>
          <summary>Edited since it was reported: what it said then</summary>
          <blockquote class="report-text">{item.reportedText}</blockquote>
        </details>
      ) : null}
    </article>
  );
}
