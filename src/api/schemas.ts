import { z } from '@hono/zod-openapi';

/**
 * Response shapes several capabilities' APIs share. A leaf: it knows no capability (each
 * capability's own answers are described in its web/*-api.ts files).
 */

/** Someone who can post, as every list of people in the API shows them. */
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

/** A positive whole number in the path (`/…/{name}`), as every `{id}` is: `z.object({ id: pathId('id', 7) })`. */
export const pathId = (name: string, example: number) =>
  z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name, in: 'path' }, example });

/** A member's handle in the path (`/…/{handle}`). */
export const HandleParam = z.object({
  handle: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'handle', in: 'path' }, example: 'mslibrarian' }),
});
