import { escapeHtml } from '../platform/sanitize.ts';
import type { CollectionView, EntryView } from './collections.ts';

/**
 * A collection in open formats: RSS 2.0 and Atom 1.0 feeds of a public collection (newest
 * entries first, each with its annotation), and a JSON export of everything the viewer sees.
 */

/** Text for XML: characters XML 1.0 forbids are dropped, markup characters escaped. */
function xml(text: string): string {
  // These are exactly the characters XML forbids.
  return escapeHtml(
    text.replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '',
    ),
  );
}

/** The HTML an entry's feed item carries: the annotation, then what it points to. */
function entryHtml(entry: EntryView): string {
  const parts: string[] = [];
  for (const paragraph of entry.note
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    parts.push(`<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`);
  }
  const link = `<a href="${escapeHtml(entry.url)}">${escapeHtml(entry.title)}</a>`;
  if (entry.post) {
    parts.push(
      `<blockquote>${entry.post.html}</blockquote>`,
      `<p>A post by ${escapeHtml(entry.post.author.displayName)} (@${escapeHtml(entry.post.author.acct)}): ${link}</p>`,
    );
  } else if (entry.person) {
    const about = [entry.person.roleLabel, entry.person.organisation, entry.person.location].filter(Boolean).join(' · ');
    parts.push(`<p>Person: ${link} (@${escapeHtml(entry.person.acct)})${about ? ` — ${escapeHtml(about)}` : ''}</p>`);
    if (entry.person.bio) parts.push(`<p>${escapeHtml(entry.person.bio)}</p>`);
  } else if (entry.source) {
    parts.push(`<p>Source: ${link} (feed: <a href="${escapeHtml(entry.source.feedUrl)}">${escapeHtml(entry.source.feedUrl)}</a>)</p>`);
  } else if (entry.item) {
    parts.push(`<p>From ${escapeHtml(entry.item.sourceTitle)}: ${link}</p>`);
  } else {
    parts.push(`<p>Link: ${link}</p>`);
  }
  return parts.join('\n');
}

const pageOf = (c: CollectionView) => c.url;
const entryId = (c: CollectionView, e: EntryView) => `${pageOf(c)}#entry-${e.id}`;

/**
 * RSS 2.0 (with an Atom self link, as validators ask). `entries` are newest first. Readers
 * take every <description> as HTML, so the plain-text channel description is HTML-escaped
 * before it is XML-escaped, like the items' HTML; titles are plain text, escaped once.
 */
export function collectionRss(c: CollectionView): string {
  const self = `${pageOf(c)}/feed.rss`;
  const updated = Math.max(c.updatedAt, ...c.entries.map((e) => e.updatedAt));
  const items = c.entries.map(
    (e) => `    <item>
      <title>${xml(e.title)}</title>
      <link>${xml(e.url)}</link>
      <guid isPermaLink="false">${xml(entryId(c, e))}</guid>
      <pubDate>${new Date(e.createdAt).toUTCString()}</pubDate>
      <category>${xml(e.kind)}</category>${e.addedBy ? `\n      <dc:creator>${xml(e.addedBy.displayName)}</dc:creator>` : ''}
      <description>${xml(entryHtml(e))}</description>
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${xml(c.title)}</title>
    <link>${xml(pageOf(c))}</link>
    <description>${xml(escapeHtml(c.description || `A ${c.kind === 'starter_kit' ? 'starter kit' : 'collection'} by ${c.owner.displayName}`))}</description>
    <atom:link href="${xml(self)}" rel="self" type="application/rss+xml"/>
    <lastBuildDate>${new Date(updated).toUTCString()}</lastBuildDate>
    <generator>Commonroom</generator>
${items.join('\n')}
  </channel>
</rss>
`;
}

/** Atom 1.0. `entries` are newest first. */
export function collectionAtom(c: CollectionView): string {
  const self = `${pageOf(c)}/feed.atom`;
  const updated = Math.max(c.updatedAt, ...c.entries.map((e) => e.updatedAt));
  const entries = c.entries.map(
    (e) => `  <entry>
    <id>${xml(entryId(c, e))}</id>
    <title>${xml(e.title)}</title>
    <link rel="alternate" href="${xml(e.url)}"/>
    <published>${new Date(e.createdAt).toISOString()}</published>
    <updated>${new Date(e.updatedAt).toISOString()}</updated>
    <author><name>${xml(e.addedBy?.displayName ?? c.owner.displayName)}</name>${e.addedBy ? `<uri>${xml(e.addedBy.url)}</uri>` : ''}</author>
    <category term="${xml(e.kind)}"/>
    <content type="html">${xml(entryHtml(e))}</content>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(pageOf(c))}</id>
  <title>${xml(c.title)}</title>
${c.description ? `  <subtitle>${xml(c.description)}</subtitle>\n` : ''}  <link rel="alternate" type="text/html" href="${xml(pageOf(c))}"/>
  <link rel="self" type="application/atom+xml" href="${xml(self)}"/>
  <updated>${new Date(updated).toISOString()}</updated>
  <author><name>${xml(c.owner.displayName)}</name><uri>${xml(c.owner.url)}</uri></author>
  <generator>Commonroom</generator>
${entries.join('\n')}
</feed>
`;
}

export const EXPORT_VERSION = 1;

/** Everything the viewer sees of a collection, as plain JSON (entries in the collection's order). */
export function collectionJson(c: CollectionView) {
  return {
    format: 'commonroom-collection' as const,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    collection: {
      id: c.id,
      kind: c.kind,
      title: c.title,
      description: c.description,
      visibility: c.visibility,
      url: c.url,
      owner: { acct: c.owner.acct, displayName: c.owner.displayName, url: c.owner.url },
      collaborators: c.collaborators.map((a) => ({ acct: a.acct, displayName: a.displayName, url: a.url })),
      createdAt: new Date(c.createdAt).toISOString(),
      updatedAt: new Date(c.updatedAt).toISOString(),
    },
    entries: c.entries.map((e) => ({
      position: e.position,
      kind: e.kind,
      title: e.title,
      url: e.url,
      note: e.note,
      addedBy: e.addedBy ? e.addedBy.acct : null,
      createdAt: new Date(e.createdAt).toISOString(),
      post: e.post
        ? {
            id: e.post.id,
            url: e.post.url,
            author: e.post.author.acct,
            text: e.post.text,
            createdAt: new Date(e.post.createdAt).toISOString(),
          }
        : null,
      person: e.person
        ? {
            acct: e.person.acct,
            displayName: e.person.displayName,
            url: e.person.url,
            role: e.person.roleLabel,
            location: e.person.location,
          }
        : null,
      source: e.source ? { title: e.source.title, feedUrl: e.source.feedUrl, siteUrl: e.source.siteUrl } : null,
      item: e.item ? { title: e.item.title, url: e.item.url, source: e.item.sourceTitle } : null,
    })),
  };
}
export type CollectionExport = ReturnType<typeof collectionJson>;
