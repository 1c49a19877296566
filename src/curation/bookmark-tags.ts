import { passionSlug } from '../accounts/index.ts';
import type { Queryable } from '../db/database.ts';
import type { BookmarkVisibility } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { BookmarkTag, TagCount } from './bookmark-rows.ts';
import { TAG_MAX, TAGS_MAX } from './bookmark-schemas.ts';
import { plainText } from './bookmark-text.ts';

/**
 * Bookmark tags: names ("Graphic novels") with a slug, as hashtags and passions. `bookmark_tags`
 * copies the owner and the visibility into each row, so "a member's tag" and "public bookmarks
 * with a tag" each read one index.
 */

/**
 * Tag names from a list or a comma-separated string: a leading # goes, spaces collapse, and
 * tags whose slug is the same count once. `strict` (a member typing) reports a tag with no
 * letters or digits and too many tags; otherwise (imports) such tags are dropped.
 */
export function parseTags(input: string[] | string | undefined, strict: boolean, field = 'tags'): BookmarkTag[] {
  if (input === undefined) return [];
  const names = (typeof input === 'string' ? input.split(/[,\n]/) : input).map((t) =>
    plainText(t.replace(/,/g, ' ').replace(/^\s*#+/, ''), 1000),
  );
  const tags: BookmarkTag[] = [];
  const seen = new Set<string>();
  for (const raw of names) {
    if (!raw) continue;
    if (raw.length > TAG_MAX && strict)
      throw UserError.field(field, `A tag can be at most ${TAG_MAX} characters: “${raw.slice(0, 30)}…” is longer.`);
    const name = raw.slice(0, TAG_MAX).trim();
    const slug = passionSlug(name);
    if (!slug) {
      if (strict) throw UserError.field(field, `“${name}” cannot be a tag: a tag needs letters or digits.`);
      continue;
    }
    if (seen.has(slug)) continue;
    seen.add(slug);
    tags.push({ slug, name });
  }
  if (tags.length > TAGS_MAX) {
    if (strict) throw UserError.field(field, `A bookmark can have at most ${TAGS_MAX} tags.`);
    tags.length = TAGS_MAX;
  }
  return tags;
}

/** The tags of these bookmarks, by bookmark, in name order. */
export async function tagsOf(db: Queryable, ids: number[]): Promise<Map<number, BookmarkTag[]>> {
  const map = new Map<number, BookmarkTag[]>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('bookmark_tags')
      .select(['bookmark_id', 'slug', 'name'])
      .where('bookmark_id', 'in', ids.slice(start, start + 500))
      .orderBy('bookmark_id')
      .orderBy('name')
      .execute();
    for (const r of rows) {
      let list = map.get(r.bookmark_id);
      if (!list) map.set(r.bookmark_id, (list = []));
      list.push({ slug: r.slug, name: r.name });
    }
  }
  return map;
}

/** Adds tags to bookmarks of one member (those already there stay as they are). */
export async function addTags(
  db: Queryable,
  rows: Array<{ bookmarkId: number; memberId: number; visibility: BookmarkVisibility; tags: BookmarkTag[] }>,
): Promise<void> {
  const values = rows.flatMap((r) =>
    r.tags.map((t) => ({
      bookmark_id: r.bookmarkId,
      member_id: r.memberId,
      public: r.visibility === 'public' ? 1 : 0,
      slug: t.slug,
      name: t.name,
    })),
  );
  // Five values a row: 1,000 rows stay far below both databases' parameter limits.
  for (let start = 0; start < values.length; start += 1000) {
    await db
      .insertInto('bookmark_tags')
      .values(values.slice(start, start + 1000))
      .onConflict((oc) => oc.columns(['bookmark_id', 'slug']).doNothing())
      .execute();
  }
}

/** Makes a bookmark's whole set of tags this one (tags left out go). */
export async function replaceTags(
  db: Queryable,
  row: { bookmarkId: number; memberId: number; visibility: BookmarkVisibility; tags: BookmarkTag[] },
): Promise<void> {
  const keep = row.tags.map((t) => t.slug);
  await db
    .deleteFrom('bookmark_tags')
    .where('bookmark_id', '=', row.bookmarkId)
    .$if(keep.length > 0, (q) => q.where('slug', 'not in', keep))
    .execute();
  await addTags(db, [row]);
}

/** The tag rows follow their bookmark's visibility. */
export async function setTagVisibility(db: Queryable, bookmarkId: number, visibility: BookmarkVisibility): Promise<void> {
  await db
    .updateTable('bookmark_tags')
    .set({ public: visibility === 'public' ? 1 : 0 })
    .where('bookmark_id', '=', bookmarkId)
    .execute();
}

/** A member's tags with how many bookmarks carry each, most used first (public ones only with `publicOnly`). */
export async function tagCounts(db: Queryable, memberId: number, options: { publicOnly?: boolean } = {}): Promise<TagCount[]> {
  const rows = await db
    .selectFrom('bookmark_tags')
    .select((eb) => ['slug', eb.fn.min('name').as('name'), eb.fn.countAll<number>().as('count')])
    .where('member_id', '=', memberId)
    .$if(options.publicOnly === true, (q) => q.where('public', '=', 1))
    .groupBy('slug')
    .orderBy('count', 'desc')
    .orderBy('slug')
    .execute();
  return rows.map((r) => ({ slug: r.slug, name: String(r.name), count: Number(r.count) }));
}
