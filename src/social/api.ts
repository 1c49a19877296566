import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, errors, iso, json, Ok, security } from '../api/openapi.ts';
import { UserError } from '../platform/errors.ts';
import type { AppContext } from '../web/context.ts';
import { requireViewer } from '../web/middleware.ts';
import { readForm } from '../web/request.ts';
import { topics } from './context.ts';
import type { PostView } from './hydrate.ts';
import { type ListView, listInputSchema, listUpdateSchema } from './lists.ts';
import { deleteMessage, eventPost, liveStream, timelineTopics } from './live.tsx';
import { NOTIFICATION_KINDS, type NotificationView } from './notifications.ts';
import { editInputSchema, postInputSchema } from './posts.ts';
import { VISIBILITIES } from './visibility.ts';

// ---- response shapes --------------------------------------------------------------------------

export const ActorSchema = z
  .object({
    id: z.number().int(),
    handle: z.string(),
    acct: z.string().openapi({ description: '`handle` for members of this server, `handle@host` for remote accounts' }),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    url: z.string(),
    local: z.boolean(),
    roleLabel: z.string().nullable(),
  })
  .openapi('Actor');

export const PostSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    author: ActorSchema,
    text: z.string().openapi({ description: 'What the author wrote' }),
    html: z.string().openapi({ description: 'Rendered, safe HTML' }),
    contentWarning: z.string().nullable(),
    visibility: z.enum(VISIBILITIES),
    createdAt: z.string(),
    editedAt: z.string().nullable(),
    replyTo: z.object({ id: z.number().int(), author: ActorSchema.nullable() }).nullable(),
    threadId: z.number().int(),
    media: z.array(
      z.object({ id: z.number().int(), url: z.string(), alt: z.string(), width: z.number().nullable(), height: z.number().nullable() }),
    ),
    card: z
      .object({
        url: z.string(),
        title: z.string(),
        description: z.string().nullable(),
        imageUrl: z.string().nullable(),
        siteName: z.string().nullable(),
      })
      .nullable(),
    counts: z.object({ replies: z.number().int(), boosts: z.number().int(), likes: z.number().int() }),
    mine: z.object({ own: z.boolean(), liked: z.boolean(), boosted: z.boolean(), bookmarked: z.boolean(), pinned: z.boolean() }).nullable(),
    boostedBy: z.object({ boostId: z.number().int(), actor: ActorSchema, at: z.string() }).nullable(),
    article: z
      .object({ id: z.number().int(), title: z.string(), summary: z.string().nullable(), url: z.string() })
      .nullable()
      .openapi({ description: 'The article this post announces (its replies are the article’s comments)' }),
  })
  .openapi('Post');

const PageSchema = z.object({ posts: z.array(PostSchema), nextCursor: z.string().nullable() }).openapi('PostPage');

const NotificationSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(NOTIFICATION_KINDS),
    actor: ActorSchema,
    post: PostSchema.nullable(),
    chat: z
      .object({ title: z.string(), hashtag: z.string(), startsAt: z.string(), url: z.string() })
      .nullable()
      .openapi({ description: 'The chat a `chat_reminder` is about' }),
    collection: z
      .object({ id: z.number().int(), kind: z.enum(['collection', 'starter_kit']), title: z.string(), url: z.string() })
      .nullable()
      .openapi({ description: 'The collection or starter kit a `collection_entry` or `kit_added` is about' }),
    createdAt: z.string(),
    read: z.boolean(),
  })
  .openapi('Notification');

const PrivacySchema = z
  .object({
    locked: z.boolean().openapi({ description: 'New followers need your approval' }),
    featurable: z.boolean().openapi({ description: 'Others may feature you in public starter kits and collections' }),
  })
  .openapi('Privacy');

const ListSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    visibility: z.enum(['private', 'public']),
    owner: ActorSchema,
    members: z.number().int(),
  })
  .openapi('List');

const RelationshipSchema = z
  .object({
    following: z.boolean(),
    requested: z.boolean(),
    followedBy: z.boolean(),
    muting: z.boolean(),
    blocking: z.boolean(),
    blockedBy: z.boolean(),
  })
  .openapi('Relationship');

export function postJson(p: PostView) {
  return {
    ...p,
    createdAt: iso(p.createdAt)!,
    editedAt: iso(p.editedAt),
    boostedBy: p.boostedBy ? { ...p.boostedBy, at: iso(p.boostedBy.at)! } : null,
  };
}
const pageJson = (page: { posts: PostView[]; nextCursor: string | null }) => ({
  posts: page.posts.map(postJson),
  nextCursor: page.nextCursor,
});
const notificationJson = (n: NotificationView) => ({
  ...n,
  createdAt: iso(n.createdAt)!,
  post: n.post ? postJson(n.post) : null,
  chat: n.chat ? { ...n.chat, startsAt: iso(n.chat.startsAt)! } : null,
});
const listJson = (l: ListView) => ({
  id: l.id,
  name: l.name,
  description: l.description,
  visibility: l.visibility,
  owner: l.owner,
  members: l.members,
});

// ---- request pieces -------------------------------------------------------------------------------

const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 42 }),
});
const HandleParam = z.object({
  handle: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'handle', in: 'path' }, example: 'mslibrarian' }),
});
const TagParam = z.object({
  tag: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'tag', in: 'path' }, example: 'tlchat' }),
});
const CursorQuery = z.strictObject({ cursor: z.string().max(500).optional() });

/** Posts, timelines, follows, lists, notifications, search and live streaming. */
export function registerSocialApi(api: Api): void {
  const social = (c: AppContext) => c.var.services.social;

  // Posts
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/posts',
      tags: ['Posts'],
      security,
      summary: 'Publish a post or a reply',
      description: 'Images are uploaded first with POST /api/v1/media and attached with `mediaIds`.',
      request: body(postInputSchema),
      responses: { 201: json(PostSchema, 'The new post'), ...errors(400, 401, 415, 422) },
    }),
    async (c) => c.json(postJson(await social(c).posts.create(requireViewer(c), c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/media',
      tags: ['Posts'],
      security,
      summary: 'Upload an image for a post',
      description:
        'A multipart form with `file` (JPEG, PNG, WebP, GIF or AVIF) and `alt` (a description for people who cannot see it). Unused uploads are removed after a day.',
      request: {
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }), alt: z.string().optional() }),
            },
          },
        },
      },
      responses: {
        201: json(
          z.object({ id: z.number().int(), url: z.string(), alt: z.string(), width: z.number(), height: z.number() }),
          'The stored image',
        ),
        ...errors(401, 413, 415, 422),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const form = await readForm(c);
      const file = form.file('file');
      if (!file) throw UserError.field('file', 'Send the image in a multipart field named "file".');
      const media = await social(c).posts.uploadMedia(viewer, new Uint8Array(await file.arrayBuffer()), form.text('alt'));
      return c.json({ ...media, url: c.var.services.config.baseUrl + media.url }, 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/media/{id}',
      tags: ['Posts'],
      security,
      summary: 'Change the alt text of your image',
      request: { params: IdParam, ...body(z.strictObject({ alt: z.string() })) },
      responses: { ...Ok, ...errors(401, 404, 422) },
    }),
    async (c) => {
      await social(c).posts.describeMedia(requireViewer(c), c.req.valid('param').id, c.req.valid('json').alt);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/posts/{id}',
      tags: ['Posts'],
      summary: 'A post',
      request: { params: IdParam },
      responses: { 200: json(PostSchema, 'The post'), ...errors(404) },
    }),
    async (c) => c.json(postJson(await social(c).posts.get(c.var.viewer, c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/posts/{id}',
      tags: ['Posts'],
      security,
      summary: 'Edit your post (text and content warning); the old version goes to its history',
      request: { params: IdParam, ...body(editInputSchema) },
      responses: { 200: json(PostSchema, 'The edited post'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => c.json(postJson(await social(c).posts.edit(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/posts/{id}',
      tags: ['Posts'],
      security,
      summary: 'Delete your post',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      await social(c).posts.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/posts/{id}/thread',
      tags: ['Posts'],
      summary: 'The conversation around a post',
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            ancestors: z.array(PostSchema),
            post: PostSchema,
            descendants: z.array(PostSchema.extend({ depth: z.number().int() })),
          }),
          'Earlier posts, the post, and replies in thread order',
        ),
        ...errors(404),
      },
    }),
    async (c) => {
      const thread = await social(c).posts.thread(c.var.viewer, c.req.valid('param').id);
      return c.json(
        {
          ancestors: thread.ancestors.map(postJson),
          post: postJson(thread.post),
          descendants: thread.descendants.map((d) => ({ ...postJson(d), depth: d.depth })),
        },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/posts/{id}/history',
      tags: ['Posts'],
      summary: 'Earlier versions of an edited post, newest first',
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            versions: z.array(z.object({ text: z.string(), html: z.string(), contentWarning: z.string().nullable(), at: z.string() })),
          }),
          'Versions',
        ),
        ...errors(404),
      },
    }),
    async (c) => {
      const versions = await social(c).posts.history(c.var.viewer, c.req.valid('param').id);
      return c.json({ versions: versions.map((v) => ({ ...v, at: iso(v.at)! })) }, 200);
    },
  );
  const toggles = {
    boost: [
      'Boost a post',
      (c: AppContext, id: number) => social(c).posts.boost(requireViewer(c), id),
      (c: AppContext, id: number) => social(c).posts.unboost(requireViewer(c), id),
    ],
    like: [
      'Like a post',
      (c: AppContext, id: number) => social(c).posts.like(requireViewer(c), id),
      (c: AppContext, id: number) => social(c).posts.unlike(requireViewer(c), id),
    ],
    bookmark: [
      'Bookmark a post (privately)',
      (c: AppContext, id: number) => c.var.services.bookmarks.bookmarkPost(requireViewer(c), id),
      (c: AppContext, id: number) => c.var.services.bookmarks.unbookmarkPost(requireViewer(c), id),
    ],
    pin: [
      'Feature your post on your profile',
      (c: AppContext, id: number) => social(c).posts.pin(requireViewer(c), id),
      (c: AppContext, id: number) => social(c).posts.unpin(requireViewer(c), id),
    ],
  } as const;
  for (const [name, [summary, on, off]] of Object.entries(toggles)) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/posts/{id}/${name}`,
        tags: ['Posts'],
        security,
        summary,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409, 422) },
      }),
      async (c) => {
        await on(c, c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
    api.openapi(
      createRoute({
        method: 'delete',
        path: `/api/v1/posts/{id}/${name}`,
        tags: ['Posts'],
        security,
        summary: `Undo: ${summary.toLowerCase()}`,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409) },
      }),
      async (c) => {
        await off(c, c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
  }

  // Timelines
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/timelines/home',
      tags: ['Timelines'],
      security,
      summary: 'Posts from people and hashtags you follow, your own posts, and boosts',
      request: { query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400, 401) },
    }),
    async (c) => c.json(pageJson(await social(c).timelines.home(requireViewer(c), c.req.valid('query').cursor)), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/timelines/local',
      tags: ['Timelines'],
      summary: 'Original posts by members of this server',
      request: { query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400) },
    }),
    async (c) => c.json(pageJson(await social(c).timelines.local(c.var.viewer, c.req.valid('query').cursor)), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/timelines/tags/{tag}',
      tags: ['Timelines'],
      summary: 'Public and members-only posts with a hashtag',
      request: { params: TagParam, query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400) },
    }),
    async (c) => {
      const page = await social(c).timelines.hashtag(
        c.var.viewer,
        c.req.valid('param').tag.replace(/^#/, '').toLowerCase(),
        c.req.valid('query').cursor,
      );
      return c.json(pageJson(page), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/timelines/lists/{id}',
      tags: ['Timelines'],
      summary: "A list's timeline (yours, or a public list)",
      request: { params: IdParam, query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400, 404) },
    }),
    async (c) => c.json(pageJson(await social(c).lists.timeline(c.var.viewer, c.req.valid('param').id, c.req.valid('query').cursor)), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}/posts',
      tags: ['Timelines'],
      summary: "An account's posts",
      request: {
        params: HandleParam,
        query: CursorQuery.extend({
          filter: z
            .enum(['posts', 'replies', 'media'])
            .default('posts')
            .openapi({ description: '`posts` (with boosts, without replies), `replies` (everything) or `media`' }),
        }),
      },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400, 404) },
    }),
    async (c) => {
      const actor = await social(c).graph.actor(c.req.valid('param').handle);
      const { filter, cursor } = c.req.valid('query');
      return c.json(pageJson(await social(c).timelines.profile(c.var.viewer, actor.id, filter, cursor)), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}/featured',
      tags: ['Timelines'],
      summary: 'Posts an account features on its profile',
      request: { params: HandleParam },
      responses: { 200: json(z.object({ posts: z.array(PostSchema) }), 'Featured posts'), ...errors(404) },
    }),
    async (c) => {
      const actor = await social(c).graph.actor(c.req.valid('param').handle);
      return c.json({ posts: (await social(c).timelines.pinned(c.var.viewer, actor.id)).map(postJson) }, 200);
    },
  );

  // Follows, mutes, blocks
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}/relationship',
      tags: ['Follows'],
      security,
      summary: 'How you and an account are connected',
      request: { params: HandleParam },
      responses: { 200: json(RelationshipSchema, 'The relationship'), ...errors(401, 404) },
    }),
    async (c) => {
      const actor = await social(c).graph.actor(c.req.valid('param').handle);
      return c.json(await social(c).graph.relationship(requireViewer(c), actor.id), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/people/{handle}/follow',
      tags: ['Follows'],
      security,
      summary: 'Follow an account (a request when it approves followers)',
      request: { params: HandleParam },
      responses: { 200: json(z.object({ state: z.enum(['accepted', 'pending']) }), 'The follow'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => c.json({ state: await social(c).graph.follow(requireViewer(c), c.req.valid('param').handle) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/people/{handle}/follow',
      tags: ['Follows'],
      security,
      summary: 'Unfollow (or withdraw a request)',
      request: { params: HandleParam },
      responses: { ...Ok, ...errors(401, 404, 409) },
    }),
    async (c) => {
      await social(c).graph.unfollow(requireViewer(c), c.req.valid('param').handle);
      return c.body(null, 204);
    },
  );
  for (const name of ['mute', 'block'] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/people/{handle}/${name}`,
        tags: ['Follows'],
        security,
        summary: name === 'mute' ? 'Mute an account (hide its posts from your timelines)' : 'Block an account (ends follows both ways)',
        request: { params: HandleParam },
        responses: { ...Ok, ...errors(401, 404, 409, 422) },
      }),
      async (c) => {
        await social(c).graph[name](requireViewer(c), c.req.valid('param').handle);
        return c.body(null, 204);
      },
    );
    api.openapi(
      createRoute({
        method: 'delete',
        path: `/api/v1/people/{handle}/${name}`,
        tags: ['Follows'],
        security,
        summary: `Un${name}`,
        request: { params: HandleParam },
        responses: { ...Ok, ...errors(401, 404, 409) },
      }),
      async (c) => {
        await social(c).graph[name === 'mute' ? 'unmute' : 'unblock'](requireViewer(c), c.req.valid('param').handle);
        return c.body(null, 204);
      },
    );
  }
  for (const direction of ['followers', 'following'] as const) {
    api.openapi(
      createRoute({
        method: 'get',
        path: `/api/v1/people/{handle}/${direction}`,
        tags: ['Follows'],
        summary: direction === 'followers' ? 'Who follows an account' : 'Whom an account follows',
        request: { params: HandleParam, query: CursorQuery },
        responses: {
          200: json(z.object({ people: z.array(ActorSchema), nextCursor: z.string().nullable() }), 'A page of accounts'),
          ...errors(400, 404),
        },
      }),
      async (c) => {
        const actor = await social(c).graph.actor(c.req.valid('param').handle);
        return c.json(await social(c).graph.connections(actor.id, direction, c.req.valid('query').cursor), 200);
      },
    );
  }
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/follow-requests',
      tags: ['Follows'],
      security,
      summary: 'People waiting for you to accept their follow',
      responses: { 200: json(z.object({ people: z.array(ActorSchema) }), 'Requests, oldest first'), ...errors(401) },
    }),
    async (c) => c.json({ people: await social(c).graph.followRequests(requireViewer(c)) }, 200),
  );
  for (const answer of ['accept', 'reject'] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/follow-requests/{handle}/${answer}`,
        tags: ['Follows'],
        security,
        summary: `${answer === 'accept' ? 'Accept' : 'Decline'} a follow request`,
        request: { params: HandleParam },
        responses: { ...Ok, ...errors(401, 404) },
      }),
      async (c) => {
        await social(c).graph.answerRequest(requireViewer(c), c.req.valid('param').handle, answer === 'accept');
        return c.body(null, 204);
      },
    );
  }
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/privacy',
      tags: ['Follows'],
      security,
      summary: 'Whether new followers need your approval, and whether others may feature you in public starter kits',
      responses: { 200: json(PrivacySchema, 'Privacy settings'), ...errors(401) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      return c.json(
        { locked: await social(c).graph.isLocked(viewer), featurable: await c.var.services.collections.isFeaturable(viewer) },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/privacy',
      tags: ['Follows'],
      security,
      summary:
        'Require approval of new followers (unlocking accepts waiting requests); allow or decline being featured in public starter kits and collections',
      request: body(z.strictObject({ locked: z.boolean().optional(), featurable: z.boolean().optional() })),
      responses: { 200: json(PrivacySchema, 'Privacy settings'), ...errors(401, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { locked, featurable } = c.req.valid('json');
      if (locked !== undefined) await social(c).graph.setLocked(viewer, locked);
      if (featurable !== undefined) await c.var.services.collections.setFeaturable(viewer, featurable);
      return c.json(
        { locked: await social(c).graph.isLocked(viewer), featurable: await c.var.services.collections.isFeaturable(viewer) },
        200,
      );
    },
  );

  // Hashtags
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/hashtags/followed',
      tags: ['Hashtags'],
      security,
      summary: 'Hashtags you follow',
      responses: {
        200: json(z.object({ hashtags: z.array(z.object({ slug: z.string(), name: z.string() })) }), 'Followed hashtags'),
        ...errors(401),
      },
    }),
    async (c) => c.json({ hashtags: await social(c).graph.followedHashtags(requireViewer(c)) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/hashtags/{tag}/follow',
      tags: ['Hashtags'],
      security,
      summary: 'Follow a hashtag: its public posts join your home timeline',
      request: { params: TagParam },
      responses: { ...Ok, ...errors(401, 409, 422) },
    }),
    async (c) => {
      await social(c).graph.followHashtag(requireViewer(c), c.req.valid('param').tag);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/hashtags/{tag}/follow',
      tags: ['Hashtags'],
      security,
      summary: 'Unfollow a hashtag',
      request: { params: TagParam },
      responses: { ...Ok, ...errors(401, 404, 409) },
    }),
    async (c) => {
      await social(c).graph.unfollowHashtag(requireViewer(c), c.req.valid('param').tag);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/trends/hashtags',
      tags: ['Hashtags'],
      summary: 'Hashtags used by the most people in the last 7 days',
      responses: {
        200: json(
          z.object({
            hashtags: z.array(z.object({ slug: z.string(), name: z.string(), uses: z.number().int(), people: z.number().int() })),
          }),
          'Trending hashtags',
        ),
      },
    }),
    async (c) => c.json({ hashtags: await social(c).timelines.trending(10) }, 200),
  );

  // Lists
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/lists',
      tags: ['Lists'],
      security,
      summary: 'Your lists',
      responses: { 200: json(z.object({ lists: z.array(ListSchema) }), 'Lists'), ...errors(401) },
    }),
    async (c) => c.json({ lists: (await social(c).lists.mine(requireViewer(c))).map(listJson) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/lists',
      tags: ['Lists'],
      security,
      summary: 'Create a list',
      request: body(listInputSchema),
      responses: { 201: json(ListSchema, 'The new list'), ...errors(401, 422) },
    }),
    async (c) => c.json(listJson(await social(c).lists.create(requireViewer(c), c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/lists/{id}',
      tags: ['Lists'],
      summary: 'A list (yours, or a public one)',
      request: { params: IdParam },
      responses: { 200: json(ListSchema, 'The list'), ...errors(404) },
    }),
    async (c) => c.json(listJson(await social(c).lists.get(c.var.viewer, c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/lists/{id}',
      tags: ['Lists'],
      security,
      summary: 'Rename, describe or share your list',
      request: { params: IdParam, ...body(listUpdateSchema) },
      responses: { 200: json(ListSchema, 'The list'), ...errors(401, 403, 404, 422) },
    }),
    async (c) => c.json(listJson(await social(c).lists.update(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/lists/{id}',
      tags: ['Lists'],
      security,
      summary: 'Delete your list',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      await social(c).lists.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/lists/{id}/members',
      tags: ['Lists'],
      summary: 'Who is on a list',
      request: { params: IdParam },
      responses: { 200: json(z.object({ people: z.array(ActorSchema) }), 'Accounts'), ...errors(404) },
    }),
    async (c) => c.json({ people: await social(c).lists.members(c.var.viewer, c.req.valid('param').id) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/lists/{id}/members',
      tags: ['Lists'],
      security,
      summary: 'Add someone to your list',
      request: { params: IdParam, ...body(z.strictObject({ handle: z.string().min(1).max(200) })) },
      responses: { ...Ok, ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      await social(c).lists.add(requireViewer(c), c.req.valid('param').id, c.req.valid('json').handle);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/lists/{id}/members/{handle}',
      tags: ['Lists'],
      security,
      summary: 'Remove someone from your list',
      request: { params: IdParam.merge(HandleParam) },
      responses: { ...Ok, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, handle } = c.req.valid('param');
      await social(c).lists.remove(requireViewer(c), id, handle);
      return c.body(null, 204);
    },
  );

  // Notifications
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/notifications',
      tags: ['Notifications'],
      security,
      summary: 'Your notifications, newest first',
      request: { query: CursorQuery.extend({ kind: z.enum(NOTIFICATION_KINDS).optional() }) },
      responses: {
        200: json(z.object({ notifications: z.array(NotificationSchema), nextCursor: z.string().nullable() }), 'A page'),
        ...errors(400, 401),
      },
    }),
    async (c) => {
      const page = await social(c).notifications.list(requireViewer(c), c.req.valid('query'));
      return c.json({ notifications: page.notifications.map(notificationJson), nextCursor: page.nextCursor }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/notifications/unread',
      tags: ['Notifications'],
      security,
      summary: 'How many notifications are unread',
      responses: { 200: json(z.object({ unread: z.number().int() }), 'Count'), ...errors(401) },
    }),
    async (c) => c.json({ unread: await social(c).notifications.unreadCount(requireViewer(c)) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/notifications/read',
      tags: ['Notifications'],
      security,
      summary: 'Mark notifications read (all, or up to an id)',
      request: {
        body: {
          required: false,
          content: { 'application/json': { schema: z.strictObject({ upToId: z.number().int().positive().optional() }) } },
        },
      },
      responses: { ...Ok, ...errors(401, 422) },
    }),
    async (c) => {
      await social(c).notifications.markRead(requireViewer(c), c.req.valid('json')?.upToId);
      return c.body(null, 204);
    },
  );

  // Bookmarks and search
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/bookmarks',
      tags: ['Posts'],
      security,
      summary: 'Posts you bookmarked',
      request: { query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest bookmark first'), ...errors(400, 401) },
    }),
    async (c) => c.json(pageJson(await c.var.services.bookmarks.bookmarkedPosts(requireViewer(c), c.req.valid('query').cursor)), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/search/posts',
      tags: ['Search'],
      summary: 'Full-text search of posts you may see',
      description:
        'Words and "quoted phrases" must all match; `#hashtag` and `from:handle` narrow the search. Bad syntax is a 400 naming the problem.',
      request: { query: CursorQuery.extend({ q: z.string().min(1).max(300) }) },
      responses: { 200: json(PageSchema, 'Matching posts, newest first'), ...errors(400, 422) },
    }),
    async (c) => {
      const { q, cursor } = c.req.valid('query');
      return c.json(pageJson(await social(c).searchPosts(c.var.viewer, q, cursor)), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/search/hashtags',
      tags: ['Search'],
      summary: 'Hashtags starting with some letters, with how many posts use each',
      request: { query: z.strictObject({ q: z.string().min(1).max(100) }) },
      responses: {
        200: json(z.object({ hashtags: z.array(z.object({ slug: z.string(), name: z.string(), posts: z.number().int() })) }), 'Hashtags'),
        ...errors(422),
      },
    }),
    async (c) => c.json({ hashtags: await social(c).searchHashtags(c.req.valid('query').q) }, 200),
  );

  // Live updates
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/streaming',
      tags: ['Timelines'],
      summary: 'Live updates as Server-Sent Events',
      description:
        'Events: `post` (a Post entering the timeline, as JSON), `delete` ({ id }), `notifications` ({ unread }, when signed in). Each event is checked against what you may see. ' +
        'Every event has an `id`: reconnect with it in `Last-Event-ID` (as EventSource does) to be sent, first, the events you missed in the last ten minutes, then live ones. ' +
        'If you missed more than that (or more than 500 events), the stream starts with `reset` ({}): reload what you show.',
      request: {
        query: z.strictObject({
          timeline: z
            .string()
            .max(120)
            .optional()
            .openapi({ description: '`home`, `local`, `tag:<name>` or `list:<id>`; omit for notifications only' }),
        }),
      },
      responses: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errors(400, 401, 404),
      },
    }),
    async (c) => {
      const viewer = c.var.viewer;
      const timeline = await timelineTopics(c, c.req.valid('query').timeline);
      const subscribed = [
        ...timeline,
        ...(timeline.length ? [topics.postChanges] : []),
        ...(viewer ? [topics.member(viewer.memberId)] : []),
      ];
      return liveStream(c, subscribed, async (event) => {
        if (event.kind === 'notification' && viewer)
          return { event: 'notifications', data: JSON.stringify({ unread: await social(c).notifications.unreadCount(viewer) }) };
        if (event.kind === 'delete') return deleteMessage(c, event);
        if (event.kind !== 'post') return null;
        const post = await eventPost(c, event);
        return post ? { event: 'post', data: JSON.stringify(postJson(post)) } : null;
      }) as unknown as Response;
    },
  );
}
