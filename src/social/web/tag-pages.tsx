import { Hono } from 'hono';
import { passionSlug } from '../../accounts/index.ts';
import { UserError } from '../../platform/errors.ts';
import type { AppEnv } from '../../web/context.ts';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm, safeNext } from '../../web/request.ts';
import type { SocialService } from '../service.ts';
import { Composer } from './composer-views.tsx';
import { ActionButton, Timeline } from './post-views.tsx';
import { liveUrl, nextHref, streamPage } from './stream-views.tsx';

/** A hashtag's timeline, and following hashtags. */
export function tagPages(social: SocialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/tags/:tag', async (c) => {
    const raw = c.req.param('tag');
    const slug = passionSlug(raw);
    if (!slug) throw UserError.notFound('That is not a hashtag.');
    if (slug !== raw) return c.redirect(`/tags/${encodeURIComponent(slug)}`, 301);
    const page = await social.timelines.hashtag(c.var.viewer, slug, c.req.query('cursor'));
    const following = c.var.viewer ? await social.graph.followsHashtag(c.var.viewer, slug) : false;
    const back = `/tags/${slug}`;
    return streamPage(
      c,
      { title: `#${page.hashtag.name}`, heading: null, description: `Posts about #${page.hashtag.name}` },
      <>
        <div class="page-head">
          <h1>#{page.hashtag.name}</h1>
          <p class="meta">
            {page.hashtag.posts} {page.hashtag.posts === 1 ? 'post' : 'posts'}
          </p>
          {c.var.viewer ? (
            <ActionButton
              c={c}
              back={back}
              action={`/tags/${slug}/${following ? 'unfollow' : 'follow'}`}
              label={following ? 'Unfollow hashtag' : 'Follow hashtag'}
              pressed={following}
            />
          ) : null}
        </div>
        {c.var.viewer && !c.req.query('cursor') ? <Composer c={c} back={back} prefill={`#${page.hashtag.name} `} /> : null}
        <Timeline
          c={c}
          label={`Posts about #${page.hashtag.name}`}
          posts={page.posts}
          next={nextHref(c, page)}
          back={back}
          live={liveUrl(c, `tag:${slug}`)}
          empty={`No one has posted about #${page.hashtag.name} yet. Be the first!`}
        />
      </>,
    );
  });

  app.post('/tags/:tag/:action{follow|unfollow}', async (c) => {
    const viewer = requireViewer(c);
    const { graph } = social;
    const tag = c.req.param('tag');
    if (c.req.param('action') === 'follow') await graph.followHashtag(viewer, tag);
    else await graph.unfollowHashtag(viewer, tag);
    flash(
      c,
      c.req.param('action') === 'follow' ? `Posts with #${tag} will appear in your home timeline.` : `You no longer follow #${tag}.`,
    );
    return c.redirect(safeNext(c, (await readForm(c)).text('back')), 303);
  });
  return app;
}
