import { actorPath } from '../../social/index.ts';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { formatDate, isoTime, plural } from '../../web/format.ts';
import type { CollectionsService, CollectionView } from '../collections.ts';
import { libraryPage } from '../section.tsx';
import { AddForms, EntryItem } from './collection-entry-views.tsx';
import { ButtonForm, type FormState, nounOf, Paragraphs, pathOf, VISIBILITY_WORDS } from './collection-views.tsx';

/** The page of one collection or kit: what it is, its entries, the forms to add (several routes show it). */

function Meta({ c, view }: { c: AppContext; view: CollectionView }) {
  const noun = nounOf(view.kind);
  return (
    <>
      <p class="meta">
        {VISIBILITY_WORDS[view.visibility]} {noun} by <a href={actorPath(view.owner)}>{view.owner.displayName}</a>
        {view.collaborators.length > 0 ? (
          <>
            {' '}
            with{' '}
            {view.collaborators.map((a, i) => (
              <>
                {i > 0 ? ', ' : ''}
                <a href={actorPath(a)}>{a.displayName}</a>
              </>
            ))}
          </>
        ) : null}{' '}
        · {view.kind === 'starter_kit' ? plural(view.entries.length, 'person', 'people') : plural(view.entries.length, 'entry', 'entries')}{' '}
        · {plural(view.followerCount, 'follower', 'followers')} · updated{' '}
        <time datetime={isoTime(view.updatedAt)}>{formatDate(view.updatedAt, timeZoneOf(c))}</time>
      </p>
      {view.description ? <Paragraphs text={view.description} /> : null}
    </>
  );
}

function Tools({ c, view }: { c: AppContext; view: CollectionView }) {
  const base = `/collections/${view.id}`;
  const noun = nounOf(view.kind);
  const viewer = c.var.viewer;
  // A kit's two actions say what each does: follow its people (after a preview), or hear when it changes.
  const kit = view.kind === 'starter_kit';
  const people = view.entries.filter((e) => e.person && !e.hiddenReason).length;
  return (
    <div class="actions">
      {kit && people > 0 ? (
        <a class="button" href={`/starter-kits/${view.id}/follow`}>
          {people === 1 ? 'Follow the 1 person…' : `Follow the ${people} people…`}
        </a>
      ) : null}
      {view.following === true ? (
        <ButtonForm
          c={c}
          action={`${base}/unfollow`}
          label={kit ? 'Unsubscribe from this kit’s updates' : `Unfollow this ${noun}`}
          secondary
          small={false}
        />
      ) : null}
      {view.following === false ? (
        <ButtonForm
          c={c}
          action={`${base}/follow`}
          label={kit ? 'Subscribe to this kit’s updates' : `Follow this ${noun}`}
          secondary={kit}
          small={false}
        />
      ) : null}
      {!viewer && view.visibility === 'public' ? (
        <a class="button button--secondary" href={`/login?next=${encodeURIComponent(pathOf(view))}`}>
          Sign in to follow
        </a>
      ) : null}
      {view.canEdit ? (
        <a class="button button--secondary" href={`${base}/edit`}>
          Settings and collaborators
        </a>
      ) : null}
      {view.role === 'collaborator' && viewer ? (
        <ButtonForm
          c={c}
          action={`${base}/collaborators/${viewer.handle}/remove`}
          label="Stop collaborating"
          secondary
          small={false}
          confirm={`Stop collaborating on “${view.title}”? Your entries stay.`}
        />
      ) : null}
    </div>
  );
}

function Formats({ view }: { view: CollectionView }) {
  const base = `/collections/${view.id}`;
  return (
    <p class="meta">
      Take it with you:{' '}
      {view.visibility === 'public' ? (
        <>
          <a href={`${base}/feed.rss`} type="application/rss+xml">
            RSS feed
          </a>{' '}
          ·{' '}
          <a href={`${base}/feed.atom`} type="application/atom+xml">
            Atom feed
          </a>{' '}
          ·{' '}
        </>
      ) : null}
      <a href={`${base}/export.json`} type="application/json">
        JSON export
      </a>
    </p>
  );
}

export async function collectionPage(c: AppContext, service: CollectionsService, view: CollectionView, state: FormState = {}) {
  const viewer = c.var.viewer;
  const chooses = viewer !== null && view.canAdd && view.kind !== 'starter_kit';
  const [relations, bookmarks, sources] = await Promise.all([
    viewer ? service.relations(viewer, view) : new Map(),
    chooses ? service.bookmarkChoices(viewer) : [],
    chooses ? service.sourceChoices(viewer) : [],
  ]);
  const choices = { bookmarks, sources };
  const noun = nounOf(view.kind);
  const hasErrors = Object.keys(state.errors ?? {}).length > 0;
  return libraryPage(
    c,
    {
      title: view.title,
      hasErrors,
      status: state.status ?? 200,
      noindex: view.visibility !== 'public',
      description: view.description.slice(0, 200) || undefined,
    },
    <>
      <Meta c={c} view={view} />
      <Tools c={c} view={view} />
      <Formats view={view} />
      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading">{view.kind === 'starter_kit' ? 'People' : 'Entries'}</h2>
        {view.entries.length === 0 ? (
          <p class="callout">
            {view.canAdd
              ? view.kind === 'starter_kit'
                ? 'No one yet: add people below, each with a note on why they are worth following.'
                : 'Nothing here yet: add links, bookmarks, posts, sources or people below.'
              : `This ${noun} is empty so far.`}
          </p>
        ) : (
          <ol class="list-cards collection-entries">
            {view.entries.map((entry, index) => (
              <EntryItem c={c} view={view} entry={entry} index={index} count={view.entries.length} relations={relations} state={state} />
            ))}
          </ol>
        )}
      </section>
      {view.canAdd ? <AddForms c={c} view={view} choices={choices} state={state} /> : null}
    </>,
  );
}
