import { Hono } from 'hono';
import { UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, SelectField, TextField } from '../../web/forms.tsx';
import { renderPage } from '../../web/layout.tsx';
import type { FollowState } from '../directory.ts';
import type { Profile } from '../profile.ts';
import { ROLE_KEYS, ROLES } from '../roles.ts';
import type { AccountsService } from '../service.ts';
import { PersonCard } from './person-views.tsx';

/** The people directory at /people. (Profile pages are the profiles capability's.) */
export function directoryPages(accounts: AccountsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/people', async (c) => {
    const filter = {
      q: c.req.query('q')?.slice(0, 200) ?? '',
      role: c.req.query('role') ?? '',
      passion: c.req.query('passion')?.slice(0, 60) ?? '',
      location: c.req.query('location')?.slice(0, 120) ?? '',
    };
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
    // Follow buttons, for a member, when a capability knows follows (social registers the reader).
    const viewer = c.var.viewer;
    const follows = viewer
      ? await accounts.followStates(
          viewer,
          result.people.map((p) => p.actorId),
        )
      : null;
    return directoryPage(c, filter, { ...result, follows }, popular, errors, status);
  });

  return app;
}

function directoryPage(
  c: AppContext,
  filter: { q: string; role: string; passion: string; location: string },
  result: { people: Profile[]; nextCursor: string | null; follows: ReadonlyMap<number, FollowState> | null },
  popular: Array<{ slug: string; name: string; count: number }>,
  errors: Errors,
  status: 200 | 400,
) {
  const filtered = Boolean(filter.q || filter.role || filter.passion || filter.location);
  const here = new URL(c.req.url);
  const back = here.pathname + here.search;
  const next = result.nextCursor ? `/people?${new URLSearchParams({ ...filter, cursor: result.nextCursor })}` : null;
  return renderPage(
    c,
    { title: 'Explore', hasErrors: Object.keys(errors).length > 0, status, context: 'explore' },
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
            : c.var.viewer
              ? 'No one else has joined yet.'
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
              <PersonCard
                profile={p}
                id={`person-${p.actorId}`}
                actions={
                  result.follows ? (
                    <FollowActions c={c} profile={p} state={result.follows.get(p.actorId)} back={`${back}#person-${p.actorId}`} />
                  ) : null
                }
              />
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

/**
 * Follow (the card's primary action) or, once followed, "Following" and Unfollow: plain forms
 * to the profile's follow actions, coming back to this card (with scripts, changed in place:
 * app.js). Nothing when a block stands between.
 */
function FollowActions({ c, profile: p, state, back }: { c: AppContext; profile: Profile; state: FollowState | undefined; back: string }) {
  if (state === 'blocked') return null;
  const form = (action: 'follow' | 'unfollow', label: string, secondary: boolean) => (
    <form method="post" action={`/@${p.handle}/${action}`} class="inline-form" data-inline>
      <CsrfField token={c.var.csrf} />
      <input type="hidden" name="back" value={back} />
      <button type="submit" class={secondary ? 'button button--secondary button--small' : 'button button--small'}>
        {label} <span class="visually-hidden">{p.displayName}</span>
      </button>
    </form>
  );
  return (
    <div class="person-card__actions" id={`person-${p.actorId}-actions`} data-inline-region>
      {state === 'following' ? (
        <>
          <span class="badge">Following</span>
          {form('unfollow', 'Unfollow', true)}
        </>
      ) : state === 'requested' ? (
        <>
          <span class="badge">Requested</span>
          {form('unfollow', 'Cancel request', true)}
        </>
      ) : (
        form('follow', 'Follow', false)
      )}
    </div>
  );
}
