import type { ActorProfile, Relationship } from '../../social/index.ts';
import { ActionButton } from '../../social/index.ts';
import type { AppContext } from '../../web/context.ts';

/** Counts, and the viewer's follow, mute and block buttons for this person. */
export function Connections({
  c,
  actor,
  relationship,
  back,
  lists,
}: {
  c: AppContext;
  actor: ActorProfile;
  relationship: Relationship | null;
  back: string;
  lists: boolean;
}) {
  // Follow is the primary button, Unfollow a secondary one; Mute, Block and Report are quieter.
  // All but Block change in place when scripts run (app.js); Block asks first and changes more.
  const act = (action: string, label: string, extra: { look?: 'primary' | 'secondary' | 'quiet'; confirm?: string } = {}) => (
    <ActionButton c={c} back={back} action={`/@${actor.acct}/${action}`} label={label} inline={!extra.confirm} {...extra} />
  );
  // One region (app.js swaps it after an action), so the follower count changes with the button.
  return (
    <div id="profile-connections" data-inline-region>
      {lists ? (
        <p class="profile-stats">
          <span>
            <strong>{actor.posts}</strong> {actor.posts === 1 ? 'post' : 'posts'}
          </span>{' '}
          ·{' '}
          <a href={`${back}/following`}>
            <strong>{actor.following}</strong> following
          </a>{' '}
          ·{' '}
          <a href={`${back}/followers`}>
            <strong>{actor.followers}</strong> {actor.followers === 1 ? 'follower' : 'followers'}
          </a>
          {actor.locked ? <span class="meta"> · approves followers</span> : null}
        </p>
      ) : (
        <p class="profile-stats">
          <span>
            <strong>{actor.followers}</strong> {actor.followers === 1 ? 'person here follows' : 'people here follow'} them
          </span>{' '}
          · <strong>{actor.posts}</strong> {actor.posts === 1 ? 'post' : 'posts'} seen here
          {actor.locked ? <span class="meta"> · approves followers</span> : null}
        </p>
      )}
      {relationship ? (
        <div class="profile-actions">
          {relationship.followedBy ? <span class="badge">Follows you</span> : null}
          {relationship.blockedBy ? null : relationship.following ? (
            <>
              <span class="badge">Following</span>
              {act('unfollow', 'Unfollow', { look: 'secondary' })}
            </>
          ) : relationship.requested ? (
            act('unfollow', 'Cancel follow request', { look: 'secondary' })
          ) : relationship.blocking ? null : (
            act('follow', actor.locked ? 'Ask to follow' : 'Follow', { look: 'primary' })
          )}
          {relationship.muting ? act('unmute', 'Unmute', { look: 'quiet' }) : act('mute', 'Mute', { look: 'quiet' })}
          {relationship.blocking
            ? act('unblock', 'Unblock', { look: 'quiet' })
            : act('block', 'Block', { look: 'quiet', confirm: `Block @${actor.acct}? You will stop following each other.` })}
          <a class="post-action post-action--quiet" href={`/@${actor.acct}/report`}>
            Report
          </a>
        </div>
      ) : !c.var.viewer ? (
        <p>
          <a class="button button--small" href={`/login?next=${encodeURIComponent(back)}`}>
            Sign in to follow
          </a>
        </p>
      ) : null}
    </div>
  );
}
