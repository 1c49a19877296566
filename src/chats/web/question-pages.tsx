import { Hono } from 'hono';
import { parseDateTimeInput } from '../../platform/dates.ts';
import { type FieldIssue, parseInput, UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { formatDateTime, isoTime, zoneName } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextArea, TextField } from '../../web/forms.tsx';
import { flash, type PageOptions, renderPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { chatUpdateSchema, questionInputSchema } from '../question-schemas.ts';
import type { QuestionView } from '../records.ts';
import { chatDate } from '../records.ts';
import type { ChatsService } from '../service.ts';
import { zonedTimeToUtc } from '../time.ts';
import { Action, ChatState, ChatWhen, tzOf } from './chat-views.tsx';

/** Preparing a chat: its topic and question interval, and its questions (a backchannel's sessions). */
export function questionPages(service: ChatsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/questions', async (c) => {
    requireViewer(c);
    return questionsPage(service, c, c.req.param('slug'), chatDate(c.req.param('date')), {}, {});
  });

  app.post('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/questions', async (c) => {
    const viewer = requireViewer(c);
    const [slug, date] = [c.req.param('slug'), chatDate(c.req.param('date'))];
    const form = await readForm(c);
    const values = {
      text: form.text('text'),
      label: form.text('label'),
      imageAlt: form.text('imageAlt'),
      startsAt: form.text('startsAt'),
      endsAt: form.text('endsAt'),
    };
    try {
      const image = form.file('image');
      const { series } = await service.occurrences.get(viewer, slug, date);
      const window = sessionTimes(values.startsAt, values.endsAt, series.timeZone);
      const input = parseInput(questionInputSchema, {
        text: values.text,
        ...(values.label ? { label: values.label } : {}),
        ...(values.imageAlt ? { imageAlt: values.imageAlt } : {}),
        ...window,
      });
      await service.questions.add(viewer, slug, date, input, image ? new Uint8Array(await image.arrayBuffer()) : undefined);
      flash(c, 'Question added.');
      return c.redirect(`/chats/${slug}/${date}/questions`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return questionsPage(service, c, slug, date, values, errors, status);
    }
  });

  app.post('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/questions/:number{[0-9]+}/delete', async (c) => {
    const [slug, date] = [c.req.param('slug'), chatDate(c.req.param('date'))];
    await service.questions.delete(requireViewer(c), slug, date, Number(c.req.param('number')));
    flash(c, 'Question removed.');
    return c.redirect(`/chats/${slug}/${date}/questions`, 303);
  });

  app.post('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/details', async (c) => {
    const viewer = requireViewer(c);
    const [slug, date] = [c.req.param('slug'), chatDate(c.req.param('date'))];
    const form = await readForm(c);
    const values = { topic: form.text('topic'), questionInterval: form.text('questionInterval') };
    try {
      const input = parseInput(chatUpdateSchema, { topic: values.topic, questionInterval: values.questionInterval || null });
      await service.occurrences.update(viewer, slug, date, input);
      flash(c, 'Saved.');
      return c.redirect(`/chats/${slug}/${date}/questions`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return questionsPage(service, c, slug, date, values, errors, status);
    }
  });
  return app;
}

async function questionsPage(
  service: ChatsService,
  c: AppContext,
  slug: string,
  date: string,
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  const { series, chat, questions } = await service.occurrences.get(c.var.viewer, slug, date);
  if (series.role === null) throw UserError.forbidden(`Only the hosts and moderators of ${series.title} can prepare its chats.`);
  const base = `/chats/${series.slug}/${chat.date}`;
  const backchannel = series.kind === 'backchannel';
  return renderPage(
    c,
    { title: `Prepare #${series.hashtag}, ${chat.date}`, hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        <a href={base}>Back to the chat room</a> · <ChatState chat={chat} />{' '}
        <ChatWhen chat={chat} timeZone={tzOf(c)} hostTimeZone={series.timeZone} />
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${base}/details`} novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField name="topic" label="Topic of this chat" value={values.topic ?? chat.topic} errors={errors} optional maxLength={300} />
        {backchannel ? null : (
          <TextField
            name="questionInterval"
            label="Minutes between questions"
            value={values.questionInterval ?? (chat.questionInterval ? String(chat.questionInterval) : '')}
            errors={errors}
            optional
            inputmode="numeric"
            hint="With a number, Q1 is asked at the start and each next question that many minutes after the one before, until none are left. Empty: you ask each question with the “Ask” button in the room."
          />
        )}
        <button type="submit">Save</button>
      </form>
      <section aria-labelledby="questions">
        <h2 id="questions">{backchannel ? 'Sessions' : 'Questions'}</h2>
        {questions.length === 0 ? <p>None yet.</p> : null}
        <ol class="question-list">
          {questions.map((q: QuestionView) => (
            <li>
              <strong>{q.label}</strong> {q.text} {q.imageUrl ? <span class="meta">(with an image)</span> : null}{' '}
              {q.releasedAt ? (
                <span class="meta">
                  asked at <time datetime={isoTime(q.releasedAt)}>{formatDateTime(q.releasedAt, tzOf(c))}</time>
                </span>
              ) : (
                <Action c={c} action={`${base}/questions/${q.number}/delete`} label={`Remove ${q.label}`} secondary />
              )}
            </li>
          ))}
        </ol>
      </section>
      {chat.state === 'ended' || chat.state === 'cancelled' ? null : (
        <form method="post" action={`${base}/questions`} enctype="multipart/form-data" novalidate>
          <h2>{backchannel ? 'Add a session' : `Add ${`Q${questions.length + 1}`}`}</h2>
          <CsrfField token={c.var.csrf} />
          {backchannel ? <TextField name="label" label="Session name" value={values.label} errors={errors} maxLength={120} /> : null}
          <TextArea
            name="text"
            label={backchannel ? 'What the session is about' : 'Question'}
            value={values.text}
            errors={errors}
            rows={2}
            maxLength={500}
          />
          {backchannel ? (
            <>
              <TextField
                name="startsAt"
                type="datetime-local"
                label="Starts"
                value={values.startsAt}
                errors={errors}
                optional
                hint={`In ${zoneName(series.timeZone)}. Pick a date and time, or type them as 12/14/2026 2:30 PM or 2026-12-14 14:30 (month/day/year).`}
              />
              <TextField
                name="endsAt"
                type="datetime-local"
                label="Ends"
                value={values.endsAt}
                errors={errors}
                optional
                hint={`In ${zoneName(series.timeZone)}.`}
              />
            </>
          ) : null}
          <div class="field">
            <label for="field-image">
              Image <span class="optional">(optional)</span>
            </label>
            <input type="file" id="field-image" name="image" accept="image/jpeg,image/png,image/webp,image/gif,image/avif" />
          </div>
          <TextArea
            name="imageAlt"
            label="Image description (alt text)"
            value={values.imageAlt}
            errors={errors}
            optional
            rows={2}
            maxLength={1500}
          />
          <button type="submit">Add</button>
        </form>
      )}
    </>,
  );
}

/**
 * Session times typed in the series' zone as ISO instants: what a datetime-local picker sends
 * ("2027-03-02T14:00") or what people type ("3/2/2027 2pm"; platform/dates.ts). Both fields are
 * checked, so both problems show at once.
 */
function sessionTimes(startsAt: string, endsAt: string, timeZone: string): { startsAt?: string; endsAt?: string } {
  const issues: FieldIssue[] = [];
  const one = (value: string, path: string) => {
    if (!value.trim()) return undefined;
    const parsed = parseDateTimeInput(value);
    if (!parsed.ok) {
      issues.push({ path, message: parsed.message });
      return undefined;
    }
    return new Date(zonedTimeToUtc(parsed.date, parsed.time, timeZone)).toISOString();
  };
  const start = one(startsAt, 'startsAt');
  const end = one(endsAt, 'endsAt');
  if (issues.length > 0) throw UserError.invalid(issues);
  return { ...(start ? { startsAt: start } : {}), ...(end ? { endsAt: end } : {}) };
}

// ---- calendars -------------------------------------------------------------------------------
