import { Hono } from 'hono';
import type { CollectionKind } from '../../db/schema.ts';
import { parseInput, UserError } from '../../platform/errors.ts';
import { actorPath } from '../../social/index.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, formErrors, TextField } from '../../web/forms.tsx';
import { Avatar, flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { collectionAtom, collectionJson, collectionRss } from '../collection-export.ts';
import { collectionInputSchema, collectionUpdateSchema } from '../collection-schemas.ts';
import type { CollectionsService, CollectionView } from '../collections.ts';
import { libraryPage } from '../section.tsx';
import { collectionPage } from './collection-page.tsx';
import { ButtonForm, CollectionCards, CollectionForm, type FormState, idParam, nounOf, pathOf, refusal } from './collection-views.tsx';

/**
 * The pages of collections and kits themselves: the lists and the new-collection form, one
 * collection's page, following it, its settings and collaborators, deleting it, and its feeds
 * and JSON export. (Entries: collection-entry-pages.tsx; "follow all": starter-kit-pages.tsx.)
 */

// ---- settings page -----------------------------------------------------------------------------

function settingsPage(c: AppContext, view: CollectionView, state: FormState = {}) {
  const noun = nounOf(view.kind);
  const base = `/collections/${view.id}`;
  const settingsErrors = state.form === 'settings' ? (state.errors ?? {}) : {};
  const settingsValues =
    state.form === 'settings' ? (state.values ?? {}) : { title: view.title, description: view.description, visibility: view.visibility };
  const helperErrors = state.form === 'collaborators' ? (state.errors ?? {}) : {};
  return libraryPage(
    c,
    { title: `Settings: ${view.title}`, hasErrors: Object.keys(state.errors ?? {}).length > 0, status: state.status ?? 200, noindex: true },
    <>
      <p>
        <a href={pathOf(view)}>Back to the {noun}</a>
      </p>
      <section aria-labelledby="settings-heading">
        <h2 id="settings-heading">Title, description and who can see it</h2>
        <ErrorSummary errors={settingsErrors} />
        <CollectionForm c={c} action={`${base}/edit`} kind={view.kind} values={settingsValues} errors={settingsErrors} submit="Save" />
      </section>
      <section aria-labelledby="collaborators-heading">
        <h2 id="collaborators-heading">Collaborators</h2>
        <p>
          Collaborators can add entries and change or remove the ones they added. Only you change the settings, the order and others’
          entries.
        </p>
        {view.collaborators.length > 0 ? (
          <ul class="people-list">
            {view.collaborators.map((a) => (
              <li class="person-row">
                <Avatar url={a.avatarUrl} name={a.displayName} size={40} />
                <span>
                  <a href={actorPath(a)}>{a.displayName}</a> <span class="meta">@{a.acct}</span>
                </span>
                <ButtonForm
                  c={c}
                  action={`${base}/collaborators/${a.handle}/remove`}
                  label="Remove"
                  ariaLabel={`Remove ${a.displayName}`}
                  secondary
                />
              </li>
            ))}
          </ul>
        ) : (
          <p class="meta">No collaborators yet.</p>
        )}
        <ErrorSummary errors={helperErrors} />
        <form method="post" action={`${base}/collaborators`} class="stack" novalidate>
          <CsrfField token={c.var.csrf} />
          <TextField
            name="handle"
            label="Add a collaborator by handle"
            value={state.form === 'collaborators' ? state.values?.handle : ''}
            errors={helperErrors}
            spellcheck={false}
            hint="A member of this server, like mslibrarian."
          />
          <button type="submit" class="button--small">
            Add collaborator
          </button>
        </form>
      </section>
      <section aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete</h2>
        <p>
          Deleting removes the {noun} and its entries for everyone. What the entries point to (posts, bookmarks, sources, people) stays.
        </p>
        <ButtonForm
          c={c}
          action={`${base}/delete`}
          label={`Delete this ${noun}`}
          danger
          small={false}
          confirm={`Delete “${view.title}”? This cannot be undone.`}
        />
      </section>
    </>,
  );
}

// ---- lists ---------------------------------------------------------------------------------------

async function indexPage(c: AppContext, collections: CollectionsService, kind: CollectionKind, state: FormState = {}) {
  const viewer = c.var.viewer;
  const noun = nounOf(kind);
  const nouns = kind === 'starter_kit' ? 'starter kits' : 'collections';
  const [mine, helping, following, browse] = await Promise.all([
    viewer ? collections.mine(viewer, kind) : [],
    viewer ? collections.collaborating(viewer, kind) : [],
    viewer && kind === 'collection' ? collections.following.list(viewer) : [],
    collections.browse(viewer, kind, c.req.query('cursor')),
  ]);
  const errors = state.errors ?? {};
  const next = browse.nextCursor ? `${c.req.path}?cursor=${encodeURIComponent(browse.nextCursor)}` : null;
  const intro =
    kind === 'starter_kit'
      ? 'A starter kit is a set of people worth following, each with a note on why. Follow a whole kit in one go, choosing whom to leave out.'
      : 'Collections are ordered, annotated sets of links, bookmarks, posts, sources and people. Share them with members or everyone, work on them with collaborators, follow others’.';
  return libraryPage(
    c,
    {
      title: kind === 'starter_kit' ? 'Starter kits' : 'Collections',
      hasErrors: Object.keys(errors).length > 0,
      status: state.status ?? 200,
    },
    <>
      <p>{intro}</p>
      {viewer ? (
        <>
          <section aria-labelledby="mine-heading">
            <h2 id="mine-heading">Your {nouns}</h2>
            <CollectionCards collections={mine} label={`Your ${nouns}`} empty={`You have no ${nouns} yet: create one below.`} />
          </section>
          {helping.length > 0 ? (
            <section aria-labelledby="helping-heading">
              <h2 id="helping-heading">Collaborating</h2>
              <CollectionCards collections={helping} label={`${nouns} you collaborate on`} empty="" />
            </section>
          ) : null}
          {kind === 'collection' ? (
            <section aria-labelledby="following-heading">
              <h2 id="following-heading">Following</h2>
              <CollectionCards
                collections={following}
                label="Collections you follow"
                empty="You follow no collections yet. New entries of the ones you follow reach your notifications."
              />
            </section>
          ) : null}
        </>
      ) : (
        <p class="callout">
          <a href={`/login?next=${encodeURIComponent(c.req.path)}`}>Sign in</a> to make your own {nouns}.
        </p>
      )}
      <section aria-labelledby="browse-heading">
        <h2 id="browse-heading">{viewer ? `Shared ${nouns}` : `Public ${nouns}`}</h2>
        <CollectionCards collections={browse.collections} label={`Shared ${nouns}`} empty={`No shared ${nouns} yet.`} />
        {next ? (
          <nav class="pagination" aria-label={`More ${nouns}`}>
            <a href={next}>More {nouns}</a>
          </nav>
        ) : null}
      </section>
      {viewer ? (
        <section aria-labelledby="new-heading">
          <h2 id="new-heading">New {noun}</h2>
          <ErrorSummary errors={errors} />
          <CollectionForm
            c={c}
            action={kind === 'starter_kit' ? '/starter-kits' : '/collections'}
            kind={kind}
            values={state.values ?? {}}
            errors={errors}
            submit={`Create ${noun}`}
          />
        </section>
      ) : null}
    </>,
  );
}

export function collectionsPages(collections: CollectionsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const back = async (c: AppContext, id: number) => c.redirect(pathOf({ id, kind: await collections.kindOf(c.var.viewer, id) }), 303);

  for (const kind of ['collection', 'starter_kit'] as const) {
    const root = kind === 'starter_kit' ? '/starter-kits' : '/collections';
    app.get(root, (c) => indexPage(c, collections, kind));
    app.post(root, async (c) => {
      const viewer = requireViewer(c);
      const form = await readForm(c);
      const values = { title: form.text('title'), description: form.text('description'), visibility: form.text('visibility') || 'private' };
      try {
        const created = await collections.create(viewer, kind, parseInput(collectionInputSchema(kind), values));
        flash(
          c,
          kind === 'starter_kit'
            ? `Starter kit “${created.title}” created. Add people to it below.`
            : `Collection “${created.title}” created. Add to it below.`,
        );
        return c.redirect(pathOf(created), 303);
      } catch (error) {
        const { errors, status } = formErrors(error);
        return indexPage(c, collections, kind, { values, errors, status });
      }
    });
  }

  app.get('/collections/:id{[0-9]+}', async (c) => {
    const view = await collections.get(c.var.viewer, idParam(c));
    if (view.kind === 'starter_kit') return c.redirect(pathOf(view), 301);
    return collectionPage(c, collections, view);
  });
  app.get('/starter-kits/:id{[0-9]+}', async (c) => {
    const view = await collections.get(c.var.viewer, idParam(c));
    if (view.kind !== 'starter_kit') return c.redirect(pathOf(view), 301);
    return collectionPage(c, collections, view);
  });
  app.get('/starter-kits/:id{[0-9]+}/edit', (c) => c.redirect(`/collections/${idParam(c)}/edit`, 301));

  // Following
  app.post('/collections/:id{[0-9]+}/:action{follow|unfollow}', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const follow = c.req.param('action') === 'follow';
    if (follow) await collections.following.follow(viewer, id);
    else await collections.following.unfollow(viewer, id);
    flash(c, follow ? 'You follow it now: new entries will reach your notifications.' : 'You no longer follow it.');
    return back(c, id);
  });

  // Settings, collaborators, delete
  app.get('/collections/:id{[0-9]+}/edit', async (c) => {
    const viewer = requireViewer(c);
    const view = await collections.get(viewer, idParam(c));
    if (!view.canEdit) throw UserError.forbidden(`Only the owner can change this ${nounOf(view.kind)}'s settings.`);
    return settingsPage(c, view);
  });
  app.post('/collections/:id{[0-9]+}/edit', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const form = await readForm(c);
    const values = { title: form.text('title'), description: form.text('description'), visibility: form.text('visibility') };
    try {
      // The form is read as the kind of collection it changes (its messages name it); someone
      // other than the owner is refused by the service before anything they sent is looked at.
      const { kind, role } = await collections.roleIn(viewer, id);
      const view = await collections.update(viewer, id, role === 'owner' ? parseInput(collectionUpdateSchema(kind), values) : {});
      flash(c, 'Settings saved.');
      return c.redirect(pathOf(view), 303);
    } catch (error) {
      refusal(error);
      const { errors, status } = formErrors(error);
      return settingsPage(c, await collections.get(viewer, id), { form: 'settings', values, errors, status });
    }
  });
  app.post('/collections/:id{[0-9]+}/collaborators', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const handle = (await readForm(c)).text('handle').trim();
    try {
      await collections.collaborators.add(viewer, id, handle);
      flash(c, `@${handle.replace(/^@/, '')} can now add to it.`);
      return c.redirect(`/collections/${id}/edit`, 303);
    } catch (error) {
      refusal(error);
      const { errors, status } = formErrors(error);
      return settingsPage(c, await collections.get(viewer, id), {
        form: 'collaborators',
        values: { handle },
        errors: errors.handle ? errors : { handle: errors._form ?? Object.values(errors)[0]! },
        status,
      });
    }
  });
  app.post('/collections/:id{[0-9]+}/collaborators/:handle/remove', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const handle = c.req.param('handle');
    await collections.collaborators.remove(viewer, id, handle);
    const leaving = handle.toLowerCase() === viewer.handle.toLowerCase();
    flash(c, leaving ? 'You no longer collaborate on it; your entries stay.' : `@${handle} no longer collaborates on it.`);
    return leaving ? back(c, id).catch(() => c.redirect('/collections', 303)) : c.redirect(`/collections/${id}/edit`, 303);
  });
  app.post('/collections/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const kind = await collections.kindOf(viewer, id);
    await collections.delete(viewer, id);
    flash(c, `The ${nounOf(kind)} was deleted.`);
    return c.redirect(kind === 'starter_kit' ? '/starter-kits' : '/collections', 303);
  });

  // Open formats
  app.get('/collections/:id{[0-9]+}/feed.rss', async (c) => {
    const view = await collections.publicFeed(idParam(c));
    return c.body(collectionRss(view), 200, {
      'content-type': 'application/rss+xml; charset=utf-8',
      'cache-control': 'public, max-age=300',
    });
  });
  app.get('/collections/:id{[0-9]+}/feed.atom', async (c) => {
    const view = await collections.publicFeed(idParam(c));
    return c.body(collectionAtom(view), 200, {
      'content-type': 'application/atom+xml; charset=utf-8',
      'cache-control': 'public, max-age=300',
    });
  });
  app.get('/collections/:id{[0-9]+}/export.json', async (c) => {
    const view = await collections.get(c.var.viewer, idParam(c));
    return c.body(JSON.stringify(collectionJson(view), null, 2), 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${view.kind === 'starter_kit' ? 'starter-kit' : 'collection'}-${view.id}.json"`,
      'cache-control': 'private, no-store',
    });
  });
  return app;
}
