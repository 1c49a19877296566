import type { Child } from 'hono/jsx';
import { type FieldIssue, UserError } from '../platform/errors.ts';

/** Form building blocks that get labels, hints and errors right (WCAG 3.3.1, 3.3.2, 4.1.2). */

export type Errors = Record<string, string>;

export function errorsByField(issues: FieldIssue[]): Errors {
  const errors: Errors = {};
  for (const issue of issues) errors[issue.path || '_form'] ??= issue.message;
  return errors;
}

/** `links.1.url` → `field-links-1-url` */
export function fieldId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** Lists every error at the top of the form, each linking to its field. */
export function ErrorSummary({ errors, message }: { errors: Errors; message?: string }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{message ?? 'There is a problem'}</h2>
      <ul>
        {entries.map(([path, text]) => (
          <li>{path === '_form' ? text : <a href={`#${fieldId(path)}`}>{text}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  /** Error path when it differs from the name. */
  path?: string;
  errors?: Errors;
  hint?: Child;
  required?: boolean;
  /** Adds "(optional)" to the label. */
  optional?: boolean;
}

function describedBy(id: string, hint: unknown, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldShell(props: FieldProps & { id: string; error: string | undefined; children: Child }) {
  return (
    <div class={`field${props.error ? ' field--error' : ''}`}>
      <label for={props.id}>
        {props.label}
        {props.optional ? <span class="optional"> (optional)</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

export function TextField(
  props: FieldProps & {
    value?: string | null;
    /** date, time and datetime-local show a picker; without one they are text boxes (platform/dates.ts reads both). */
    type?: 'text' | 'email' | 'password' | 'url' | 'search' | 'number' | 'date' | 'time' | 'datetime-local';
    autocomplete?: string;
    maxLength?: number;
    list?: string;
    inputmode?: 'numeric' | 'url' | 'email' | 'text';
    spellcheck?: boolean;
  },
) {
  const path = props.path ?? props.name;
  const id = fieldId(path);
  const error = props.errors?.[path];
  return (
    <FieldShell {...props} id={id} error={error}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        maxlength={props.maxLength}
        list={props.list}
        inputmode={props.inputmode}
        spellcheck={props.spellcheck}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.hint, error)}
      />
    </FieldShell>
  );
}

export function TextArea(props: FieldProps & { value?: string | null; rows?: number; maxLength?: number }) {
  const path = props.path ?? props.name;
  const id = fieldId(path);
  const error = props.errors?.[path];
  return (
    <FieldShell {...props} id={id} error={error}>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        maxlength={props.maxLength}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.hint, error)}
      >
        {props.value ?? ''}
      </textarea>
    </FieldShell>
  );
}

export function SelectField(
  props: FieldProps & { value?: string | null; options: ReadonlyArray<{ value: string; label: string }>; placeholder?: string },
) {
  const path = props.path ?? props.name;
  const id = fieldId(path);
  const error = props.errors?.[path];
  return (
    <FieldShell {...props} id={id} error={error}>
      <select
        id={id}
        name={props.name}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.hint, error)}
      >
        {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function RadioGroup(
  props: FieldProps & { value?: string | null; options: ReadonlyArray<{ value: string; label: string; hint?: string }> },
) {
  const path = props.path ?? props.name;
  const id = fieldId(path);
  const error = props.errors?.[path];
  return (
    <fieldset class={`field${error ? ' field--error' : ''}`} id={id} aria-describedby={describedBy(id, props.hint, error)}>
      <legend>{props.label}</legend>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      {props.options.map((o, i) => (
        <div class="choice">
          <input type="radio" id={`${id}-${i}`} name={props.name} value={o.value} checked={o.value === props.value} />
          <label for={`${id}-${i}`}>
            {o.label}
            {o.hint ? <span class="hint"> {o.hint}</span> : null}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/**
 * Errors to show on a re-rendered form: the field issues of a UserError, or its message at
 * the top. Anything else is not the user's doing and is rethrown.
 */
export function formErrors(error: unknown): { errors: Errors; status: UserError['status'] } {
  if (!(error instanceof UserError)) throw error;
  const errors = error.issues.length > 0 ? errorsByField(error.issues) : { _form: error.message };
  return { errors, status: error.status };
}
