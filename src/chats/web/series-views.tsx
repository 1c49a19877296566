import { TIME_ZONES } from '../../accounts/index.ts';
import { DATE_HINT, TIME_HINT } from '../../platform/dates.ts';
import { UserError } from '../../platform/errors.ts';
import type { AppContext } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, SelectField, TextArea, TextField } from '../../web/forms.tsx';
import { type PageOptions, renderPage } from '../../web/layout.tsx';
import type { SeriesView } from '../records.ts';
import { Action, chatsPage, WEEKDAYS } from './chat-views.tsx';

/** The forms of a series: starting one, and managing it (title, description, hosts and moderators). */

export function newSeriesPage(c: AppContext, values: Record<string, string>, errors: Errors, status: PageOptions['status'] = 200) {
  const tz = values.timeZone || c.var.viewer?.timeZone || 'UTC';
  return chatsPage(
    c,
    { title: 'Start a chat series', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <form method="post" action="/chats/new" novalidate>
      <ErrorSummary errors={errors} />
      <CsrfField token={c.var.csrf} />
      <SelectField
        name="kind"
        label="Kind"
        value={values.kind || 'chat'}
        errors={errors}
        options={[
          { value: 'chat', label: 'Hashtag chat: numbered questions at a set hour' },
          { value: 'backchannel', label: 'Backchannel: a conference or webinar, with named sessions' },
        ]}
      />
      <TextField
        name="hashtag"
        label="Hashtag"
        value={values.hashtag}
        errors={errors}
        hint="Posts carrying it during the chat join the room, e.g. #tlchat."
      />
      <TextField name="title" label="Title" value={values.title} errors={errors} maxLength={200} />
      <TextArea name="description" label="Description" value={values.description} errors={errors} optional maxLength={5000} />
      <SelectField
        name="timeZone"
        label="Time zone of the host"
        value={tz}
        errors={errors}
        options={[...TIME_ZONES].sort().map((z) => ({ value: z, label: z }))}
        hint="The chat keeps its local hour across daylight-saving changes; everyone sees it in their own time zone."
      />
      <SelectField
        name="freq"
        label="How often"
        value={values.freq || 'weekly'}
        errors={errors}
        path="recurrence"
        options={[
          { value: 'weekly', label: 'Every week' },
          { value: 'biweekly', label: 'Every other week' },
          { value: 'monthly', label: 'Every month' },
          { value: 'once', label: 'Once' },
        ]}
        hint="A backchannel happens once."
      />
      <SelectField
        name="weekday"
        label="Day of the week"
        value={values.weekday || '2'}
        errors={errors}
        path="recurrence.weekday"
        options={WEEKDAYS.map((d, i) => ({ value: String(i), label: d }))}
      />
      <SelectField
        name="week"
        label="Which week of the month (monthly chats)"
        value={values.week || '1'}
        errors={errors}
        path="recurrence.week"
        options={[
          { value: '1', label: 'First' },
          { value: '2', label: 'Second' },
          { value: '3', label: 'Third' },
          { value: '4', label: 'Fourth' },
          { value: '-1', label: 'Last' },
        ]}
      />
      <TextField
        name="startDate"
        type="date"
        label="First date"
        value={values.startDate}
        errors={errors}
        hint={`The first chat is on the chosen weekday on or after this date. ${DATE_HINT}`}
      />
      <TextField
        name="time"
        type="time"
        label="Start time"
        value={values.time || '20:00'}
        errors={errors}
        hint={`In the host’s time zone. ${TIME_HINT}`}
      />
      <TextField
        name="durationMinutes"
        label="Length in minutes"
        value={values.durationMinutes || '60'}
        errors={errors}
        inputmode="numeric"
      />
      <TextField
        name="questionInterval"
        label="Minutes between questions"
        value={values.questionInterval}
        errors={errors}
        optional
        inputmode="numeric"
        hint="With a number, Q1 is asked at the start and each next question that many minutes after the one before. Leave it empty to ask each question by hand with the “Ask” button."
      />
      <button type="submit">Create the series</button>
    </form>,
  );
}

export function manageSeriesPage(
  c: AppContext,
  series: SeriesView,
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  if (series.role !== 'host') throw UserError.forbidden(`Only the hosts of ${series.title} can manage it.`);
  return renderPage(
    c,
    { title: `Manage ${series.title}`, hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        <a href={`/chats/${series.slug}`}>Back to the series</a>
      </p>
      <form method="post" action={`/chats/${series.slug}/manage`} novalidate>
        <ErrorSummary errors={errors} />
        <CsrfField token={c.var.csrf} />
        <TextField name="title" label="Title" value={values.title ?? series.title} errors={errors} maxLength={200} />
        <TextArea
          name="description"
          label="Description"
          value={values.description ?? series.description}
          errors={errors}
          optional
          maxLength={5000}
        />
        <TextField
          name="questionInterval"
          label="Minutes between questions (new chats)"
          value={values.questionInterval ?? (series.questionInterval ? String(series.questionInterval) : '')}
          errors={errors}
          optional
          inputmode="numeric"
        />
        <button type="submit">Save</button>
      </form>
      <section aria-labelledby="moderators">
        <h2 id="moderators">Hosts and moderators</h2>
        <p>Moderators prepare and ask questions, start and end chats, highlight and hide posts. Hosts also manage the series.</p>
        <ul class="people-list">
          {series.hosts.map((h) => (
            <li class="person-row">
              <span>
                {h.displayName}{' '}
                <span class="meta">
                  @{h.acct} · {h.role}
                </span>
              </span>
              <span class="person-row__actions">
                <Action c={c} action={`/chats/${series.slug}/moderators`} label="Remove" secondary hidden={{ remove: h.acct }} />
              </span>
            </li>
          ))}
        </ul>
        <form method="post" action={`/chats/${series.slug}/moderators`} novalidate>
          <CsrfField token={c.var.csrf} />
          <TextField name="handle" label="Handle of a member" value={values.handle} errors={errors} />
          <SelectField
            name="role"
            label="Role"
            value="moderator"
            options={[
              { value: 'moderator', label: 'Moderator' },
              { value: 'host', label: 'Co-host' },
            ]}
          />
          <button type="submit">Add</button>
        </form>
      </section>
    </>,
  );
}
