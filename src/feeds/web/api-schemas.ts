import { z } from '@hono/zod-openapi';

/** Shapes several of the Sources API's parts use. */

export const FolderSchema = z.object({ id: z.number().int(), name: z.string(), unread: z.number().int() }).openapi('Folder');

export const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 7 }),
});
