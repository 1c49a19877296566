import { z } from '@hono/zod-openapi';
import { pathId } from '../../api/schemas.ts';

/** Shapes several of the Sources API's parts use. */

export const FolderSchema = z.object({ id: z.number().int(), name: z.string(), unread: z.number().int() }).openapi('Folder');

export const IdParam = z.object({
  id: pathId('id', 7),
});
