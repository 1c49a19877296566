import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { PersonCard } from '../../accounts/index.ts';
import type { AppEnv } from '../../web/context.ts';
import { ErrorSummary, type Errors, formErrors, SelectField, TextField } from '../../web/forms.tsx';
import type { PageOptions } from '../../web/layout.tsx';
import { isFediverseAddress } from '../search.ts';
import type { SocialService } from '../service.ts';
import { Timeline } from './post-views.tsx';
import { nextHref, streamPage } from './stream-views.tsx';

/** Searching posts, people and hashtags; a fediverse address or profile link goes to that profile. */
export function searchPages(social: SocialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 300);
    const type = c.req.query('type') ?? 'posts';
    let errors: Errors = {};
    let status: PageOptions['status'] = 200;
    let results: Child = null;
    const address = type !== 'hashtags' && isFediverseAddress(q);
    if (address) {
      // Someone's address or profile link: go to their profile (looked up on their server if new).
      try {
        return c.redirect(await social.profilePathOf(c.var.viewer, q.trim()), 303);
      } catch (error) {
        const found = formErrors(error);
        errors = { q: found.errors.q ?? found.errors._form ?? Object.values(found.errors)[0]! };
        status = found.status;
      }
    } else if (!['posts', 'people', 'hashtags'].includes(type)) {
      errors = { type: 'Search posts, people or hashtags.' };
      status = 400;
    } else if (q.trim()) {
      try {
        if (type === 'posts') {
          const page = await social.searchPosts(c.var.viewer, q, c.req.query('cursor'));
          results = (
            <Timeline
              c={c}
              label="Posts found"
              posts={page.posts}
              next={nextHref(c, page)}
              back={`/search?${new URLSearchParams({ q, type })}`}
              empty="No posts match."
            />
          );
        } else if (type === 'people') {
          const page = await social.searchPeople(c.var.viewer, q, c.req.query('cursor'));
          results =
            page.people.length === 0 ? (
              <p class="callout">
                No one matches. Try the <a href="/people">directory</a> filters.
              </p>
            ) : (
              <ul class="people-grid" aria-label="People found">
                {page.people.map((p) => (
                  <li>
                    <PersonCard profile={p} />
                  </li>
                ))}
              </ul>
            );
        } else {
          const tags = await social.searchHashtags(q);
          results =
            tags.length === 0 ? (
              <p class="callout">No hashtags start with that.</p>
            ) : (
              <ul class="hashtag-list" aria-label="Hashtags found">
                {tags.map((t) => (
                  <li>
                    <a href={`/tags/${t.slug}`}>#{t.name}</a>{' '}
                    <span class="meta">
                      {t.posts} {t.posts === 1 ? 'post' : 'posts'}
                    </span>
                  </li>
                ))}
              </ul>
            );
        }
      } catch (error) {
        ({ errors } = formErrors(error));
        status = 400;
      }
    }
    return streamPage(
      c,
      { title: q ? `Search: ${q}` : 'Search', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
      <>
        <ErrorSummary errors={errors} />
        <form method="get" action="/search" class="filters" role="search" aria-label="Search">
          <TextField
            name="q"
            type="search"
            label="Search for"
            value={q}
            errors={errors}
            hint={
              <>
                Words or "exact phrases"; #hashtag and from:handle narrow post searches. To find someone on another server (Mastodon and
                others), type their address like @user@example.social or paste the link to their profile.
              </>
            }
          />
          <SelectField
            name="type"
            label="In"
            value={type}
            errors={errors}
            options={[
              { value: 'posts', label: 'Posts' },
              { value: 'people', label: 'People' },
              { value: 'hashtags', label: 'Hashtags' },
            ]}
          />
          <div class="actions">
            <button type="submit">Search</button>
          </div>
        </form>
        {results}
      </>,
    );
  });
  return app;
}
