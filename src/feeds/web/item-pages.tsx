import { Hono } from 'hono';
import { raw } from 'hono/html';
import { UserError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/viewer.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors } from '../../web/forms.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { ItemView } from '../items.ts';
import type { FeedsService } from '../service.ts';
import { ItemActions, ItemMeta } from './item-views.tsx';
import { backTo, sourcesPage } from './section-views.tsx';

/**
 * One item: its page (opening it reads it), its actions (read, star, bookmark), and loading the
 * full article behind a teaser.
 */

/**
 * Feeds often carry images without alt text. On sanitised HTML (attribute values quoted, `>`
 * escaped in them): an image that is a link's only content says it has no description, so the
 * link has a name; any other image without alt is treated as decorative (alt="").
 */
function withAltText(html: string): string {
  const attributes = (img: string) => [...img.matchAll(/\s([^\s="/>]+)(?:="([^"]*)")?/g)];
  const altOf = (img: string) => attributes(img).find((a) => a[1]!.toLowerCase() === 'alt')?.[2];
  const withAlt = (img: string, alt: string) =>
    `<img alt="${alt}"${attributes(img)
      .filter((a) => a[1]!.toLowerCase() !== 'alt')
      .map((a) => a[0])
      .join('')} />`;
  return html
    .replace(/(<a\s[^>]*>\s*)(<img\s[^>]*>)(\s*<\/a>)/gi, (all, open: string, img: string, close: string) =>
      altOf(img)?.trim() ? all : `${open}${withAlt(img, 'Image without a description')}${close}`,
    )
    .replace(/<img\s[^>]*>/gi, (img) => (altOf(img) === undefined ? withAlt(img, '') : img));
}

function itemPage(c: AppContext, item: ItemView, errors: Errors = {}) {
  const back = `/sources/items/${item.id}`;
  return sourcesPage(
    c,
    { title: item.title, hasErrors: Object.keys(errors).length > 0 },
    <article class="item item--full" aria-label={item.title} data-item={item.id}>
      <ItemMeta c={c} item={item} />
      {item.url ? (
        <p>
          <a href={item.url} rel="noopener noreferrer" data-open>
            Read on the site<span class="visually-hidden">: {item.title}</span>
          </a>
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      <ItemActions c={c} item={item} back={back} />
      <div class="item__content">{raw(withAltText(item.fullHtml ?? item.contentHtml))}</div>
      {item.attachments.length ? (
        <ul class="item__attachments">
          {item.attachments.map((a) => (
            <li>
              {a.mime_type.startsWith('audio/') ? <audio controls preload="none" src={a.url} /> : null}
              <a href={a.url}>
                {a.mime_type.startsWith('audio/') ? 'Download the audio' : a.mime_type.startsWith('video/') ? 'The video' : 'Attachment'}
              </a>{' '}
              ({a.mime_type})
            </li>
          ))}
        </ul>
      ) : null}
      {!item.fullHtml && item.url ? (
        <form method="post" action={`/sources/items/${item.id}/full`}>
          <CsrfField token={c.var.csrf} />
          <button type="submit">Load the full article</button>
        </form>
      ) : null}
    </article>,
  );
}

export function itemPages(service: FeedsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/sources/items/:id{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const id = Number(c.req.param('id'));
    const item = await service.items.item(viewer, id);
    // Opening an item reads it, as in every feed reader.
    if (!item.read) await service.items.setRead(viewer, id, true);
    return itemPage(c, { ...item, read: true });
  });

  const { items } = service;
  for (const [action, run] of Object.entries({
    read: (viewer: Viewer, id: number) => items.setRead(viewer, id, true),
    unread: (viewer: Viewer, id: number) => items.setRead(viewer, id, false),
    star: (viewer: Viewer, id: number) => items.setStarred(viewer, id, true),
    unstar: (viewer: Viewer, id: number) => items.setStarred(viewer, id, false),
    // Bookmarks are curation's (registered with feeds.extendItems).
    bookmark: async (viewer: Viewer, id: number) => {
      await items.item(viewer, id);
      await items.act(viewer, id, 'bookmark');
    },
    unbookmark: (viewer: Viewer, id: number) => items.act(viewer, id, 'unbookmark'),
  })) {
    app.post(`/sources/items/:id{[0-9]+}/${action}`, async (c) => {
      const id = Number(c.req.param('id'));
      const form = await readForm(c);
      try {
        await run(requireViewer(c), id);
      } catch (error) {
        // Bookmarking twice (two tabs) is not worth an error page.
        if (!(error instanceof UserError && error.status === 409)) throw error;
      }
      const back = backTo(c, form.text('back'));
      return c.redirect(back.startsWith('/sources/items/') ? back : `${back}#item-${id}`, 303);
    });
  }

  app.post('/sources/items/:id{[0-9]+}/full', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    const id = Number(c.req.param('id'));
    try {
      const item = await service.items.fullArticle(viewer, id);
      return itemPage(c, item);
    } catch (error) {
      if (!(error instanceof UserError) || error.status !== 409) throw error;
      return itemPage(c, await service.items.item(viewer, id), { _form: error.message });
    }
  });
  return app;
}
