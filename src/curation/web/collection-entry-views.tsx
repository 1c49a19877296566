import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { actorPath, postPath } from '../../social/index.ts';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { formatDateTime, isoTime } from '../../web/format.ts';
import { CsrfField, ErrorSummary, SelectField, TextArea, TextField } from '../../web/forms.tsx';
import { Avatar } from '../../web/layout.tsx';
import { LIMITS } from '../collection-schemas.ts';
import type { CollectionView, EntryView, PersonView } from '../collections.ts';
import { ButtonForm, ENTRY_KIND_WORDS, type FormState, nounOf, Paragraphs, remap } from './collection-views.tsx';

/** An entry of a collection or kit as its page shows it, and the forms that add entries. */

export function PostQuote({ c, entry }: { c: AppContext; entry: EntryView }) {
  const post = entry.post!;
  const content = <div class="post__content">{raw(post.html)}</div>;
  return (
    <blockquote class="quote">
      <p class="meta">
        <a href={actorPath(post.author)}>{post.author.displayName}</a> @{post.author.acct} ·{' '}
        <a href={postPath(post)}>
          <time datetime={isoTime(post.createdAt)}>{formatDateTime(post.createdAt, timeZoneOf(c))}</time>
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

export function PersonLine({ person }: { person: PersonView }) {
  const about = [person.roleLabel, person.organisation, person.location].filter(Boolean).join(' · ');
  return (
    <p class="meta">
      @{person.acct}
      {about ? ` · ${about}` : ''}
    </p>
  );
}

/** What the viewer's relation to a person in a kit is, in words (signed-in viewers). */
export type Relations = Map<number, 'following' | 'requested' | 'self'>;

export function EntryItem({
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
export function EntryFacts({
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

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export interface AddChoices {
  bookmarks: Array<{ id: number; label: string }>;
  sources: Array<{ id: number; label: string }>;
}

export function AddForms({ c, view, choices, state }: { c: AppContext; view: CollectionView; choices: AddChoices; state: FormState }) {
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
