/**
 * Transcript downloads of a finished chat: Markdown, CSV, JSON and a standalone HTML page.
 *
 * Everything here is built from a plain Transcript value, so the formats can be tested without a
 * database. User text (names, questions, posts) is untrusted in every format: it is escaped for
 * Markdown and HTML, and guarded against formula injection in CSV. `post.html` is the one
 * exception: it has already been through the site's sanitiser and is inserted as is.
 */
import { escapeHtml } from '../platform/sanitize.ts';
import { utcToZoned } from './time.ts';

export interface TranscriptPerson {
  handle: string;
  displayName: string;
  url: string;
}

export interface TranscriptPost {
  id: number;
  url: string;
  author: TranscriptPerson;
  text: string;
  /** Already sanitised HTML. */
  html: string;
  createdAt: number;
  highlighted: boolean;
  /** First chat of this series for the author. */
  firstTime: boolean;
}

export interface TranscriptQuestion {
  number: number;
  /** 'Q1' or, in a backchannel, the session's name. */
  label: string;
  text: string;
  imageUrl: string | null;
  imageAlt: string | null;
  releasedAt: number | null;
  postUrl: string | null;
  answers: TranscriptPost[];
}

export interface TranscriptParticipant extends TranscriptPerson {
  posts: number;
  answers: number;
  firstTime: boolean;
}

export interface Transcript {
  series: { slug: string; title: string; hashtag: string; kind: 'chat' | 'backchannel'; url: string };
  chat: {
    date: string;
    topic: string;
    startsAt: number;
    endsAt: number;
    startedAt: number | null;
    endedAt: number | null;
    url: string;
    timeZone: string;
  };
  questions: TranscriptQuestion[];
  /** Posts of the chat not linked to a question, in time order. */
  otherPosts: TranscriptPost[];
  participants: TranscriptParticipant[];
  counts: { posts: number; answers: number; participants: number; highlighted: number; firstTimers: number };
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** HH:MM in the chat's zone: what participants saw on their clocks during the chat. */
function clock(t: Transcript, ms: number): string {
  return utcToZoned(ms, t.chat.timeZone).time;
}

/** "Tuesday 2 March 2027, 20:00–21:00 (America/New_York)". */
function when(t: Transcript): string {
  const start = utcToZoned(t.chat.startsAt, t.chat.timeZone);
  const [year, month, day] = start.date.split('-').map(Number) as [number, number, number];
  const end = clock(t, t.chat.endsAt);
  return `${WEEKDAYS[start.weekday]} ${day} ${MONTHS[month - 1]} ${year}, ${start.time}–${end} (${t.chat.timeZone})`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function countsSentence(t: Transcript): string {
  const c = t.counts;
  return [
    plural(c.participants, 'participant', 'participants'),
    plural(c.posts, 'post', 'posts'),
    plural(c.answers, 'answer', 'answers'),
    `${c.highlighted} highlighted`,
    plural(c.firstTimers, 'first-timer', 'first-timers'),
  ].join(' · ');
}

/** Only web links are written out as links; anything else (javascript:, data:) is dropped. */
function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function allPosts(t: Transcript): Array<{ question: string; post: TranscriptPost }> {
  return [
    ...t.questions.flatMap((q) => q.answers.map((post) => ({ question: q.label, post }))),
    ...t.otherPosts.map((post) => ({ question: '', post })),
  ];
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * Text that renders literally in CommonMark/GFM: characters that start inline syntax (emphasis,
 * code, links, images, HTML, entities, tables, strikethrough) are backslash-escaped, which
 * CommonMark allows for any ASCII punctuation.
 */
export function escapeMarkdownInline(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~&!{}]/g, '\\$&');
}

/**
 * Multi-line text that renders literally: inline syntax escaped, and block markers (lists,
 * headings, quotes, rules, setext underlines, indented code) neutralised at the start of each
 * line. Lines are joined with `joiner`, so a post can stay inside its list item.
 */
export function escapeMarkdown(text: string, joiner = '\n'): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) =>
      escapeMarkdownInline(line.trimStart()) // four leading spaces would start a code block
        .replace(/^([-+=])/, '\\$1')
        .replace(/^(\d+)([.)])/, '$1\\$2'),
    )
    .join(joiner);
}

/** Single-line text (names, headings): line breaks become spaces. */
function mdInline(text: string): string {
  return escapeMarkdownInline(text.replace(/\s+/g, ' ').trim());
}

/** A link destination in <…> form, which allows spaces and parentheses. */
function mdUrl(url: string): string {
  return `<${url.replace(/[<>\s]/g, encodeURIComponent)}>`;
}

function mdLink(text: string, url: string | null): string {
  const safe = safeUrl(url);
  return safe ? `[${text}](${mdUrl(safe)})` : text;
}

function mdPost(t: Transcript, post: TranscriptPost): string {
  const star = post.highlighted ? '⭐ ' : '';
  const first = post.firstTime ? ' (first chat)' : '';
  const name = `**${mdInline(post.author.displayName)}** (@${mdInline(post.author.handle)})`;
  // A trailing backslash is a hard line break; the indent keeps following lines in the item.
  const text = escapeMarkdown(post.text.trim(), '\\\n  ');
  return `- ${star}${name}${first}, ${mdLink(clock(t, post.createdAt), post.url)}: ${text}`;
}

export function transcriptMarkdown(t: Transcript): string {
  const out: string[] = [];
  out.push(`# ${mdInline(t.series.title)}: ${mdInline(t.chat.topic)}`, '');
  out.push(`${mdInline(t.series.hashtag)} · ${mdInline(when(t))}`, '');
  out.push(mdInline(countsSentence(t)), '');
  const link = safeUrl(t.chat.url);
  if (link) out.push(`Chat page: ${mdUrl(link)}`, '');

  for (const q of t.questions) {
    out.push(`## ${mdInline(q.label)}: ${mdInline(q.text)}`, '');
    const meta: string[] = [];
    if (q.releasedAt !== null) meta.push(`Asked at ${mdLink(clock(t, q.releasedAt), q.postUrl)}`);
    const image = safeUrl(q.imageUrl);
    if (image) meta.push(`Image: [${q.imageAlt ? mdInline(q.imageAlt) : 'no description'}](${mdUrl(image)})`);
    if (meta.length > 0) out.push(meta.join(' · '), '');
    if (q.answers.length === 0) out.push('No answers.', '');
    else out.push(...q.answers.map((p) => mdPost(t, p)), '');
  }

  if (t.otherPosts.length > 0) {
    out.push('## Other posts', '', ...t.otherPosts.map((p) => mdPost(t, p)), '');
  }

  out.push('## Participants', '');
  if (t.participants.length === 0) out.push('No participants.', '');
  for (const p of t.participants) {
    const first = p.firstTime ? ', first chat' : '';
    out.push(
      `- ${mdLink(`**${mdInline(p.displayName)}**`, p.url)} (@${mdInline(p.handle)}): ` +
        `${plural(p.posts, 'post', 'posts')}, ${plural(p.answers, 'answer', 'answers')}${first}`,
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// CSV

const CSV_HEADER = ['question', 'post_id', 'posted_at', 'author_handle', 'author_name', 'text', 'highlighted', 'first_time', 'url'];

/**
 * One RFC 4180 field. A leading = + - @ tab or CR makes spreadsheets treat the cell as a
 * formula, so such cells get a ' prefix; quoting happens after, since quotes don't disarm it.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every post, one per row: answers under their question's label, then the other posts. */
export function transcriptCsv(t: Transcript): string {
  const rows = [CSV_HEADER];
  for (const { question, post } of allPosts(t)) {
    rows.push([
      question,
      String(post.id),
      iso(post.createdAt),
      post.author.handle,
      post.author.displayName,
      post.text,
      String(post.highlighted),
      String(post.firstTime),
      post.url,
    ]);
  }
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// JSON

function jsonPost(post: TranscriptPost): Omit<TranscriptPost, 'createdAt'> & { createdAt: string } {
  return { ...post, createdAt: iso(post.createdAt) };
}

/** The Transcript as pretty JSON, with ISO 8601 (UTC) strings in place of epoch milliseconds. */
export function transcriptJson(t: Transcript): string {
  const nullableIso = (ms: number | null): string | null => (ms === null ? null : iso(ms));
  const value = {
    series: t.series,
    chat: {
      ...t.chat,
      startsAt: iso(t.chat.startsAt),
      endsAt: iso(t.chat.endsAt),
      startedAt: nullableIso(t.chat.startedAt),
      endedAt: nullableIso(t.chat.endedAt),
    },
    questions: t.questions.map((q) => ({ ...q, releasedAt: nullableIso(q.releasedAt), answers: q.answers.map(jsonPost) })),
    otherPosts: t.otherPosts.map(jsonPost),
    participants: t.participants,
    counts: t.counts,
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML

function htmlLink(text: string, url: string | null): string {
  const safe = safeUrl(url);
  return safe ? `<a href="${escapeHtml(safe)}">${text}</a>` : text;
}

function htmlTime(t: Transcript, ms: number, url: string | null): string {
  return htmlLink(`<time datetime="${iso(ms)}">${clock(t, ms)}</time>`, url);
}

function htmlPost(t: Transcript, post: TranscriptPost): string {
  const badges: string[] = [];
  if (post.highlighted) badges.push('<span class="badge highlighted">⭐ Highlighted</span>');
  if (post.firstTime) badges.push('<span class="badge">First chat</span>');
  return `<li class="post${post.highlighted ? ' is-highlighted' : ''}">
<p class="byline">${htmlLink(`<strong>${escapeHtml(post.author.displayName)}</strong>`, post.author.url)} <span class="handle">@${escapeHtml(post.author.handle)}</span> · ${htmlTime(t, post.createdAt, post.url)}${badges.length > 0 ? ` ${badges.join(' ')}` : ''}</p>
<div class="content">${post.html}</div>
</li>`;
}

function htmlPosts(t: Transcript, posts: TranscriptPost[], empty: string): string {
  return posts.length > 0 ? `<ol class="posts">\n${posts.map((p) => htmlPost(t, p)).join('\n')}\n</ol>` : `<p>${empty}</p>`;
}

// Colours meet WCAG AA contrast on white; highlighting is also said in words, not only shown.
const STYLE = `
body{margin:0;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#fff}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.35rem;margin:2.5rem 0 .75rem;border-bottom:1px solid #ccc;padding-bottom:.25rem}
h3{font-size:1.1rem;margin:1.75rem 0 .5rem}
a{color:#0b57d0}
.meta,.handle,.byline time{color:#4a4a4a}
.posts{list-style:none;padding:0;margin:0}
.post{border-left:4px solid #ddd;padding:.25rem 0 .25rem .75rem;margin:0 0 1rem}
.post.is-highlighted{border-left-color:#8a5a00;background:#fff8e6}
.byline{margin:0}
.badge{display:inline-block;font-size:.8rem;border:1px solid #767676;border-radius:.25rem;padding:0 .35rem}
.badge.highlighted{border-color:#8a5a00;color:#5c3c00}
.content p{margin:.25rem 0}
img{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd}
td.number{text-align:right}
th a,td a{display:inline-block;min-height:24px;line-height:24px}
`.trim();

/** A standalone, script-free HTML5 page of the transcript, readable offline or printed. */
export function transcriptHtml(t: Transcript, options: { siteName: string }): string {
  const title = `${t.series.title}: ${t.chat.topic}`;
  const questions = t.questions
    .map((q) => {
      const image = safeUrl(q.imageUrl);
      const asked = q.releasedAt !== null ? `<p class="meta">Asked at ${htmlTime(t, q.releasedAt, q.postUrl)}</p>\n` : '';
      const figure = image ? `<p><img src="${escapeHtml(image)}" alt="${escapeHtml(q.imageAlt ?? '')}"></p>\n` : '';
      return `<section aria-labelledby="q${q.number}">
<h3 id="q${q.number}">${escapeHtml(q.label)}: ${escapeHtml(q.text)}</h3>
${asked}${figure}${htmlPosts(t, q.answers, 'No answers.')}
</section>`;
    })
    .join('\n');

  const rows = t.participants
    .map(
      (p) =>
        `<tr><th scope="row">${htmlLink(escapeHtml(p.displayName), p.url)}</th><td>@${escapeHtml(p.handle)}</td>` +
        `<td class="number">${p.posts}</td><td class="number">${p.answers}</td><td>${p.firstTime ? 'Yes' : 'No'}</td></tr>`,
    )
    .join('\n');

  const chatLink = safeUrl(t.chat.url);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'">
<title>${escapeHtml(`${t.series.hashtag} ${title} (${t.chat.date}) · ${options.siteName}`)}</title>
<style>
${STYLE}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(t.series.hashtag)} · ${escapeHtml(when(t))}</p>
<p>${escapeHtml(countsSentence(t))}</p>
${chatLink ? `<p>${htmlLink('Chat page', chatLink)} · Transcript from ${escapeHtml(options.siteName)}</p>\n` : ''}<section aria-labelledby="questions">
<h2 id="questions">${t.series.kind === 'backchannel' ? 'Sessions' : 'Questions and answers'}</h2>
${questions || '<p>No questions.</p>'}
</section>
${t.otherPosts.length > 0 ? `<section aria-labelledby="other">\n<h2 id="other">Other posts</h2>\n${htmlPosts(t, t.otherPosts, '')}\n</section>\n` : ''}<section aria-labelledby="participants">
<h2 id="participants">Participants</h2>
<table>
<caption>${plural(t.participants.length, 'participant', 'participants')}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Handle</th><th scope="col">Posts</th><th scope="col">Answers</th><th scope="col">First chat</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>
</main>
</body>
</html>
`;
}
