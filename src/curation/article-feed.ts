import type { ActorSummary } from '../social/index.ts';
import type { ArticleView } from './article-rows.ts';

/**
 * A member's blog as an Atom 1.0 feed (RFC 4287): the newest published articles with their
 * full, sanitised HTML, so feed readers show them whole.
 */
export function blogAtom(options: {
  author: ActorSummary;
  articles: ArticleView[];
  blogUrl: string;
  feedUrl: string;
  siteName: string;
}): string {
  const { author, articles, blogUrl, feedUrl } = options;
  const updated = articles.reduce((latest, a) => Math.max(latest, a.updatedAt), 0);
  const person = `<author><name>${xml(author.displayName)}</name><uri>${xml(author.url)}</uri></author>`;
  const entries = articles.map(
    (a) => `  <entry>
    <id>${xml(a.url)}</id>
    <title type="text">${xml(a.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(a.url)}"/>
    <published>${iso(a.publishedAt ?? a.createdAt)}</published>
    <updated>${iso(a.updatedAt)}</updated>
    ${person}
${a.summary ? `    <summary type="text">${xml(a.summary)}</summary>\n` : ''}    <content type="html">${xml(a.html)}</content>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(blogUrl)}</id>
  <title type="text">${xml(`${author.displayName}’s blog`)}</title>
  <subtitle type="text">${xml(`Articles by @${author.handle} on ${options.siteName}`)}</subtitle>
  <link rel="self" type="application/atom+xml" href="${xml(feedUrl)}"/>
  <link rel="alternate" type="text/html" href="${xml(blogUrl)}"/>
  <updated>${iso(updated || Date.now())}</updated>
  ${person}
  <generator>Commonroom</generator>
${entries.join('\n')}
</feed>
`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Text for XML: escaped, without the control characters XML 1.0 forbids. */
function xml(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '',
    )
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
