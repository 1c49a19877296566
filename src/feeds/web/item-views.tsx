import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { formatDateTime, isoTime } from '../../web/format.ts';
import { CsrfField } from '../../web/forms.tsx';
import type { ItemView } from '../items.ts';

/** An item as the river and the item page show it: where it is from, its actions, its card. */

function ItemAction({
  c,
  item,
  action,
  label,
  pressed,
  back,
}: {
  c: AppContext;
  item: ItemView;
  action: string;
  label: string;
  pressed?: boolean;
  back: string;
}) {
  return (
    <form
      method="post"
      action={`/sources/items/${item.id}/${action}`}
      class="inline-form"
      data-key={action === 'star' || action === 'unstar' ? 's' : action === 'read' || action === 'unread' ? 'm' : undefined}
    >
      <CsrfField token={c.var.csrf} />
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="post-action" aria-pressed={pressed === undefined ? undefined : pressed ? 'true' : 'false'}>
        {label}
      </button>
    </form>
  );
}

export function ItemActions({ c, item, back }: { c: AppContext; item: ItemView; back: string }) {
  return (
    <div class="post__actions" role="group" aria-label={`Actions for ${item.title}`}>
      <ItemAction c={c} item={item} back={back} action={item.read ? 'unread' : 'read'} label={item.read ? 'Mark unread' : 'Mark read'} />
      <ItemAction c={c} item={item} back={back} action={item.starred ? 'unstar' : 'star'} label="Star" pressed={item.starred} />
      <ItemAction
        c={c}
        item={item}
        back={back}
        action={item.bookmarked ? 'unbookmark' : 'bookmark'}
        label="Bookmark"
        pressed={item.bookmarked}
      />
      <a class="post-action" href={`/sources/items/${item.id}/share`}>
        Share
      </a>
    </div>
  );
}

export function ItemMeta({ c, item }: { c: AppContext; item: ItemView }) {
  const tz = timeZoneOf(c);
  return (
    <p class="item__meta">
      <a href={`/sources?source=${item.source.subscriptionId}`}>{item.source.title}</a>
      {item.author ? <> · {item.author}</> : null}
      {item.publishedAt ? (
        <>
          {' · '}
          <time datetime={isoTime(Date.parse(item.publishedAt))}>{formatDateTime(Date.parse(item.publishedAt), tz)}</time>
        </>
      ) : null}
      {item.read ? null : (
        <>
          {' '}
          · <strong class="badge">Unread</strong>
        </>
      )}
    </p>
  );
}

export function ItemCard({ c, item, back }: { c: AppContext; item: ItemView; back: string }) {
  return (
    <article
      class={`item${item.read ? ' item--read' : ''}`}
      id={`item-${item.id}`}
      aria-labelledby={`item-${item.id}-title`}
      data-item={item.id}
      tabindex={-1}
    >
      <h2 class="item__title" id={`item-${item.id}-title`}>
        <a href={`/sources/items/${item.id}`} data-open>
          {item.title}
        </a>
      </h2>
      <ItemMeta c={c} item={item} />
      {item.summary ? <p class="item__summary">{item.summary.length > 300 ? `${item.summary.slice(0, 299)}…` : item.summary}</p> : null}
      <ItemActions c={c} item={item} back={back} />
    </article>
  );
}
