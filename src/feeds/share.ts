import type { ItemView } from './service.ts';

/**
 * The post that shares an item: the member's words, then the item's title and link (the link
 * gets its preview card like any post's first link). The title is shortened to fit the limit.
 */
export function shareText(item: Pick<ItemView, 'title' | 'url' | 'source'>, comment: string, maxChars: number): string {
  const words = comment.trim();
  const link = item.url ?? '';
  const by = ` (${item.source.title})`;
  const room = maxChars - [...words].length - [...link].length - by.length - 4;
  let title = item.title;
  if ([...title].length > room) title = room > 1 ? `${[...title].slice(0, room - 1).join('')}…` : '';
  const quoted = title ? `“${title}”${by}` : by.trim();
  return [words, [quoted, link].filter(Boolean).join('\n')].filter(Boolean).join('\n\n');
}
