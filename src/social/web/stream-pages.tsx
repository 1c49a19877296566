import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import type { SocialService } from '../service.ts';
import { Composer } from './composer-views.tsx';
import { pageLiveStream } from './live.tsx';
import { Timeline } from './post-views.tsx';
import { liveUrl, nextHref, streamPage } from './stream-views.tsx';

/** The home and local timelines, and the live stream behind timeline pages. */
export function streamPages(social: SocialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/live', (c) => pageLiveStream(social, c));

  app.get('/stream', async (c) => {
    if (!c.var.viewer) return c.redirect('/local');
    const viewer = c.var.viewer;
    const page = await social.timelines.home(viewer, c.req.query('cursor'));
    return streamPage(
      c,
      { title: 'Home', noindex: true, context: 'home' },
      <>
        {c.req.query('cursor') ? null : <Composer c={c} back="/stream" compact />}
        <Timeline
          c={c}
          label="Home timeline"
          posts={page.posts}
          next={nextHref(c, page)}
          back="/stream"
          live={liveUrl(c, 'home')}
          empty={
            <>
              Your home timeline shows posts from people and hashtags you follow. <a href="/people">Find people</a> who do what you do, or
              look at the <a href="/local">local timeline</a>.
            </>
          }
        />
      </>,
    );
  });

  app.get('/local', async (c) => {
    const page = await social.timelines.local(c.var.viewer, c.req.query('cursor'));
    // Explore's context beside it (trending hashtags, upcoming chats, who to follow): web/capability.ts AsideCard.
    return streamPage(
      c,
      { title: 'Local timeline', description: `What members of ${c.var.site.siteName} are posting.`, context: 'explore' },
      <>
        <p>
          Posts by members of {c.var.site.siteName}
          {c.var.viewer ? '' : ' that they shared publicly'}.
        </p>
        <Timeline
          c={c}
          label="Local timeline"
          posts={page.posts}
          next={nextHref(c, page)}
          back="/local"
          live={liveUrl(c, 'local')}
          empty="No posts yet."
        />
      </>,
    );
  });
  return app;
}
