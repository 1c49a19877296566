import { generateOpml, type Opml, parseOpml } from 'feedsmith';
import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { decodeFeed } from './decode.ts';
import { MIN_INTERVAL_MS } from './refresh.ts';

/**
 * OPML, the address book of feed readers. Import keeps folders (an outline holding outlines),
 * skips sources already followed (importing twice changes nothing), refuses what is not http(s)
 * with a reason, and does not fetch anything itself: new sources are due at once and the
 * refresher fetches them in the background. Export writes every subscription, in its folder.
 */

export interface OpmlImportResult {
  added: number;
  alreadyFollowed: number;
  folders: string[];
  skipped: Array<{ text: string; reason: string }>;
}

const MAX_OPML_BYTES = 5 * 1024 * 1024;
const MAX_OUTLINES = 10_000;

/** A source an OPML document lists. */
export interface OpmlEntry {
  url: string;
  title: string | null;
  folder: string | null;
}

type Outline = Opml.Outline<string>;

function collect(outlines: Outline[] | undefined, folder: string | null, entries: OpmlEntry[], skipped: OpmlImportResult['skipped']): void {
  for (const outline of outlines ?? []) {
    if (entries.length + skipped.length >= MAX_OUTLINES)
      throw new UserError(413, 'opml_too_large', `This OPML file lists more than ${MAX_OUTLINES} sources; split it into smaller files.`);
    const text = (outline.title ?? outline.text ?? '').replace(/\s+/g, ' ').trim();
    if (outline.xmlUrl) {
      let url: URL | null = null;
      try {
        url = new URL(outline.xmlUrl.trim());
      } catch {
        url = null;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
        skipped.push({ text: text || outline.xmlUrl, reason: 'not an http or https address' });
      else if (url.toString().length > 2000)
        skipped.push({ text: text || outline.xmlUrl.slice(0, 100), reason: 'the address is too long' });
      else entries.push({ url: url.toString(), title: text || null, folder });
    } else if (outline.outlines?.length) {
      // Nested folders are flattened to their outermost name: folders here are one level deep.
      collect(outline.outlines, folder ?? (text.slice(0, 80) || null), entries, skipped);
    }
  }
}

/**
 * The sources an OPML document lists (folders one level deep) and those it cannot follow, with
 * why. A file that is not OPML is a 422 on `field`.
 */
export function readOpml(bytes: Uint8Array, field: string): { entries: OpmlEntry[]; skipped: OpmlImportResult['skipped'] } {
  if (bytes.length > MAX_OPML_BYTES) throw new UserError(413, 'opml_too_large', 'This OPML file is larger than 5 MB.');
  const { text } = decodeFeed(bytes, undefined);
  // A DOCTYPE could declare entities: none is ever expanded.
  const xml = text.replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/i, '');
  let document: Opml.Document<string>;
  try {
    document = parseOpml(xml);
  } catch {
    throw UserError.field(
      field,
      'This file is not OPML (an export from a feed reader, usually ending in .opml or .xml).',
      422,
      'invalid_opml',
    );
  }
  const entries: OpmlEntry[] = [];
  const skipped: OpmlImportResult['skipped'] = [];
  collect(document.body?.outlines, null, entries, skipped);
  return { entries, skipped };
}

export class OpmlService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  /** Follows every source an OPML file lists, in its folders (one transaction; nothing is fetched here). */
  async import(viewer: Viewer, bytes: Uint8Array): Promise<OpmlImportResult> {
    const { entries, skipped } = readOpml(bytes, 'file');
    if (entries.length === 0 && skipped.length === 0) throw UserError.field('file', 'This OPML file lists no sources.', 422, 'empty_opml');
    return this.follow(viewer, entries, skipped);
  }

  /** Follows these sources, in their folders, in one transaction (sources already followed are counted, not repeated). */
  async follow(viewer: Viewer, entries: readonly OpmlEntry[], skipped: OpmlImportResult['skipped'] = []): Promise<OpmlImportResult> {
    const now = Date.now();
    return this.#database.db.transaction().execute(async (tx) => {
      const folderIds = new Map<string, number>();
      for (const name of new Set(entries.flatMap((e) => (e.folder ? [e.folder] : [])))) {
        await tx
          .insertInto('folders')
          .values({ member_id: viewer.memberId, name, created_at: now })
          .onConflict((oc) => oc.columns(['member_id', 'name']).doNothing())
          .execute();
        folderIds.set(
          name,
          (
            await tx
              .selectFrom('folders')
              .select('id')
              .where('member_id', '=', viewer.memberId)
              .where('name', '=', name)
              .executeTakeFirstOrThrow()
          ).id,
        );
      }
      let added = 0;
      let alreadyFollowed = 0;
      const seen = new Set<string>();
      for (let start = 0; start < entries.length; start += 200) {
        const batch = entries.slice(start, start + 200).filter((e) => !seen.has(e.url) && seen.add(e.url));
        if (!batch.length) continue;
        await tx
          .insertInto('sources')
          .values(batch.map((e) => ({ url: e.url, interval_ms: MIN_INTERVAL_MS * 4, next_fetch_at: now, created_at: now })))
          .onConflict((oc) => oc.column('url').doNothing())
          .execute();
        const sources = await tx
          .selectFrom('sources')
          .select(['id', 'url'])
          .where(
            'url',
            'in',
            batch.map((e) => e.url),
          )
          .execute();
        const idOf = new Map(sources.map((s) => [s.url, s.id]));
        const inserted = await tx
          .insertInto('subscriptions')
          .values(
            batch.map((e) => ({
              member_id: viewer.memberId,
              source_id: idOf.get(e.url)!,
              folder_id: e.folder ? folderIds.get(e.folder)! : null,
              title: e.title,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['member_id', 'source_id']).doNothing())
          .returning('source_id')
          .execute();
        if (inserted.length)
          await tx
            .updateTable('sources')
            .set((eb) => ({ subscriber_count: eb('subscriber_count', '+', 1) }))
            .where(
              'id',
              'in',
              inserted.map((i) => i.source_id),
            )
            .execute();
        added += inserted.length;
        alreadyFollowed += batch.length - inserted.length;
      }
      return { added, alreadyFollowed, folders: [...folderIds.keys()], skipped };
    });
  }

  /** The member's sources as OPML 2.0, in their folders. */
  async export(viewer: Viewer, siteName: string): Promise<string> {
    const rows = await this.#database.db
      .selectFrom('subscriptions as sub')
      .innerJoin('sources as s', 's.id', 'sub.source_id')
      .leftJoin('folders as f', 'f.id', 'sub.folder_id')
      .select(['sub.title as custom_title', 's.title', 's.url', 's.site_url', 'f.name as folder'])
      .where('sub.member_id', '=', viewer.memberId)
      .orderBy('f.name')
      .orderBy('s.title')
      .execute();
    const outline = (r: (typeof rows)[number]): Outline => {
      const text = r.custom_title ?? (r.title || r.url);
      return { text, title: text, type: 'rss', xmlUrl: r.url, ...(r.site_url ? { htmlUrl: r.site_url } : {}) };
    };
    const folders = new Map<string, Outline[]>();
    const loose: Outline[] = [];
    for (const r of rows) {
      if (r.folder) folders.set(r.folder, [...(folders.get(r.folder) ?? []), outline(r)]);
      else loose.push(outline(r));
    }
    const outlines: Outline[] = [...[...folders].map(([name, outlines]) => ({ text: name, title: name, outlines })), ...loose];
    // OPML's body holds at least one outline: with no sources yet, one that says so (and imports as nothing).
    if (outlines.length === 0) outlines.push({ text: 'No sources yet' });
    return generateOpml({
      head: { title: `${viewer.displayName ?? viewer.handle} — sources on ${siteName}`, dateCreated: new Date().toUTCString() },
      body: { outlines },
    }) as string;
  }
}
