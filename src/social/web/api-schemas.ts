import { z } from '@hono/zod-openapi';
import { iso } from '../../api/openapi.ts';
import { ActorSchema, pathId } from '../../api/schemas.ts';
import type { PostView } from '../hydrate.ts';
import { VISIBILITIES } from '../visibility.ts';

/** Response shapes and request pieces social's API files share. */

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

export const PageSchema = z.object({ posts: z.array(PostSchema), nextCursor: z.string().nullable() }).openapi('PostPage');

export function postJson(p: PostView) {
  return {
    ...p,
    createdAt: iso(p.createdAt)!,
    editedAt: iso(p.editedAt),
    boostedBy: p.boostedBy ? { ...p.boostedBy, at: iso(p.boostedBy.at)! } : null,
  };
}

export const pageJson = (page: { posts: PostView[]; nextCursor: string | null }) => ({
  posts: page.posts.map(postJson),
  nextCursor: page.nextCursor,
});

export const IdParam = z.object({
  id: pathId('id', 42),
});
export const TagParam = z.object({
  tag: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'tag', in: 'path' }, example: 'tlchat' }),
});
export const CursorQuery = z.strictObject({ cursor: z.string().max(500).optional() });
