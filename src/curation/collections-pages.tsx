import type { Hono } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { CollectionKind } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { actorPath, postPath } from '../social/index.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { formatDate, formatDateTime, isoTime, plural } from '../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, RadioGroup, SelectField, TextArea, TextField } from '../web/forms.tsx';
import { Avatar, flash, type PageOptions } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { type Form, readForm } from '../web/request.ts';
import { collectionAtom, collectionJson, collectionRss } from './collection-export.ts';
import { type CollectionSummary, type CollectionView, type EntryView, LIMITS, type PersonView } from './collections.ts';
import { libraryPage } from './section.tsx';
import type { KitPreview } from './starter-kits.ts';

/**
 * The pages of collections and starter kits (Library section). Every action is a plain form
 * that comes back to the collection's page; errors re-render the page with the message next
 * to the field of the form that was sent.
 */

type Values = Record<string, string>;
interface FormState {
  /** Which form was sent (`settings`, `add-link`, `entry-12` …): its values and errors are shown. */
  form?: string;
  values?: Values;
  errors?: Errors;
  status?: PageOptions['status'];
}

const VISIBILITY_OPTIONS = (noun: string) => [
  { value: 'private', label: 'Only me and the collaborators' },
  { value: 'members', label: 'Signed-in members' },
  {
    value: 'public',
    label: 'Everyone',
    hint: `(a public page, feeds and a JSON export${noun === 'starter kit' ? '; people who declined to be featured cannot be in it' : ''})`,
  },
];
const VISIBILITY_WORDS = { private: 'Private', members: 'Members only', public: 'Public' } as const;
const ENTRY_KIND_WORDS = { link: 'Link', bookmark: 'Bookmark', post: 'Post', source: 'Source', person: 'Person' } as const;

const nounOf = (kind: CollectionKind) => (kind === 'starter_kit' ? 'starter kit' : 'collection');
const pathOf = (c: { id: number; kind: CollectionKind }) => `/${c.kind === 'starter_kit' ? 'starter-kits' : 'collections'}/${c.id}`;
const idParam = (c: AppContext) => {
  const id = Number(c.req.param('id'));
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no collection or starter kit here, or it is private.');
  return id;
};

/** Plain text with blank lines as paragraphs and single line breaks kept. */
function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\n{2,}/)
        .map((p) => p.trim())
        .filter(Boolean)
        .map((p) => (
          <p>
            {p.split('\n').map((line, i) => (
              <>
                {i > 0 ? <br /> : null}
                {line}
              </>
            ))}
          </p>
        ))}
    </>
  );
}

function CollectionForm(props: { c: AppContext; action: string; kind: CollectionKind; values: Values; errors: Errors; submit: string }) {
  const noun = nounOf(props.kind);
  return (
    <form method="post" action={props.action} class="stack" novalidate>
      <CsrfField token={props.c.var.csrf} />
      <TextField
        name="title"
        label="Title"
        value={props.values.title}
        errors={props.errors}
        maxLength={LIMITS.title}
        required
        hint={
          props.kind === 'starter_kit' ? 'For example “Public librarians to follow”.' : 'For example “Genrefication: how-tos and stories”.'
        }
      />
      <TextArea
        name="description"
        label="Description"
        optional
        value={props.values.description}
        errors={props.errors}
        rows={3}
        maxLength={LIMITS.description}
        hint={`What this ${noun} is for and who it helps.`}
      />
      <RadioGroup
        name="visibility"
        label="Who can see it"
        value={props.values.visibility || 'private'}
        errors={props.errors}
        options={VISIBILITY_OPTIONS(noun)}
      />
      <button type="submit">{props.submit}</button>
    </form>
  );
}

function CollectionCards({ collections, label, empty }: { collections: CollectionSummary[]; label: string; empty: Child }) {
  if (collections.length === 0) return <p class="callout">{empty}</p>;
  return (
    <ul class="list-cards" aria-label={label}>
      {collections.map((s) => (
        <li>
          <a href={pathOf(s)}>{s.title}</a>{' '}
          <span class="meta">
            {VISIBILITY_WORDS[s.visibility]} · by {s.owner.displayName} ·{' '}
            {s.kind === 'starter_kit' ? plural(s.entryCount, 'person', 'people') : plural(s.entryCount, 'entry', 'entries')}
            {s.followerCount ? ` · ${plural(s.followerCount, 'follower', 'followers')}` : ''}
          </span>
          {s.description ? <p>{s.description.length > 240 ? `${s.description.slice(0, 239)}…` : s.description}</p> : null}
        </li>
      ))}
    </ul>
  );
}

/** A form with one button (follow, move, remove …) that comes back to the page. */
function ButtonForm(props: {
  c: AppContext;
  action: string;
  label: Child;
  ariaLabel?: string;
  danger?: boolean;
  small?: boolean;
  secondary?: boolean;
  confirm?: string;
  fields?: Values;
}) {
  const classes = [
    props.danger ? 'button--danger' : '',
    props.small === false ? '' : 'button--small',
    props.secondary ? 'button--secondary' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <form method="post" action={props.action} class="inline-form" data-confirm={props.confirm}>
      <CsrfField token={props.c.var.csrf} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={classes || undefined} aria-label={props.ariaLabel}>
        {props.label}
      </button>
    </form>
  );
}

// ---- the collection (and kit) page -----------------------------------------------------------

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
        <time datetime={isoTime(view.updatedAt)}>{formatDate(view.updatedAt, c.var.viewer?.timeZone ?? 'UTC')}</time>
      </p>
      {view.description ? <Paragraphs text={view.description} /> : null}
    </>
  );
}

function Tools({ c, view }: { c: AppContext; view: CollectionView }) {
  const base = `/collections/${view.id}`;
  const noun = nounOf(view.kind);
  const viewer = c.var.viewer;
  return (
    <div class="actions">
      {view.kind === 'starter_kit' && view.entries.some((e) => e.person && !e.hiddenReason) ? (
        <a class="button" href={`/starter-kits/${view.id}/follow`}>
          Follow all…
        </a>
      ) : null}
      {view.following === true ? (
        <ButtonForm c={c} action={`${base}/unfollow`} label={`Unfollow this ${noun}`} secondary small={false} />
      ) : null}
      {view.following === false ? (
        <ButtonForm c={c} action={`${base}/follow`} label={`Follow this ${noun}`} secondary={view.kind === 'starter_kit'} small={false} />
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

function PostQuote({ c, entry }: { c: AppContext; entry: EntryView }) {
  const post = entry.post!;
  const content = <div class="post__content">{raw(post.html)}</div>;
  return (
    <blockquote class="quote">
      <p class="meta">
        <a href={actorPath(post.author)}>{post.author.displayName}</a> @{post.author.acct} ·{' '}
        <a href={postPath(post)}>
          <time datetime={isoTime(post.createdAt)}>{formatDateTime(post.createdAt, c.var.viewer?.timeZone ?? 'UTC')}</time>
        </a>
      </p>
      {post.contentWarning ? (
        <details class="post__cw">
          <summary>
            <span class="post__cw-label">Content warning:</span> {post.contentWarning}
          </summary>
          {content}
        </details>
      ) : (
        content
      )}
    </blockquote>
  );
}

function PersonLine({ person }: { person: PersonView }) {
  const about = [person.roleLabel, person.organisation, person.location].filter(Boolean).join(' · ');
  return (
    <p class="meta">
      @{person.acct}
      {about ? ` · ${about}` : ''}
    </p>
  );
}

/** What the viewer's relation to a person in a kit is, in words (signed-in viewers). */
type Relations = Map<number, 'following' | 'requested' | 'self'>;

function EntryItem({
  c,
  view,
  entry,
  index,
  count,
  relations,
  state,
}: {
  c: AppContext;
  view: CollectionView;
  entry: EntryView;
  index: number;
  count: number;
  relations: Relations;
  state: FormState;
}) {
  const base = `/collections/${view.id}/entries/${entry.id}`;
  const titleId = `entry-${entry.id}-title`;
  const formKey = `entry-${entry.id}`;
  const errors = state.form === formKey ? (state.errors ?? {}) : {};
  const values = state.form === formKey ? (state.values ?? {}) : { note: entry.note, title: entry.customTitle ?? '' };
  const relation = entry.person ? relations.get(entry.person.id) : undefined;
  const internal = entry.person || entry.post;
  return (
    <li id={`entry-${entry.id}`} class="collection-entry">
      <article aria-labelledby={titleId}>
        <h3 id={titleId}>
          {entry.person ? <Avatar url={entry.person.avatarUrl} name={entry.person.displayName} size={40} /> : null}{' '}
          <a
            href={entry.person ? actorPath(entry.person) : entry.post ? postPath(entry.post) : entry.url}
            rel={internal ? undefined : 'nofollow noopener ugc'}
          >
            {entry.title}
          </a>
        </h3>
        {entry.person ? <PersonLine person={entry.person} /> : null}
        <EntryFacts view={view} entry={entry} relation={relation} />
        {entry.note ? (
          <div class="entry-note">
            <Paragraphs text={entry.note} />
          </div>
        ) : null}
        {entry.post ? <PostQuote c={c} entry={entry} /> : null}
        {entry.hiddenReason ? <p class="callout">{entry.hiddenReason}</p> : null}
        {entry.editable || view.canEdit ? (
          <div class="actions">
            {view.canEdit && index > 0 ? (
              <ButtonForm
                c={c}
                action={`${base}/move`}
                fields={{ to: 'up' }}
                label="Move up"
                ariaLabel={`Move up: ${entry.title}`}
                secondary
              />
            ) : null}
            {view.canEdit && index < count - 1 ? (
              <ButtonForm
                c={c}
                action={`${base}/move`}
                fields={{ to: 'down' }}
                label="Move down"
                ariaLabel={`Move down: ${entry.title}`}
                secondary
              />
            ) : null}
            {entry.editable ? (
              <>
                <details open={state.form === formKey}>
                  <summary>
                    Edit note<span class="visually-hidden"> of {entry.title}</span>
                  </summary>
                  <ErrorSummary errors={errors} />
                  <form method="post" action={base} class="stack" novalidate>
                    <CsrfField token={c.var.csrf} />
                    <TextArea
                      name="note"
                      path={`${formKey}-note`}
                      label="Note"
                      value={values.note}
                      errors={remap(errors, formKey)}
                      rows={3}
                      maxLength={LIMITS.note}
                      hint="Why it is here, in your words."
                    />
                    <TextField
                      name="title"
                      path={`${formKey}-title`}
                      label="Title"
                      optional
                      value={values.title}
                      errors={remap(errors, formKey)}
                      maxLength={LIMITS.entryTitle}
                      hint="Leave empty to use its own."
                    />
                    <button type="submit" class="button--small">
                      Save
                    </button>
                  </form>
                </details>
                <ButtonForm
                  c={c}
                  action={`${base}/remove`}
                  label="Remove"
                  ariaLabel={`Remove: ${entry.title}`}
                  danger
                  confirm={`Remove “${entry.title}” from this ${nounOf(view.kind)}?`}
                />
              </>
            ) : null}
          </div>
        ) : null}
      </article>
    </li>
  );
}

/** Kind, where it comes from, who added it and the viewer's relation, as one line. */
function EntryFacts({
  view,
  entry,
  relation,
}: {
  view: CollectionView;
  entry: EntryView;
  relation: 'following' | 'requested' | 'self' | undefined;
}) {
  const facts: Child[] = [];
  // In a starter kit everyone is a person: the kind says nothing.
  if (view.kind !== 'starter_kit') facts.push(ENTRY_KIND_WORDS[entry.kind]);
  if (entry.source) facts.push(`feed: ${entry.source.feedUrl}`);
  if (entry.item) facts.push(`from ${entry.item.sourceTitle}`);
  if (entry.kind === 'link') facts.push(hostOf(entry.url));
  if (entry.addedBy && (view.collaborators.length > 0 || entry.addedBy.id !== view.owner.id)) {
    facts.push(
      <>
        added by <a href={actorPath(entry.addedBy)}>{entry.addedBy.displayName}</a>
      </>,
    );
  }
  if (relation)
    facts.push(relation === 'following' ? 'you follow them' : relation === 'requested' ? 'you asked to follow them' : 'this is you');
  if (facts.length === 0) return null;
  return (
    <p class="meta">
      {facts.map((fact, i) => (
        <>
          {i > 0 ? ' · ' : ''}
          {fact}
        </>
      ))}
    </p>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The service's field paths (`note`, `title`) as the ids of one form's fields (`add-link-note`). */
function remap(errors: Errors, prefix: string): Errors {
  const out: Errors = {};
  for (const [path, message] of Object.entries(errors)) out[path === 'note' || path === 'title' ? `${prefix}-${path}` : path] = message;
  return out;
}

interface AddChoices {
  bookmarks: Array<{ id: number; label: string }>;
  sources: Array<{ id: number; label: string }>;
}

function AddForms({ c, view, choices, state }: { c: AppContext; view: CollectionView; choices: AddChoices; state: FormState }) {
  const action = `/collections/${view.id}/entries`;
  const kinds = view.kind === 'starter_kit' ? (['person'] as const) : (['link', 'bookmark', 'post', 'source', 'person'] as const);
  const heading = view.kind === 'starter_kit' ? 'Add a person' : `Add to this collection`;
  const labels = { link: 'A link', bookmark: 'One of your bookmarks', post: 'A post', source: 'A source', person: 'A person' } as const;
  return (
    <section aria-labelledby="add-heading">
      <h2 id="add-heading">{heading}</h2>
      {kinds.map((kind) => {
        const key = `add-${kind}`;
        const sent = state.form === key;
        const errors = sent ? remap(state.errors ?? {}, key) : {};
        const values = sent ? (state.values ?? {}) : {};
        const note = (
          <TextArea
            name="note"
            path={`${key}-note`}
            label={kind === 'person' ? 'Why they are worth following' : 'Note'}
            optional={kind !== 'person'}
            value={values.note}
            errors={errors}
            rows={2}
            maxLength={LIMITS.note}
            hint={kind === 'person' ? 'A sentence or two: what they share, what you learned from them.' : 'Why it is here, in your words.'}
          />
        );
        const form = (
          <form method="post" action={action} class="stack" novalidate>
            <CsrfField token={c.var.csrf} />
            <input type="hidden" name="kind" value={kind} />
            <ErrorSummary errors={errors} />
            {kind === 'link' ? (
              <>
                <TextField
                  name="url"
                  path="url"
                  type="url"
                  label="Address"
                  value={values.url}
                  errors={errors}
                  maxLength={LIMITS.url}
                  required
                  hint="A web page, starting with https://"
                  spellcheck={false}
                />
                <TextField
                  name="title"
                  path={`${key}-title`}
                  label="Title"
                  optional
                  value={values.title}
                  errors={errors}
                  maxLength={LIMITS.entryTitle}
                />
              </>
            ) : null}
            {kind === 'bookmark' ? (
              choices.bookmarks.length > 0 ? (
                <SelectField
                  name="bookmarkId"
                  path="bookmarkId"
                  label="Bookmark"
                  value={values.bookmarkId}
                  errors={errors}
                  options={choices.bookmarks.map((b) => ({ value: String(b.id), label: b.label }))}
                  placeholder="Choose a bookmark"
                />
              ) : (
                <p class="hint">You have no bookmarks yet. Use Bookmark on a post or an item first.</p>
              )
            ) : null}
            {kind === 'post' ? (
              <TextField
                name="postUrl"
                path="postUrl"
                label="Post address or number"
                value={values.postUrl}
                errors={errors}
                maxLength={LIMITS.url}
                spellcheck={false}
                hint="Copy the post’s date link. Only public and members-only posts can be added."
              />
            ) : null}
            {kind === 'source' ? (
              choices.sources.length > 0 ? (
                <SelectField
                  name="sourceId"
                  path="sourceId"
                  label="Source"
                  value={values.sourceId}
                  errors={errors}
                  options={choices.sources.map((s) => ({ value: String(s.id), label: s.label }))}
                  placeholder="Choose one of your sources"
                />
              ) : (
                <p class="hint">You follow no sources yet: add some under Sources first.</p>
              )
            ) : null}
            {kind === 'person' ? (
              <TextField
                name="acct"
                path="acct"
                label="Handle"
                value={values.acct}
                errors={errors}
                maxLength={300}
                spellcheck={false}
                hint="A member’s handle, like mslibrarian, or someone on another server, like user@example.social."
              />
            ) : null}
            {note}
            <button type="submit" class="button--small">
              Add{kind === 'person' ? ' person' : ''}
            </button>
          </form>
        );
        if (kinds.length === 1) return form;
        const unavailable = (kind === 'bookmark' && choices.bookmarks.length === 0) || (kind === 'source' && choices.sources.length === 0);
        return (
          <details open={sent}>
            <summary>
              {labels[kind]}
              {unavailable ? <span class="meta"> (none yet)</span> : null}
            </summary>
            {form}
          </details>
        );
      })}
    </section>
  );
}

async function relationsOf(c: AppContext, view: CollectionView): Promise<Relations> {
  const viewer = c.var.viewer;
  const relations: Relations = new Map();
  const ids = view.entries.flatMap((e) => (e.person ? [e.person.id] : []));
  if (!viewer || ids.length === 0) return relations;
  const rows = await c.var.services.database.db
    .selectFrom('follows')
    .select(['followee_id', 'state'])
    .where('follower_id', '=', viewer.actorId)
    .where('followee_id', 'in', ids)
    .execute();
  for (const r of rows) relations.set(r.followee_id, r.state === 'accepted' ? 'following' : 'requested');
  relations.set(viewer.actorId, 'self');
  return relations;
}

async function addChoices(c: AppContext, view: CollectionView): Promise<AddChoices> {
  const viewer = c.var.viewer;
  if (!viewer || !view.canAdd || view.kind === 'starter_kit') return { bookmarks: [], sources: [] };
  const { collections, feeds } = c.var.services;
  const [bookmarks, subscriptions] = await Promise.all([collections.bookmarkChoices(viewer), feeds.subscriptions(viewer)]);
  return { bookmarks, sources: subscriptions.map((s) => ({ id: s.sourceId, label: s.title })) };
}

async function collectionPage(c: AppContext, view: CollectionView, state: FormState = {}) {
  const [relations, choices] = await Promise.all([relationsOf(c, view), addChoices(c, view)]);
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

/** The values of an add-entry form as the service's input (`kind`, target, note, title). */
function entryValues(form: Form): { input: Record<string, unknown>; values: Values } {
  const values: Values = {};
  for (const name of ['kind', 'url', 'title', 'note', 'bookmarkId', 'postUrl', 'sourceId', 'acct']) values[name] = form.text(name);
  const number = (value: string) => (/^\d+$/.test(value) ? Number(value) : value === '' ? undefined : value);
  const input: Record<string, unknown> = { kind: values.kind, note: values.note };
  if (values.title) input.title = values.title;
  if (values.kind === 'link') input.url = values.url;
  if (values.kind === 'bookmark') input.bookmarkId = number(values.bookmarkId!);
  if (values.kind === 'post') input.postUrl = values.postUrl;
  if (values.kind === 'source') input.sourceId = number(values.sourceId!);
  if (values.kind === 'person') input.acct = values.acct;
  return { input, values };
}

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

async function indexPage(c: AppContext, kind: CollectionKind, state: FormState = {}) {
  const viewer = c.var.viewer;
  const { collections } = c.var.services;
  const noun = nounOf(kind);
  const nouns = kind === 'starter_kit' ? 'starter kits' : 'collections';
  const [mine, helping, following, browse] = await Promise.all([
    viewer ? collections.mine(viewer, kind) : [],
    viewer ? collections.collaborating(viewer, kind) : [],
    viewer && kind === 'collection' ? collections.followed(viewer) : [],
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

// ---- follow all ----------------------------------------------------------------------------------

function previewPage(c: AppContext, preview: KitPreview, errors: Errors = {}, status: PageOptions['status'] = 200) {
  const kit = preview.kit;
  const fresh = preview.people.filter((p) => p.status === 'new');
  const others = preview.people.filter((p) => p.status !== 'new');
  const statusWords = {
    following: 'you follow them',
    requested: 'you asked to follow them',
    self: 'this is you',
    blocked: 'one of you blocked the other',
  } as const;
  return libraryPage(
    c,
    { title: `Follow people from “${kit.title}”`, hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        <a href={pathOf(kit)}>Back to the starter kit</a>
      </p>
      <ErrorSummary errors={errors} />
      <section aria-labelledby="changes-heading">
        <h2 id="changes-heading">How this changes your network</h2>
        <p>
          Following this kit adds <strong>{plural(fresh.length, 'new person', 'new people')}</strong> to the people you follow.
        </p>
        {fresh.length > 0 ? (
          <>
            <p>
              {preview.rolesAdded.length > 0 ? (
                <>
                  Roles no one you follow has:{' '}
                  {preview.rolesAdded.map((r, i) => (
                    <>
                      {i > 0 ? ', ' : ''}
                      <strong>{r.label}</strong> ({r.count})
                    </>
                  ))}
                  .
                </>
              ) : (
                'It adds no roles your network lacks: you already follow people in each of these roles.'
              )}
            </p>
            <p>
              {preview.placesAdded.length > 0 ? (
                <>
                  Places new to your network:{' '}
                  {preview.placesAdded.map((r, i) => (
                    <>
                      {i > 0 ? ', ' : ''}
                      <strong>{r.label}</strong> ({r.count})
                    </>
                  ))}
                  .
                </>
              ) : (
                'It adds no places your network lacks.'
              )}
            </p>
          </>
        ) : null}
      </section>
      {fresh.length > 0 ? (
        <form method="post" action={`/starter-kits/${kit.id}/follow`} class="stack" novalidate>
          <CsrfField token={c.var.csrf} />
          <fieldset class="field" id="field-actorIds" aria-describedby="people-hint">
            <legend>People to follow</legend>
            <p class="hint" id="people-hint">
              Everyone is ticked. Untick anyone you do not want to follow. People who approve their followers get a request.
            </p>
            {fresh.map(({ person, note }) => (
              <div class="choice">
                <input
                  type="checkbox"
                  id={`person-${person.id}`}
                  name="actor"
                  value={String(person.id)}
                  checked
                  aria-describedby={note ? `person-${person.id}-note` : undefined}
                />
                <label for={`person-${person.id}`}>
                  {person.displayName} <span class="meta">@{person.acct}</span>
                  {[person.roleLabel, person.location].filter(Boolean).length > 0 ? (
                    <span class="meta"> · {[person.roleLabel, person.location].filter(Boolean).join(' · ')}</span>
                  ) : null}
                  {note ? (
                    <span class="hint" id={`person-${person.id}-note`}>
                      {' '}
                      — {note}
                    </span>
                  ) : null}
                </label>
              </div>
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit">Follow the ticked people</button>
            <a href={pathOf(kit)}>Cancel</a>
          </div>
        </form>
      ) : (
        <p class="callout">You already follow everyone in this kit you can follow.</p>
      )}
      {others.length > 0 ? (
        <section aria-labelledby="already-heading">
          <h2 id="already-heading">Already in your network, or left out</h2>
          <ul class="people-list">
            {others.map(({ person, status: s }) => (
              <li class="person-row">
                <Avatar url={person.avatarUrl} name={person.displayName} size={40} />
                <span>
                  <a href={actorPath(person)}>{person.displayName}</a>{' '}
                  <span class="meta">
                    @{person.acct} · {statusWords[s as keyof typeof statusWords]}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>,
  );
}

function followSummary(result: { followed: unknown[]; requested: unknown[]; skipped: unknown[] }): string {
  const parts = [];
  if (result.followed.length) parts.push(`You now follow ${plural(result.followed.length, 'more person', 'more people')}.`);
  if (result.requested.length)
    parts.push(`${plural(result.requested.length, 'follow request waits', 'follow requests wait')} for approval.`);
  if (result.skipped.length)
    parts.push(`${plural(result.skipped.length, 'person was', 'people were')} skipped (already followed or not possible).`);
  return parts.join(' ') || 'Nothing changed.';
}

// ---- routes ------------------------------------------------------------------------------------

/**
 * A refusal about the whole request (not allowed, not there, signed out) goes to the error page
 * with its message: the form it came from may not even be shown to this member.
 */
function refusal(error: unknown): void {
  if (error instanceof UserError && error.issues.length === 0 && (error.status === 401 || error.status === 403 || error.status === 404))
    throw error;
}

export function registerCollectionsPages(app: Hono<AppEnv>): void {
  const service = (c: AppContext) => c.var.services.collections;

  /** Re-renders the collection page with a form's errors, or rethrows what is not the user's doing. */
  async function pageWithErrors(c: AppContext, viewer: Viewer, id: number, error: unknown, form: string, values: Values) {
    refusal(error);
    const { errors, status } = formErrors(error);
    return collectionPage(c, await service(c).get(viewer, id), { form, values, errors, status });
  }

  const back = async (c: AppContext, id: number, anchor = '') =>
    c.redirect(`${pathOf({ id, kind: await service(c).kindOf(c.var.viewer, id) })}${anchor}`, 303);

  for (const kind of ['collection', 'starter_kit'] as const) {
    const root = kind === 'starter_kit' ? '/starter-kits' : '/collections';
    app.get(root, (c) => indexPage(c, kind));
    app.post(root, async (c) => {
      const viewer = requireViewer(c);
      const form = await readForm(c);
      const values = { title: form.text('title'), description: form.text('description'), visibility: form.text('visibility') || 'private' };
      try {
        const created = await service(c).create(viewer, kind, values);
        flash(
          c,
          kind === 'starter_kit'
            ? `Starter kit “${created.title}” created. Add people to it below.`
            : `Collection “${created.title}” created. Add to it below.`,
        );
        return c.redirect(pathOf(created), 303);
      } catch (error) {
        const { errors, status } = formErrors(error);
        return indexPage(c, kind, { values, errors, status });
      }
    });
  }

  app.get('/collections/:id{[0-9]+}', async (c) => {
    const view = await service(c).get(c.var.viewer, idParam(c));
    if (view.kind === 'starter_kit') return c.redirect(pathOf(view), 301);
    return collectionPage(c, view);
  });
  app.get('/starter-kits/:id{[0-9]+}', async (c) => {
    const view = await service(c).get(c.var.viewer, idParam(c));
    if (view.kind !== 'starter_kit') return c.redirect(pathOf(view), 301);
    return collectionPage(c, view);
  });
  app.get('/starter-kits/:id{[0-9]+}/edit', (c) => c.redirect(`/collections/${idParam(c)}/edit`, 301));

  // Entries
  app.post('/collections/:id{[0-9]+}/entries', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const { input, values } = entryValues(await readForm(c));
    try {
      const entry = await service(c).addEntry(viewer, id, input);
      flash(c, `Added “${entry.title.slice(0, 120)}”.`);
      return back(c, id, `#entry-${entry.id}`);
    } catch (error) {
      return pageWithErrors(
        c,
        viewer,
        id,
        error,
        `add-${['link', 'bookmark', 'post', 'source', 'person'].includes(values.kind!) ? values.kind : 'link'}`,
        values,
      );
    }
  });
  app.post('/collections/:id{[0-9]+}/entries/:entryId{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const entryId = Number(c.req.param('entryId'));
    const form = await readForm(c);
    const values = { note: form.text('note'), title: form.text('title') };
    try {
      await service(c).updateEntry(viewer, id, entryId, { note: values.note, title: values.title || null });
      flash(c, 'Note saved.');
      return back(c, id, `#entry-${entryId}`);
    } catch (error) {
      return pageWithErrors(c, viewer, id, error, `entry-${entryId}`, values);
    }
  });
  app.post('/collections/:id{[0-9]+}/entries/:entryId{[0-9]+}/move', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const entryId = Number(c.req.param('entryId'));
    const to = (await readForm(c)).text('to');
    const position = /^\d+$/.test(to) ? Number(to) : to === 'up' || to === 'down' ? to : null;
    if (position === null) throw UserError.field('to', 'Move an entry up, down or to a position.', 400);
    await service(c).moveEntry(viewer, id, entryId, position);
    return back(c, id, `#entry-${entryId}`);
  });
  app.post('/collections/:id{[0-9]+}/entries/:entryId{[0-9]+}/remove', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    await service(c).removeEntry(viewer, id, Number(c.req.param('entryId')));
    flash(c, 'Entry removed.');
    return back(c, id, '#entries-heading');
  });

  // Following
  app.post('/collections/:id{[0-9]+}/:action{follow|unfollow}', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const follow = c.req.param('action') === 'follow';
    if (follow) await service(c).follow(viewer, id);
    else await service(c).unfollow(viewer, id);
    flash(c, follow ? 'You follow it now: new entries will reach your notifications.' : 'You no longer follow it.');
    return back(c, id);
  });

  // Settings, collaborators, delete
  app.get('/collections/:id{[0-9]+}/edit', async (c) => {
    const viewer = requireViewer(c);
    const view = await service(c).get(viewer, idParam(c));
    if (!view.canEdit) throw UserError.forbidden(`Only the owner can change this ${nounOf(view.kind)}'s settings.`);
    return settingsPage(c, view);
  });
  app.post('/collections/:id{[0-9]+}/edit', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const form = await readForm(c);
    const values = { title: form.text('title'), description: form.text('description'), visibility: form.text('visibility') };
    try {
      const view = await service(c).update(viewer, id, values);
      flash(c, 'Settings saved.');
      return c.redirect(pathOf(view), 303);
    } catch (error) {
      refusal(error);
      const { errors, status } = formErrors(error);
      return settingsPage(c, await service(c).get(viewer, id), { form: 'settings', values, errors, status });
    }
  });
  app.post('/collections/:id{[0-9]+}/collaborators', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const handle = (await readForm(c)).text('handle').trim();
    try {
      await service(c).addCollaborator(viewer, id, handle);
      flash(c, `@${handle.replace(/^@/, '')} can now add to it.`);
      return c.redirect(`/collections/${id}/edit`, 303);
    } catch (error) {
      refusal(error);
      const { errors, status } = formErrors(error);
      return settingsPage(c, await service(c).get(viewer, id), {
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
    await service(c).removeCollaborator(viewer, id, handle);
    const leaving = handle.toLowerCase() === viewer.handle.toLowerCase();
    flash(c, leaving ? 'You no longer collaborate on it; your entries stay.' : `@${handle} no longer collaborates on it.`);
    return leaving ? back(c, id).catch(() => c.redirect('/collections', 303)) : c.redirect(`/collections/${id}/edit`, 303);
  });
  app.post('/collections/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const kind = await service(c).kindOf(viewer, id);
    await service(c).delete(viewer, id);
    flash(c, `The ${nounOf(kind)} was deleted.`);
    return c.redirect(kind === 'starter_kit' ? '/starter-kits' : '/collections', 303);
  });

  // Open formats
  app.get('/collections/:id{[0-9]+}/feed.rss', async (c) => {
    const view = await service(c).publicFeed(idParam(c));
    return c.body(collectionRss(view), 200, {
      'content-type': 'application/rss+xml; charset=utf-8',
      'cache-control': 'public, max-age=300',
    });
  });
  app.get('/collections/:id{[0-9]+}/feed.atom', async (c) => {
    const view = await service(c).publicFeed(idParam(c));
    return c.body(collectionAtom(view), 200, {
      'content-type': 'application/atom+xml; charset=utf-8',
      'cache-control': 'public, max-age=300',
    });
  });
  app.get('/collections/:id{[0-9]+}/export.json', async (c) => {
    const view = await service(c).get(c.var.viewer, idParam(c));
    return c.body(JSON.stringify(collectionJson(view), null, 2), 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${view.kind === 'starter_kit' ? 'starter-kit' : 'collection'}-${view.id}.json"`,
      'cache-control': 'private, no-store',
    });
  });

  // Follow all
  app.get('/starter-kits/:id{[0-9]+}/follow', async (c) => {
    const viewer = requireViewer(c);
    return previewPage(c, await service(c).kits.preview(viewer, idParam(c)));
  });
  app.post('/starter-kits/:id{[0-9]+}/follow', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const chosen = (await readForm(c)).texts('actor').map((v) => (/^\d+$/.test(v) ? Number(v) : -1));
    try {
      const result = await service(c).kits.follow(
        viewer,
        id,
        chosen.filter((n) => n > 0),
      );
      flash(c, followSummary(result));
      return c.redirect(`/starter-kits/${id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return previewPage(c, await service(c).kits.preview(viewer, id), errors, status);
    }
  });
}
