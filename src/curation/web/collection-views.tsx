import type { Child } from 'hono/jsx';
import type { CollectionKind } from '../../db/schema.ts';
import { UserError } from '../../platform/errors.ts';
import type { AppContext } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { CsrfField, type Errors, RadioGroup, TextArea, TextField } from '../../web/forms.tsx';
import type { PageOptions } from '../../web/layout.tsx';
import { collectionPath, LIMITS, noun } from '../collection-schemas.ts';
import type { CollectionSummary } from '../collections.ts';

/**
 * Pieces the pages of collections and starter kits share (Library section). Every action is a
 * plain form that comes back to the collection's page; errors re-render the page with the
 * message next to the field of the form that was sent.
 */

export type Values = Record<string, string>;
export interface FormState {
  /** Which form was sent (`settings`, `add-link`, `entry-12` …): its values and errors are shown. */
  form?: string;
  values?: Values;
  errors?: Errors;
  status?: PageOptions['status'];
}

export const VISIBILITY_OPTIONS = (noun: string) => [
  { value: 'private', label: 'Only me and the collaborators' },
  { value: 'members', label: 'Signed-in members' },
  {
    value: 'public',
    label: 'Everyone',
    hint: `(a public page, feeds and a JSON export${noun === 'starter kit' ? '; people who declined to be featured cannot be in it' : ''})`,
  },
];
export const VISIBILITY_WORDS = { private: 'Private', members: 'Members only', public: 'Public' } as const;
export const ENTRY_KIND_WORDS = { link: 'Link', bookmark: 'Bookmark', post: 'Post', source: 'Source', person: 'Person' } as const;

export const nounOf = noun;
export const pathOf = collectionPath;
export const idParam = (c: AppContext) => {
  const id = Number(c.req.param('id'));
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no collection or starter kit here, or it is private.');
  return id;
};

/** Plain text with blank lines as paragraphs and single line breaks kept. */
export function Paragraphs({ text }: { text: string }) {
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

export function CollectionForm(props: {
  c: AppContext;
  action: string;
  kind: CollectionKind;
  values: Values;
  errors: Errors;
  submit: string;
}) {
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

export function CollectionCards({ collections, label, empty }: { collections: CollectionSummary[]; label: string; empty: Child }) {
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
export function ButtonForm(props: {
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

/** The service's field paths (`note`, `title`) as the ids of one form's fields (`add-link-note`). */
export function remap(errors: Errors, prefix: string): Errors {
  const out: Errors = {};
  for (const [path, message] of Object.entries(errors)) out[path === 'note' || path === 'title' ? `${prefix}-${path}` : path] = message;
  return out;
}

/**
 * A refusal about the whole request (not allowed, not there, signed out) goes to the error page
 * with its message: the form it came from may not even be shown to this member.
 */
export function refusal(error: unknown): void {
  if (error instanceof UserError && error.issues.length === 0 && (error.status === 401 || error.status === 403 || error.status === 404))
    throw error;
}
