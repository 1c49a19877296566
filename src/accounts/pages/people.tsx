import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { ErrorSummary, type Errors, formErrors, SelectField, TextField } from '../../web/forms.tsx';
import { Avatar, renderPage } from '../../web/layout.tsx';
import { ROLE_KEYS, ROLES } from '../roles.ts';
import type { Profile } from '../service.ts';

/** The people directory at /people. (Profile pages are composed in web/profile.tsx.) */
export function registerPeoplePages(app: Hono<AppEnv>): void {
  app.get('/people', async (c) => {
    const filter = {
      q: c.req.query('q')?.slice(0, 200) ?? '',
      role: c.req.query('role') ?? '',
      passion: c.req.query('passion')?.slice(0, 60) ?? '',
      location: c.req.query('location')?.slice(0, 120) ?? '',
    };
    const { accounts } = c.var.services;
    const popular = await accounts.passionSuggestions('', 16);
    let errors: Errors = {};
    let result: Awaited<ReturnType<typeof accounts.directory>> = { people: [], nextCursor: null };
    let status: 200 | 400 = 200;
    try {
      if (filter.role && !(ROLE_KEYS as readonly string[]).includes(filter.role)) {
        throw UserError.field('role', 'Choose a role from the list.', 400);
      }
      result = await accounts.directory({ ...filter, cursor: c.req.query('cursor') }, c.var.viewer);
    } catch (error) {
      errors = formErrors(error).errors;
      // A bad page link is not a field of the form.
      if (errors.cursor) errors = { _form: errors.cursor };
      status = 400;
    }
    return directoryPage(c, filter, result, popular, errors, status);
  });
}

const HOST = (c: AppContext) => new URL(c.var.services.config.baseUrl).host;

/**
 * A member's profile as `viewer` may see it, or a page saying why not: the members-only case
 * answers with a "sign in to see it" page rather than an error.
 */
export async function loadProfile(c: AppContext, handle: string): Promise<Profile | Response> {
  try {
    return await c.var.services.accounts.profile(handle, c.var.viewer);
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

function directoryPage(
  c: AppContext,
  filter: { q: string; role: string; passion: string; location: string },
  result: { people: Profile[]; nextCursor: string | null },
  popular: Array<{ slug: string; name: string; count: number }>,
  errors: Errors,
  status: 200 | 400,
) {
  const filtered = Boolean(filter.q || filter.role || filter.passion || filter.location);
  const next = result.nextCursor ? `/people?${new URLSearchParams({ ...filter, cursor: result.nextCursor })}` : null;
  return renderPage(
    c,
    { title: 'People', hasErrors: Object.keys(errors).length > 0, status },
    <>
      <p>Find peers who do what you do, or what you want to learn: filter by role, passion and place.</p>
      <ErrorSummary errors={errors} />
      <form method="get" action="/people" class="filters" role="search" aria-label="Filter people">
        <TextField name="q" type="search" label="Name or words" value={filter.q} errors={errors} />
        <SelectField
          name="role"
          label="Role"
          value={filter.role}
          errors={errors}
          placeholder="Any role"
          options={ROLES.map((r) => ({ value: r.key, label: r.label }))}
        />
        <TextField name="passion" label="Passion" value={filter.passion} errors={errors} list="popular-passions" />
        <datalist id="popular-passions">
          {popular.map((p) => (
            <option value={p.slug}>{p.name}</option>
          ))}
        </datalist>
        <TextField name="location" label="Location" value={filter.location} errors={errors} />
        <div class="actions">
          <button type="submit">Filter</button>
          {filtered ? <a href="/people">Clear filters</a> : null}
        </div>
      </form>
      {popular.length > 0 ? (
        <section aria-labelledby="popular-heading">
          <h2 id="popular-heading">Popular passions</h2>
          <ul class="tags">
            {popular.map((p) => (
              <li>
                <a
                  class="tag"
                  href={`/people?passion=${encodeURIComponent(p.slug)}`}
                  aria-current={filter.passion === p.slug ? 'true' : undefined}
                >
                  {p.name} <span class="visually-hidden">(</span>
                  {p.count}
                  <span class="visually-hidden"> members)</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2 id="results-heading">{filtered ? 'Matching people' : 'Newest members'}</h2>
      {result.people.length === 0 ? (
        <p class="callout">
          {filtered
            ? 'No one matches those filters yet. Try fewer filters, or invite a colleague who should be here.'
            : 'No one has joined yet.'}
          {c.var.viewer ? null : (
            <>
              {' '}
              Members who share their profile with signed-in members only appear after you <a href="/login?next=/people">sign in</a>.
            </>
          )}
        </p>
      ) : (
        <ul class="people-grid" aria-labelledby="results-heading">
          {result.people.map((p) => (
            <li>
              <PersonCard profile={p} />
            </li>
          ))}
        </ul>
      )}
      {next ? (
        <nav class="pagination" aria-label="More people">
          <a class="button button--secondary" href={next}>
            More people
          </a>
        </nav>
      ) : null}
    </>,
  );
}

export function PersonCard({ profile: p }: { profile: Profile }) {
  return (
    <div class="person-card">
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
      </div>
    </div>
  );
}
