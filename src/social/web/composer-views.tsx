import type { Visibility } from '../../db/schema.ts';
import type { AppContext } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId } from '../../web/forms.tsx';
import type { PostView } from '../hydrate.ts';
import { ALT_MAX, CW_MAX, MAX_MEDIA } from '../post-schemas.ts';
import { VISIBILITY_LABELS } from './post-views.tsx';

/** The post form (the stream, a tag's page, a reply) and the text field it shares with other forms. */

export interface ComposerValues {
  text?: string;
  contentWarning?: string;
  visibility?: string;
  alts?: string[];
}

/** The text of a post (or a reply, or a comment): label, hint with the live character count, error. */
export function PostTextField(props: {
  id: string;
  label: string;
  hint: string;
  max: number;
  rows: number;
  error: string | undefined;
  value: string;
  /** A prompt in the empty field (the compact composer's one line). */
  placeholder?: string;
  /** The cursor starts here (the member asked to reply). */
  autofocus?: boolean;
}) {
  const { id, error } = props;
  return (
    <div class={`field field--post-text${error ? ' field--error' : ''}`}>
      <label for={id}>{props.label}</label>
      <p class="hint" id={`${id}-hint`}>
        {props.hint} <span data-count-for={id}>Up to {props.max} characters.</span>
      </p>
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      <textarea
        id={id}
        name="text"
        rows={props.rows}
        data-max-chars={String(props.max)}
        placeholder={props.placeholder}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        autofocus={props.autofocus}
      >
        {props.value}
      </textarea>
    </div>
  );
}

/**
 * The post form. Works without JavaScript; with it, a live character count. `compact` (the
 * home timeline) shows one line, "What are you learning today?", until it is used: focused, or
 * holding text, it opens to the whole form (CSS alone, so it opens without script too).
 */
export function Composer(props: {
  c: AppContext;
  replyTo?: PostView;
  values?: ComposerValues;
  errors?: Errors;
  back: string;
  /** Text to start with, e.g. "@handle " for a reply or a chat answer prefix. */
  prefill?: string;
  compact?: boolean;
  /** Put the cursor in the text box (a reply the member asked for with the Reply link). */
  autofocus?: boolean;
}) {
  const { c, replyTo, errors = {} } = props;
  const max = c.var.kernel.config.postMaxChars;
  const values = props.values ?? {};
  const visibility = values.visibility ?? (replyTo && replyTo.visibility !== 'public' ? replyTo.visibility : 'public');
  const textId = fieldId('text');
  const hasMediaErrors = Object.keys(errors).some((k) => k.startsWith('media'));
  // A form with something to show (an error, a value) is never folded.
  const compact = props.compact && Object.keys(errors).length === 0;
  return (
    <form
      method="post"
      action="/posts"
      enctype="multipart/form-data"
      class={compact ? 'composer composer--compact' : 'composer'}
      id={replyTo ? 'reply' : 'compose'}
      novalidate
    >
      <ErrorSummary errors={errors} />
      <CsrfField token={c.var.csrf} />
      <input type="hidden" name="back" value={props.back} />
      {replyTo ? <input type="hidden" name="replyToId" value={String(replyTo.id)} /> : null}
      <PostTextField
        id={textId}
        label={replyTo ? `Reply to ${replyTo.author.displayName}` : 'Write a post'}
        hint="Use #hashtags to join a conversation and @handles to mention people."
        max={max}
        rows={replyTo ? 3 : 4}
        error={errors.text}
        value={values.text ?? props.prefill ?? ''}
        placeholder={compact ? 'What are you learning today?' : undefined}
        autofocus={props.autofocus}
      />
      <div class="composer__options">
        <div class={`field${errors.visibility ? ' field--error' : ''}`}>
          <label for={fieldId('visibility')}>Who can see it</label>
          {errors.visibility ? (
            <p class="field-error" id={`${fieldId('visibility')}-error`}>
              {errors.visibility}
            </p>
          ) : null}
          <select id={fieldId('visibility')} name="visibility" aria-invalid={errors.visibility ? 'true' : undefined}>
            {(Object.entries(VISIBILITY_LABELS) as Array<[Visibility, { label: string; hint: string }]>).map(([value, v]) => (
              <option value={value} selected={value === visibility}>
                {v.label}: {v.hint}
              </option>
            ))}
          </select>
        </div>
        <details class="composer__more" open={Boolean(values.contentWarning || errors.contentWarning)}>
          <summary>Content warning</summary>
          <div class={`field${errors.contentWarning ? ' field--error' : ''}`}>
            <label for={fieldId('contentWarning')}>Warning shown before the post</label>
            {errors.contentWarning ? (
              <p class="field-error" id={`${fieldId('contentWarning')}-error`}>
                {errors.contentWarning}
              </p>
            ) : null}
            <input
              type="text"
              id={fieldId('contentWarning')}
              name="contentWarning"
              value={values.contentWarning ?? ''}
              maxlength={CW_MAX}
              aria-invalid={errors.contentWarning ? 'true' : undefined}
            />
          </div>
        </details>
        <details class="composer__more" open={hasMediaErrors}>
          <summary>Images (up to {MAX_MEDIA})</summary>
          {errors.media ? <p class="field-error">{errors.media}</p> : null}
          {Array.from({ length: MAX_MEDIA }, (_, i) => (
            <fieldset class="media-row">
              <legend>Image {i + 1}</legend>
              <div class={`field${errors[`media.${i}.file`] ? ' field--error' : ''}`}>
                <label for={fieldId(`media.${i}.file`)}>File</label>
                {errors[`media.${i}.file`] ? (
                  <p class="field-error" id={`${fieldId(`media.${i}.file`)}-error`}>
                    {errors[`media.${i}.file`]}
                  </p>
                ) : null}
                <input
                  type="file"
                  id={fieldId(`media.${i}.file`)}
                  name="media"
                  accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
                  data-max-bytes={String(c.var.kernel.config.maxUploadBytes)}
                />
              </div>
              <div class={`field${errors[`media.${i}.alt`] ? ' field--error' : ''}`}>
                <label for={fieldId(`media.${i}.alt`)}>Description for people who cannot see it (alt text)</label>
                {errors[`media.${i}.alt`] ? (
                  <p class="field-error" id={`${fieldId(`media.${i}.alt`)}-error`}>
                    {errors[`media.${i}.alt`]}
                  </p>
                ) : null}
                <textarea id={fieldId(`media.${i}.alt`)} name="alt" rows={2} maxlength={ALT_MAX}>
                  {values.alts?.[i] ?? ''}
                </textarea>
              </div>
            </fieldset>
          ))}
        </details>
      </div>
      <div class="actions">
        <button type="submit">{replyTo ? 'Reply' : 'Post'}</button>
      </div>
    </form>
  );
}
