import { passionSlug } from '../accounts/index.ts';

/** Whether a text, a feed item or a post is about one of a goal's tags, and how a tag reads in words. */

/**
 * The tag slug that `text` mentions, or null: a word, or two or three adjacent words run
 * together ("graphic novels" → graphicnovels), equal to a slug. Whole words only, so the tag
 * "art" does not match "start". Reads at most the first 5,000 characters.
 */
export function mentionedTag(text: string | null | undefined, slugs: ReadonlySet<string>): string | null {
  if (!text || slugs.size === 0) return null;
  const words = text
    .slice(0, 5000)
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    let joined = '';
    for (let n = 0; n < 3 && i + n < words.length; n++) {
      joined += words[i + n];
      if (slugs.has(joined)) return joined;
    }
  }
  return null;
}

/** A feed item's categories (JSON array text) as slugs. */
function itemTagSlugs(tags: string | null): string[] {
  if (!tags) return [];
  try {
    const list: unknown = JSON.parse(tags);
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string').map(passionSlug) : [];
  } catch {
    return [];
  }
}

export function itemMentions(item: { title: string; tags: string | null }, slugs: ReadonlySet<string>): string | null {
  return itemTagSlugs(item.tags).find((s) => slugs.has(s)) ?? mentionedTag(item.title, slugs);
}

/** A question: a question mark outside links (whose query strings have them too). */
export function isQuestion(text: string): boolean {
  return text.replace(/https?:\/\/\S+/g, ' ').includes('?');
}

/** "once", "twice", "3 times". */
export const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** How a tag reads in a reason: its hashtag form when it is one word, else in quotes. */
export const tagWord = (tag: { slug: string; name: string }): string =>
  /^[\p{L}\p{N}_]+$/u.test(tag.name) ? `#${tag.name}` : `“${tag.name}”`;
