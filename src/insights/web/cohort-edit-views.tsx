import type { AppContext } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId, TextField } from '../../web/forms.tsx';
import type { Form } from '../../web/request.ts';
import type { Cohort } from '../cohort-access.ts';
import { CHECKPOINT_KINDS, TARGET_STAGES } from '../cohort-schemas.ts';
import { STAGE_LABELS, STAGES } from '../stages.ts';
import { DetailsForm, type FormState, pathOf, type Values } from './cohort-views.tsx';
import { insightsPage } from './section.tsx';

/** The cohort editor: name, description and due date, and the assignment's checkpoints (a fieldset per kind). */

const KIND_TITLES: Record<(typeof CHECKPOINT_KINDS)[number], string> = {
  follow: 'Follow people',
  join_chat: 'Take part in a chat',
  reply: 'Reply to people',
  article: 'Publish an article',
  stage: 'Reach a stage',
  bookmarks: 'Save bookmarks',
  collection: 'Make a public collection',
};

const TARGET_LABELS: Record<Exclude<(typeof CHECKPOINT_KINDS)[number], 'stage'>, string> = {
  follow: 'At least how many people',
  join_chat: 'In at least how many chats',
  reply: 'At least how many different people',
  article: 'At least how many articles',
  bookmarks: 'At least how many bookmarks',
  collection: 'At least how many public collections',
};

/** A form number: the number when the text is a whole number, `empty` when blank, else the text itself (so validation names the field). */
export function numberOr<T>(text: string, empty: T): number | string | T {
  const t = text.trim();
  if (t === '') return empty;
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** The assignment editor's fields as the API's input (one fieldset per kind, included when ticked). */
export function checkpointsFromForm(form: Form): {
  input: { checkpoints: Array<Record<string, unknown>> };
  values: Values;
  kinds: string[];
} {
  const values: Values = {};
  const checkpoints: Array<Record<string, unknown>> = [];
  const kinds: string[] = [];
  for (const kind of CHECKPOINT_KINDS) {
    const on = form.text(`${kind}.on`) === 'yes';
    if (on) values[`${kind}.on`] = 'yes';
    for (const field of ['target', 'outsideRole', 'stage']) {
      const v = form.text(`${kind}.${field}`);
      if (v) values[`${kind}.${field}`] = v;
    }
    if (!on) continue;
    kinds.push(kind);
    if (kind === 'stage') checkpoints.push({ kind, stage: form.text('stage.stage') || 'connection' });
    else if (kind === 'follow')
      checkpoints.push({
        kind,
        target: numberOr(form.text('follow.target'), undefined),
        outsideRole: numberOr(form.text('follow.outsideRole'), 0),
      });
    else checkpoints.push({ kind, target: numberOr(form.text(`${kind}.target`), undefined) });
  }
  return { input: { checkpoints }, values, kinds };
}

/** `checkpoints.0.target` → `follow.target`, so each error sits next to its field. */
export function checkpointErrors(errors: Errors, kinds: string[]): Errors {
  const out: Errors = {};
  for (const [path, message] of Object.entries(errors)) {
    const match = /^checkpoints\.(\d+)\.(\w+)/.exec(path);
    const kind = match ? kinds[Number(match[1])] : undefined;
    out[kind ? `${kind}.${match![2] === 'kind' ? 'on' : match![2]}` : '_form'] ??= message;
  }
  return out;
}

export interface EditState {
  details?: FormState;
  checkpoints?: FormState;
}

export function editPage(c: AppContext, cohort: Cohort, state: EditState = {}) {
  const detailErrors = state.details?.errors ?? {};
  const checkpointErrs = state.checkpoints?.errors ?? {};
  const values: Values = state.details?.values ?? { name: cohort.name, description: cohort.description, dueDate: cohort.dueDate };
  const cp: Values = state.checkpoints?.values ?? currentCheckpointValues(cohort);
  const hasErrors = Object.keys(detailErrors).length + Object.keys(checkpointErrs).length > 0;
  return insightsPage(
    c,
    { title: `Edit “${cohort.name}”`, hasErrors, status: state.details?.status ?? state.checkpoints?.status ?? 200, noindex: true },
    <>
      <p>
        <a href={pathOf(cohort.id)}>Back to the dashboard</a>
      </p>
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Name, description and due date</h2>
        <ErrorSummary errors={detailErrors} />
        <DetailsForm c={c} action={`${pathOf(cohort.id)}/edit`} values={values} errors={detailErrors} submit="Save" />
      </section>
      <section aria-labelledby="checkpoints">
        <h2 id="checkpoints">Checkpoints</h2>
        {!cohort.editable ? (
          <p class="callout">
            The due date has passed, so the checkpoints can no longer change. Move the due date first if the course goes on.
          </p>
        ) : (
          <>
            <p>
              Tick the checkpoints of the assignment and set their numbers. Follows, public collections and the stage count as they are now;
              chats, replies, articles and bookmarks count from when each student joined.
            </p>
            <ErrorSummary errors={checkpointErrs} />
            <form method="post" action={`${pathOf(cohort.id)}/checkpoints`} novalidate>
              <CsrfField token={c.var.csrf} />
              {CHECKPOINT_KINDS.map((kind) => (
                <fieldset class="field cohort-checkpoint">
                  <legend>{KIND_TITLES[kind]}</legend>
                  <div class="choice">
                    <input
                      type="checkbox"
                      id={fieldId(`${kind}.on`)}
                      name={`${kind}.on`}
                      value="yes"
                      checked={cp[`${kind}.on`] === 'yes'}
                    />
                    <label for={fieldId(`${kind}.on`)}>Include “{KIND_TITLES[kind].toLowerCase()}”</label>
                  </div>
                  {checkpointErrs[`${kind}.on`] ? <p class="field-error">{checkpointErrs[`${kind}.on`]}</p> : null}
                  {kind === 'stage' ? (
                    <div class={`field${checkpointErrs['stage.stage'] ? ' field--error' : ''}`}>
                      <label for={fieldId('stage.stage')}>Stage to reach</label>
                      <select id={fieldId('stage.stage')} name="stage.stage">
                        {TARGET_STAGES.map((s) => (
                          <option value={s} selected={(cp['stage.stage'] ?? 'connection') === s}>
                            {STAGE_LABELS[s]}
                          </option>
                        ))}
                      </select>
                    </div>
                  ) : (
                    <>
                      <TextField
                        name={`${kind}.target`}
                        label={TARGET_LABELS[kind]}
                        type="number"
                        inputmode="numeric"
                        value={cp[`${kind}.target`]}
                        errors={checkpointErrs}
                      />
                      {kind === 'follow' ? (
                        <TextField
                          name="follow.outsideRole"
                          label="Of them, at least how many whose role differs from the student’s"
                          type="number"
                          inputmode="numeric"
                          value={cp['follow.outsideRole']}
                          errors={checkpointErrs}
                          hint="A school librarian following a teacher or a public librarian, for example. 0 for no such rule."
                        />
                      ) : null}
                    </>
                  )}
                </fieldset>
              ))}
              <div class="actions">
                <button type="submit">Save the checkpoints</button>
              </div>
            </form>
          </>
        )}
      </section>
    </>,
  );
}

/** The editor's starting values: the cohort's checkpoints, and sensible numbers for the others. */
function currentCheckpointValues(cohort: Cohort): Values {
  const values: Values = {
    'follow.target': '10',
    'follow.outsideRole': '3',
    'join_chat.target': '1',
    'reply.target': '3',
    'article.target': '1',
    'stage.stage': 'connection',
    'bookmarks.target': '5',
    'collection.target': '1',
  };
  for (const c of cohort.checkpoints) {
    values[`${c.kind}.on`] = 'yes';
    if (c.kind === 'stage') values['stage.stage'] = STAGES[c.target] ?? 'connection';
    else values[`${c.kind}.target`] = String(c.target);
    if (c.kind === 'follow') values['follow.outsideRole'] = String(c.outsideRole);
  }
  return values;
}
