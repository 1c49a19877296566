import type { Child } from 'hono/jsx';
import { UserError } from '../../platform/errors.ts';
import type { AppContext } from '../../web/context.ts';
import { Avatar, renderPage } from '../../web/layout.tsx';
import type { Profile } from '../profile.ts';
import type { AccountsService } from '../service.ts';

const HOST = (c: AppContext) => new URL(c.var.kernel.config.baseUrl).host;

/**
 * A member's profile as `viewer` may see it, or a page saying why not: the members-only case
 * answers with a "sign in to see it" page rather than an error.
 */
export async function loadProfile(c: AppContext, accounts: Pick<AccountsService, 'profile'>, handle: string): Promise<Profile | Response> {
  try {
    return await accounts.profile(handle, c.var.viewer);
  } catch (error) {
    if (error instanceof UserError && error.code === 'members_only') {
      return renderPage(
        c,
        { title: `@${handle}`, status: 401, noindex: true },
        <p class="callout">
          {error.message} <a href={`/login?next=${encodeURIComponent(`/@${handle}`)}`}>Sign in</a> to see it.
        </p>,
      );
    }
    throw error;
  }
}

/** The top of a profile page: photo, name, role, bio, passions and details. `actions` go under the name. */
export function ProfileHeader({ c, p, actions }: { c: AppContext; p: Profile; actions?: Child }) {
  const own = c.var.viewer?.memberId === p.memberId;
  const joined = new Date(p.joinedAt).toLocaleDateString('en', { year: 'numeric', month: 'long', timeZone: 'UTC' });
  return (
    <>
      <div class="profile-head">
        <Avatar url={p.avatarUrl} name={p.displayName} size={128} />
        <div>
          <h1 id="profile-name">{p.displayName}</h1>
          <p class="meta">
            @{p.handle}@{HOST(c)}
          </p>
          {p.roleLabel ? (
            <p>
              <strong>{p.roleLabel}</strong>
              {p.organisation ? <> at {p.organisation}</> : null}
            </p>
          ) : p.organisation ? (
            <p>{p.organisation}</p>
          ) : null}
          {own ? (
            <p>
              <a class="button button--secondary button--small" href="/settings/profile">
                Edit your profile
              </a>
            </p>
          ) : null}
          {actions}
        </div>
      </div>
      {p.bio ? (
        <p class="bio">{p.bio}</p>
      ) : own ? (
        <p class="callout">Add a few lines about yourself so peers know what you do and care about.</p>
      ) : null}
      {p.passions.length > 0 ? (
        <section aria-labelledby="passions-heading">
          <h2 id="passions-heading">Passions</h2>
          <ul class="tags">
            {p.passions.map((x) => (
              <li>
                <a class="tag" href={`/people?passion=${encodeURIComponent(x.slug)}`}>
                  {x.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <dl class="profile-facts">
          {p.location ? (
            <>
              <dt>Location</dt>
              <dd>{p.location}</dd>
            </>
          ) : null}
          <dt>Time zone</dt>
          <dd>{p.timeZone.replace(/_/g, ' ')}</dd>
          <dt>Joined</dt>
          <dd>{joined}</dd>
          {p.links.map((link) => (
            <>
              <dt>{link.label || 'Link'}</dt>
              <dd>
                <a href={link.url} rel="me nofollow noopener noreferrer">
                  {link.url.replace(/^https?:\/\//, '')}
                </a>
              </dd>
            </>
          ))}
        </dl>
      </section>
    </>
  );
}

/**
 * A member in a grid of people: photo, name, role, organisation, place and a few passions;
 * `actions` (a Follow button) under them, `id` for coming back to this card.
 */
export function PersonCard({ profile: p, id, actions }: { profile: Profile; id?: string; actions?: Child }) {
  return (
    <div class="person-card" id={id}>
      <Avatar url={p.avatarUrl} name={p.displayName} size={56} />
      <div>
        <h3>
          <a href={`/@${p.handle}`}>{p.displayName}</a>
        </h3>
        <p class="meta">@{p.handle}</p>
        {p.roleLabel ? <p>{p.roleLabel}</p> : null}
        {p.organisation || p.location ? <p class="meta">{[p.organisation, p.location].filter(Boolean).join(' · ')}</p> : null}
        {p.passions.length > 0 ? (
          <ul class="tags" aria-label="Passions">
            {p.passions.slice(0, 5).map((x) => (
              <li>
                <span class="tag">{x.name}</span>
              </li>
            ))}
          </ul>
        ) : null}
        {actions}
      </div>
    </div>
  );
}
