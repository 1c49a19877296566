import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, errorBody, errors, json, Ok, security } from '../api/openapi.ts';
import { VISIBILITIES } from '../social/index.ts';
import type { AppContext } from '../web/context.ts';
import { requireViewer } from '../web/middleware.ts';
import { exportOpml, importOpml } from './opml.ts';
import { ChooseFeedError, type RiverScope } from './service.ts';
import { shareText } from './share.ts';

// ---- shapes -------------------------------------------------------------------------------------

const CandidateSchema = z.object({ url: z.string(), title: z.string().nullable(), format: z.string().nullable() }).openapi('FeedCandidate');

const SubscriptionSchema = z
  .object({
    id: z.number().int(),
    sourceId: z.number().int(),
    title: z.string(),
    customTitle: z.string().nullable(),
    feedUrl: z.string(),
    siteUrl: z.string().nullable(),
    iconUrl: z.string().nullable(),
    folder: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    unread: z.number().int(),
    status: z.enum(['active', 'error', 'gone', 'pending']),
    problem: z
      .string()
      .nullable()
      .openapi({ description: 'What is wrong, in plain words ("The site answered 404 (not found) since 3 days.")' }),
    lastFetchedAt: z.string().nullable(),
    nextFetchAt: z.string().nullable(),
  })
  .openapi('Subscription');

const FolderSchema = z.object({ id: z.number().int(), name: z.string(), unread: z.number().int() }).openapi('Folder');

const ItemSchema = z
  .object({
    id: z.number().int(),
    url: z.string().nullable(),
    title: z.string(),
    author: z.string().nullable(),
    summary: z.string(),
    contentHtml: z.string().openapi({ description: 'Sanitised HTML from the feed' }),
    fullHtml: z.string().nullable().openapi({ description: 'The full article, once loaded (POST /api/v1/items/{id}/full)' }),
    imageUrl: z.string().nullable(),
    attachments: z.array(
      z.object({
        url: z.string(),
        mime_type: z.string(),
        size_in_bytes: z.number().optional(),
        duration_in_seconds: z.number().optional(),
      }),
    ),
    tags: z.array(z.string()),
    publishedAt: z.string().nullable(),
    source: z.object({ subscriptionId: z.number().int(), id: z.number().int(), title: z.string(), siteUrl: z.string().nullable() }),
    read: z.boolean(),
    starred: z.boolean(),
    bookmarked: z.boolean(),
  })
  .openapi('Item');

const RuleSchema = z
  .object({
    id: z.number().int(),
    keyword: z.string(),
    action: z.enum(['mute', 'star']),
    scope: z.union([
      z.object({ kind: z.literal('all') }),
      z.object({ kind: z.literal('folder'), id: z.number().int(), name: z.string() }),
      z.object({ kind: z.literal('source'), id: z.number().int(), title: z.string() }),
    ]),
  })
  .openapi('KeywordRule');

const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 7 }),
});

const ScopeText = z
  .string()
  .regex(/^(all|starred|folder:\d+|source:\d+)$/, 'Use all, starred, folder:<id> or source:<subscription id>.')
  .default('all')
  .openapi({ description: '`all`, `starred`, `folder:<id>` or `source:<subscription id>`' });

export function parseScope(text: string): RiverScope {
  if (text === 'all' || text === 'starred') return { kind: text };
  const [kind, id] = text.split(':');
  return kind === 'folder' ? { kind: 'folder', folderId: Number(id) } : { kind: 'source', subscriptionId: Number(id) };
}

const SubscribeInput = z.strictObject({
  url: z.string().min(1, 'Paste the address of a site or a feed.').max(2000),
  folder: z.string().max(200).nullish(),
  title: z.string().max(500).nullish(),
});

/** Sources: subscriptions, folders, items, keyword rules, OPML. */
export function registerFeedsApi(api: Api): void {
  const feeds = (c: AppContext) => c.var.services.feeds;

  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/feeds/discover',
      tags: ['Sources'],
      security,
      summary: 'The feeds behind an address (a feed, a site, a Mastodon or Bluesky profile, a YouTube channel)',
      request: body(z.strictObject({ url: z.string().min(1).max(2000) })),
      responses: { 200: json(z.object({ feeds: z.array(CandidateSchema) }), 'Feeds found'), ...errors(401, 422) },
    }),
    async (c) => {
      requireViewer(c);
      return c.json({ feeds: await feeds(c).discover(c.req.valid('json').url) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/subscriptions',
      tags: ['Sources'],
      security,
      summary: 'The sources you follow, and your folders',
      responses: {
        200: json(z.object({ subscriptions: z.array(SubscriptionSchema), folders: z.array(FolderSchema) }), 'Subscriptions and folders'),
        ...errors(401),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const subscriptions = await feeds(c).subscriptions(viewer);
      const folders = await feeds(c).folders(viewer, subscriptions);
      return c.json({ subscriptions, folders }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/subscriptions',
      tags: ['Sources'],
      security,
      summary: 'Follow a source by its feed or site address',
      description:
        'A page naming several feeds answers 409 `choose_feed` with `choices`: subscribe again with one of their URLs. A new source is fetched at once.',
      request: body(SubscribeInput),
      responses: {
        201: json(SubscriptionSchema, 'The subscription'),
        409: json(
          z.object({
            error: z.object({
              code: z.string(),
              message: z.string(),
              issues: z.array(z.object({ path: z.string(), message: z.string() })),
            }),
            choices: z.array(CandidateSchema).optional(),
          }),
          'Already followed, or several feeds to choose from',
        ),
        ...errors(401, 422),
      },
    }),
    async (c) => {
      try {
        return c.json(await feeds(c).subscribe(requireViewer(c), c.req.valid('json')), 201);
      } catch (error) {
        if (error instanceof ChooseFeedError) return c.json({ ...errorBody(error), choices: error.choices }, 409);
        throw error;
      }
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/subscriptions/{id}',
      tags: ['Sources'],
      security,
      summary: 'Rename a source for yourself, or move it to a folder (null: out of folders)',
      request: {
        params: IdParam,
        ...body(z.strictObject({ title: z.string().max(500).nullish(), folder: z.string().max(200).nullish() })),
      },
      responses: { 200: json(SubscriptionSchema, 'The subscription'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(await feeds(c).updateSubscription(requireViewer(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/subscriptions/{id}',
      tags: ['Sources'],
      security,
      summary: 'Stop following a source',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      await feeds(c).unsubscribe(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/subscriptions/{id}/refresh',
      tags: ['Sources'],
      security,
      summary: 'Fetch a source now (retry after an error)',
      request: { params: IdParam },
      responses: { 200: json(SubscriptionSchema, 'The subscription after the fetch'), ...errors(401, 404, 409) },
    }),
    async (c) => c.json(await feeds(c).retry(requireViewer(c), c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/subscriptions/opml',
      tags: ['Sources'],
      security,
      summary: 'Export your sources as OPML',
      responses: { 200: { description: 'OPML 2.0', content: { 'text/x-opml': { schema: z.string() } } }, ...errors(401) },
    }),
    async (c) => {
      const xml = await exportOpml(c.var.services.database, requireViewer(c), c.var.site.siteName);
      return c.body(xml, 200, {
        'content-type': 'text/x-opml; charset=utf-8',
        'content-disposition': 'attachment; filename="sources.opml"',
      });
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/subscriptions/opml',
      tags: ['Sources'],
      security,
      summary: 'Import sources from OPML (folders kept; sources already followed are skipped)',
      description:
        'The OPML document as the request body (`text/x-opml`, `text/xml` or `application/xml`), up to 5 MB. New sources are fetched in the background.',
      request: {
        body: {
          required: true,
          content: { 'text/x-opml': { schema: z.string() }, 'text/xml': { schema: z.string() }, 'application/xml': { schema: z.string() } },
        },
      },
      responses: {
        200: json(
          z.object({
            added: z.number().int(),
            alreadyFollowed: z.number().int(),
            folders: z.array(z.string()),
            skipped: z.array(z.object({ text: z.string(), reason: z.string() })),
          }),
          'What was imported',
        ),
        ...errors(401, 413, 422),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const result = await importOpml(c.var.services.database, viewer, new Uint8Array(await c.req.arrayBuffer()));
      return c.json(result, 200);
    },
  );

  // Folders
  const FolderInput = z.strictObject({ name: z.string().max(200) });
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/folders',
      tags: ['Sources'],
      security,
      summary: 'Create a folder',
      request: body(FolderInput),
      responses: { 201: json(FolderSchema, 'The folder'), ...errors(401, 422) },
    }),
    async (c) => c.json(await feeds(c).createFolder(requireViewer(c), c.req.valid('json').name), 201),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/folders/{id}',
      tags: ['Sources'],
      security,
      summary: 'Rename a folder',
      request: { params: IdParam, ...body(FolderInput) },
      responses: { 200: json(FolderSchema, 'The folder'), ...errors(401, 404, 409, 422) },
    }),
    async (c) => c.json(await feeds(c).renameFolder(requireViewer(c), c.req.valid('param').id, c.req.valid('json').name), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/folders/{id}',
      tags: ['Sources'],
      security,
      summary: 'Delete a folder (its sources stay, outside folders)',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      await feeds(c).deleteFolder(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // Items
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/items',
      tags: ['Sources'],
      security,
      summary: 'Items from your sources, newest first (a river); full-text search with `q`',
      request: {
        query: z.strictObject({
          scope: ScopeText,
          unread: z.enum(['true', 'false']).optional(),
          q: z.string().max(200).optional(),
          cursor: z.string().max(500).optional(),
        }),
      },
      responses: {
        200: json(z.object({ items: z.array(ItemSchema), nextCursor: z.string().nullable() }), 'A page'),
        ...errors(400, 401, 404, 422),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      return c.json(
        await feeds(c).river(requireViewer(c), {
          scope: parseScope(query.scope),
          unreadOnly: query.unread === 'true',
          q: query.q,
          cursor: query.cursor,
        }),
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/items/{id}',
      tags: ['Sources'],
      security,
      summary: 'One item',
      request: { params: IdParam },
      responses: { 200: json(ItemSchema, 'The item'), ...errors(401, 404) },
    }),
    async (c) => c.json(await feeds(c).item(requireViewer(c), c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/items/mark-read',
      tags: ['Sources'],
      security,
      summary: 'Mark everything read in a scope, or only what is older than a day or a week',
      request: body(z.strictObject({ scope: ScopeText, olderThan: z.enum(['day', 'week']).optional() })),
      responses: { ...Ok, ...errors(400, 401, 404, 422) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await feeds(c).markAllRead(requireViewer(c), parseScope(input.scope), input.olderThan);
      return c.body(null, 204);
    },
  );
  const toggles = {
    read: ['Mark an item read', (c: AppContext, id: number, on: boolean) => feeds(c).setRead(requireViewer(c), id, on)],
    star: ['Star an item', (c: AppContext, id: number, on: boolean) => feeds(c).setStarred(requireViewer(c), id, on)],
    bookmark: [
      'Bookmark an item (privately)',
      async (c: AppContext, id: number, on: boolean) => {
        const viewer = requireViewer(c);
        await feeds(c).item(viewer, id);
        await (on ? c.var.services.bookmarks.bookmarkItem(viewer, id) : c.var.services.bookmarks.unbookmarkItem(viewer, id));
      },
    ],
  } as const;
  for (const [name, [summary, toggle]] of Object.entries(toggles)) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/items/{id}/${name}`,
        tags: ['Sources'],
        security,
        summary,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409) },
      }),
      async (c) => {
        await toggle(c, c.req.valid('param').id, true);
        return c.body(null, 204);
      },
    );
    api.openapi(
      createRoute({
        method: 'delete',
        path: `/api/v1/items/{id}/${name}`,
        tags: ['Sources'],
        security,
        summary: `Undo: ${summary.toLowerCase()}`,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409) },
      }),
      async (c) => {
        await toggle(c, c.req.valid('param').id, false);
        return c.body(null, 204);
      },
    );
  }
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/items/{id}/full',
      tags: ['Sources'],
      security,
      summary: 'Load the full article behind a truncated item (extracted from its page, sanitised)',
      request: { params: IdParam },
      responses: { 200: json(ItemSchema, 'The item with fullHtml'), ...errors(401, 404, 409) },
    }),
    async (c) => c.json(await feeds(c).fullArticle(requireViewer(c), c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/items/{id}/share',
      tags: ['Sources'],
      security,
      summary: 'Share an item to your stream as a post (its title and link, with your words)',
      request: {
        params: IdParam,
        ...body(z.strictObject({ comment: z.string().max(5000).default(''), visibility: z.enum(VISIBILITIES).default('public') })),
      },
      responses: { 201: json(z.object({ postId: z.number().int(), url: z.string() }), 'The new post'), ...errors(401, 404, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const item = await feeds(c).item(viewer, c.req.valid('param').id);
      const input = c.req.valid('json');
      const post = await c.var.services.social.posts.create(viewer, {
        text: shareText(item, input.comment, c.var.services.config.postMaxChars),
        visibility: input.visibility,
      });
      return c.json({ postId: post.id, url: post.url }, 201);
    },
  );

  // Keyword rules
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/keyword-rules',
      tags: ['Sources'],
      security,
      summary: 'Your keyword rules',
      responses: { 200: json(z.object({ rules: z.array(RuleSchema) }), 'Rules'), ...errors(401) },
    }),
    async (c) => c.json({ rules: await feeds(c).rules(requireViewer(c)) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/keyword-rules',
      tags: ['Sources'],
      security,
      summary: 'Mute or star items containing a word, in one source, one folder or everywhere',
      request: body(
        z.strictObject({
          keyword: z.string().max(500),
          action: z.enum(['mute', 'star']),
          folderId: z.number().int().positive().nullish(),
          subscriptionId: z.number().int().positive().nullish(),
        }),
      ),
      responses: { 201: json(RuleSchema, 'The rule (already applied to existing items)'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(await feeds(c).addRule(requireViewer(c), c.req.valid('json')), 201),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/keyword-rules/{id}',
      tags: ['Sources'],
      security,
      summary: 'Remove a rule (items it muted come back)',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      await feeds(c).deleteRule(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
