import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import type { FederationService } from '../service.ts';

/** Remote images, shown through this server (see media.ts). */
export function mediaPages(service: FederationService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/media/remote/:signature/:encoded', async (c) => {
    const file = await service.media.get(c.req.param('signature'), c.req.param('encoded'));
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': file.contentType,
      'cache-control': 'public, max-age=604800',
      'x-content-type-options': 'nosniff',
    });
  });
  return app;
}
