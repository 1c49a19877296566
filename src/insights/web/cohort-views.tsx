import { DATE_HINT } from '../../platform/dates.ts';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { formatDate, plural, zoneName } from '../../web/format.ts';
import { CsrfField, type Errors, TextArea, TextField } from '../../web/forms.tsx';
import type { PageOptions } from '../../web/layout.tsx';
import { type Cohort, daysLeft } from '../cohort-access.ts';
import { LIMITS } from '../cohort-schemas.ts';
import { insightsPage } from './section.tsx';

/** The pieces the cohorts' pages share (cohorts-pages.tsx and the views beside it): paths, dates, the details form, words. */

export const ROOT = '/insights/cohorts';
export const pathOf = (id: number) => `${ROOT}/${id}`;

export type Values = Record<string, string>;
export interface FormState {
  values?: Values;
  errors?: Errors;
  status?: PageOptions['status'];
}

const longDate = (date: string) => formatDate(Date.parse(`${date}T12:00:00Z`), 'UTC');

export function dueText(cohort: Pick<Cohort, 'dueDate' | 'dueAt'>): string {
  const left = daysLeft(cohort.dueAt);
  const when =
    cohort.dueAt <= Date.now() ? 'the due date has passed' : left === 0 ? 'today is the last day' : `${plural(left, 'day', 'days')} left`;
  return `Due ${longDate(cohort.dueDate)} (${when})`;
}

export function DetailsForm({
  c,
  action,
  values,
  errors,
  submit,
}: {
  c: AppContext;
  action: string;
  values: Values;
  errors: Errors;
  submit: string;
}) {
  return (
    <form method="post" action={action} novalidate>
      <CsrfField token={c.var.csrf} />
      <TextField
        name="name"
        label="Name"
        value={values.name}
        errors={errors}
        required
        maxLength={LIMITS.name}
        hint="For example “LIS 520: Build your PLN”."
      />
      <TextArea
        name="description"
        label="Description"
        optional
        value={values.description}
        errors={errors}
        maxLength={LIMITS.description}
        hint="What the assignment is for; your students read it before they join. Plain text."
      />
      <TextField
        name="dueDate"
        label="Due date"
        value={values.dueDate}
        errors={errors}
        type="date"
        required
        hint={`The last day, in your time zone (${zoneName(timeZoneOf(c))}); the checkpoints can change until then. ${DATE_HINT}`}
      />
      <div class="actions">
        <button type="submit">{submit}</button>
      </div>
    </form>
  );
}

export function Description({ text }: { text: string }) {
  return (
    <div class="cohort-description">
      {text.split(/\n{2,}/).map((p) => (
        <p>{p}</p>
      ))}
    </div>
  );
}

/** A done/not done cell: a mark for the eye, the words for everyone. */
export function Mark({ done }: { done: boolean }) {
  return (
    <>
      <span aria-hidden="true" class={done ? 'cohort-mark cohort-mark--done' : 'cohort-mark'}>
        {done ? '✓' : '✗'}
      </span>{' '}
      <strong>{done ? 'Done' : 'Not yet'}</strong>
    </>
  );
}

/** Exactly what the instructor sees and never sees: the same words on the join page and the checklist. */
export function WhatTheySee({ instructor }: { instructor: string }) {
  return (
    <>
      <p>{instructor} sees, on the cohort’s dashboard and in its CSV export:</p>
      <ul>
        <li>your handle and display name, and when you joined;</li>
        <li>
          for each checkpoint, your count (how many people you follow and how many of them are outside your role, chats you posted in,
          people you replied to, articles, bookmarks, public collections, your stage) and whether it is done.
        </li>
      </ul>
      <p>{instructor} never sees, through the cohort:</p>
      <ul>
        <li>your direct (private) messages — replies sent as direct messages are not even counted;</li>
        <li>your private and followers-only posts, or the text of any post;</li>
        <li>your bookmarks themselves (private or not) — only how many you saved;</li>
        <li>your reading history: which feeds and items you read.</li>
      </ul>
      <p>If you leave the cohort, your progress disappears from the dashboard and the export at once.</p>
    </>
  );
}

export function confirmPage(c: AppContext, options: { title: string; text: string; action: string; button: string; back: string }) {
  return insightsPage(
    c,
    { title: options.title, noindex: true },
    <>
      <p>{options.text}</p>
      <form method="post" action={options.action}>
        <CsrfField token={c.var.csrf} />
        <div class="actions">
          <button type="submit" class="button--danger">
            {options.button}
          </button>
          <a href={options.back}>Cancel</a>
        </div>
      </form>
    </>,
  );
}
