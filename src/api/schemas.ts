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
