import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import type { SocialService } from '../service.ts';
import { ActionButton, PeopleList } from './post-views.tsx';
import { streamPage } from './stream-views.tsx';

/** People waiting for a member to accept their follow. */
export function followRequestPages(social: SocialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/follow-requests', async (c) => {
    const viewer = requireViewer(c);
    const requests = await social.graph.followRequests(viewer);
    return streamPage(
      c,
      { title: 'Follow requests', noindex: true },
      requests.length === 0 ? (
        <p class="callout">
          No one is waiting. {''}
          <a href="/settings/privacy">Privacy settings</a> decide whether new followers need your approval.
        </p>
      ) : (
        <PeopleList people={requests}>
          {(p) => (
            <>
              <ActionButton c={c} back="/follow-requests" action={`/follow-requests/${p.acct}/accept`} label="Accept" />
              <ActionButton c={c} back="/follow-requests" action={`/follow-requests/${p.acct}/reject`} label="Decline" />
            </>
          )}
        </PeopleList>
      ),
    );
  });

  app.post('/follow-requests/:acct/:answer{accept|reject}', async (c) => {
    const viewer = requireViewer(c);
    const accept = c.req.param('answer') === 'accept';
    await social.graph.answerRequest(viewer, c.req.param('acct'), accept);
    flash(c, accept ? `@${c.req.param('acct')} now follows you.` : `You declined @${c.req.param('acct')}.`);
    return c.redirect('/follow-requests', 303);
  });
  return app;
}
