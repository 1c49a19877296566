import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { ActorSummary, PostView } from '../../social/index.ts';
import { ActionButton, actorPath, postPath, VISIBILITY_LABELS } from '../../social/index.ts';
import { type AppContext, type AppEnv, timeZoneOf } from '../../web/context.ts';
import { formatDateTime, plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId, formErrors, RadioGroup, TextArea } from '../../web/forms.tsx';
import { flash, type PageOptions, renderPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm, safeNext } from '../../web/request.ts';
import { CATEGORY_LABELS, REPORT_CATEGORIES, REPORT_COMMENT_MAX, reportInputSchema } from '../report-schemas.ts';
import type { FederationService } from '../service.ts';
import { excerpt, When } from './report-views.tsx';

/**
 * Reports in pages, for members: the report form behind "Report" on every post card and
 * profile, and the member's confirmation (the administrators' queue: report-queue-pages.tsx).
 */
export function reportPages(service: FederationService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // ---- members -----------------------------------------------------------------------------

  app.get('/posts/:id{[0-9]{1,15}}/report', async (c) => {
    const viewer = requireViewer(c);
    const id = Number(c.req.param('id'));
    const form = await service.reports.reportable(viewer, { postId: id });
    const back = form.posts.find((p) => p.id === id);
    return reportForm(c, { ...form, back: back ? postPath(back) : actorPath(form.target), values: { postIds: form.chosen.map(String) } });
  });

  app.get('/:at{@[A-Za-z0-9_@.:-]+}/report', async (c) => {
    const viewer = requireViewer(c);
    const acct = c.req.param('at').slice(1);
    const form = await service.reports.reportable(viewer, { acct });
    return reportForm(c, { ...form, back: actorPath(form.target), values: {} });
  });

  app.post('/reports', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values: FormValues = {
      acct: form.text('acct'),
      postIds: form.texts('postIds'),
      category: form.text('category'),
      comment: form.text('comment'),
      forward: form.text('forward') === '1',
    };
    const back = safeNext(c, form.text('back'));
    const { reports } = service;
    try {
      const input = parseInput(reportInputSchema, {
        acct: values.acct || undefined,
        postIds: (values.postIds ?? []).map((v) => (/^[0-9]{1,15}$/.test(v) ? Number(v) : 0)),
        category: values.category || undefined,
        comment: values.comment ?? '',
        forward: values.forward ?? false,
      });
      const id = await reports.create(viewer, input);
      flash(c, 'Thank you. Your report was sent to the moderators.');
      return c.redirect(`/reports/${id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      if (error instanceof UserError && error.retryAfter) c.header('retry-after', String(error.retryAfter));
      // The form again, about the same account (a report about no known account is a 404 page).
      if (!values.acct) throw error;
      const again = await reports.reportable(viewer, { acct: values.acct });
      return reportForm(c, { ...again, back, values, errors, status });
    }
  });

  app.get('/reports/:id{[0-9]{1,15}}', async (c) => {
    const viewer = requireViewer(c);
    const report = await service.reports.own(viewer, Number(c.req.param('id')));
    const relationship = await service.reports.relationship(viewer, report.target.id);
    const tz = viewer.timeZone;
    const back = `/reports/${report.id}`;
    return renderPage(
      c,
      { title: `Your report about @${report.target.acct}`, noindex: true },
      <>
        <dl class="report-facts">
          <dt>Status</dt>
          <dd>
            {report.status === 'open' ? (
              'Open: the moderators have not dealt with it yet.'
            ) : (
              <>
                Dealt with by the moderators on <When ms={report.resolvedAt!} tz={tz} />.
              </>
            )}
          </dd>
          <dt>Account</dt>
          <dd>
            <a href={actorPath(report.target)}>{report.target.displayName}</a> <span class="meta">@{report.target.acct}</span>
          </dd>
          <dt>What is wrong</dt>
          <dd>{CATEGORY_LABELS[report.category].label}</dd>
          <dt>Posts</dt>
          <dd>{report.postIds.length ? plural(report.postIds.length, 'post', 'posts') : 'None: the report is about the account'}</dd>
          <dt>Your comment</dt>
          <dd class="report-text">{report.comment || 'None'}</dd>
          <dt>Sent</dt>
          <dd>
            <When ms={report.createdAt} tz={tz} />
            {report.forwarded ? <>, and a copy without your name went to their server</> : null}
          </dd>
        </dl>
        <p>
          The administrators of {c.var.site.siteName} read every report. @{report.target.acct} is not told who reported them.
        </p>
        {relationship.muting && relationship.blocking ? null : (
          <section aria-labelledby="meanwhile">
            <h2 id="meanwhile">Meanwhile</h2>
            <p>You don’t have to wait for the moderators to stop seeing @{report.target.acct}.</p>
            <div class="profile-actions">
              {relationship.muting ? null : (
                <ActionButton c={c} back={back} action={`/@${report.target.acct}/mute`} label={`Mute @${report.target.acct}`} />
              )}
              {relationship.blocking ? null : (
                <ActionButton
                  c={c}
                  back={back}
                  action={`/@${report.target.acct}/block`}
                  label={`Block @${report.target.acct}`}
                  danger
                  confirm={`Block @${report.target.acct}? You will stop following each other.`}
                />
              )}
            </div>
          </section>
        )}
        <p>
          <a href={actorPath(report.target)}>Back to @{report.target.acct}</a>
        </p>
      </>,
    );
  });

  return app;
}

// ---- the report form ---------------------------------------------------------------------------

interface FormValues {
  acct?: string;
  postIds?: string[];
  category?: string;
  comment?: string;
  forward?: boolean;
}

function reportForm(
  c: AppContext,
  props: { target: ActorSummary; posts: PostView[]; back: string; values: FormValues; errors?: Errors; status?: PageOptions['status'] },
) {
  const { target, posts, values, errors = {} } = props;
  const tz = timeZoneOf(c);
  const chosen = new Set(values.postIds ?? []);
  const domain = target.local ? null : target.acct.split('@')[1]!;
  // A problem with one of the ticked posts (`postIds.3`) is shown for the whole list.
  const isPosts = (path: string) => path === 'postIds' || path.startsWith('postIds.');
  const postsError = Object.entries(errors).find(([path]) => isPosts(path))?.[1];
  const summary: Errors = {
    ...Object.fromEntries(Object.entries(errors).filter(([path]) => !isPosts(path))),
    ...(postsError ? { postIds: postsError } : {}),
  };
  const postsId = fieldId('postIds');
  return renderPage(
    c,
    { title: `Report @${target.acct}`, hasErrors: Object.keys(errors).length > 0, status: props.status ?? 200, noindex: true },
    <>
      <p>
        Your report goes to the administrators of {c.var.site.siteName}. <a href={actorPath(target)}>{target.displayName}</a> is not told
        who reported them.
      </p>
      <ErrorSummary errors={summary} />
      <form method="post" action="/reports" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <input type="hidden" name="acct" value={target.acct} />
        <input type="hidden" name="back" value={props.back} />
        <RadioGroup
          name="category"
          label="What is wrong?"
          value={values.category}
          errors={errors}
          options={REPORT_CATEGORIES.map((value) => ({
            value,
            label: CATEGORY_LABELS[value].label,
            hint: `(${CATEGORY_LABELS[value].hint})`,
          }))}
        />
        <fieldset
          class={`field${postsError ? ' field--error' : ''}`}
          id={postsId}
          aria-describedby={`${postsId}-hint${postsError ? ` ${postsId}-error` : ''}`}
        >
          <legend>
            Posts to include<span class="optional"> (optional)</span>
          </legend>
          <p class="hint" id={`${postsId}-hint`}>
            {posts.length
              ? 'Tick the posts the moderators should read. They see them even if they were not shared with them.'
              : `You cannot see any post by @${target.acct}: the report is about the account.`}
          </p>
          {postsError ? (
            <p class="field-error" id={`${postsId}-error`}>
              <span class="visually-hidden">Error: </span>
              {postsError}
            </p>
          ) : null}
          {posts.map((p) => (
            <div class="choice">
              <input type="checkbox" id={`${postsId}-${p.id}`} name="postIds" value={String(p.id)} checked={chosen.has(String(p.id))} />
              <label for={`${postsId}-${p.id}`}>
                {p.contentWarning ? (
                  <>Content warning: {p.contentWarning}</>
                ) : (
                  excerpt(p.text) || (p.media.length ? plural(p.media.length, 'image', 'images') : 'No text')
                )}{' '}
                <span class="meta">
                  ({formatDateTime(p.createdAt, tz)}, {VISIBILITY_LABELS[p.visibility].label.toLowerCase()})
                </span>
              </label>
            </div>
          ))}
        </fieldset>
        <TextArea
          name="comment"
          label="Anything else the moderators should know"
          optional
          value={values.comment}
          errors={errors}
          rows={4}
          maxLength={REPORT_COMMENT_MAX}
          hint={`Needed when you choose “Something else”. Up to ${REPORT_COMMENT_MAX} characters.`}
        />
        {domain ? (
          <div class={`field${errors.forward ? ' field--error' : ''}`}>
            <div class="choice">
              <input
                type="checkbox"
                id={fieldId('forward')}
                name="forward"
                value="1"
                checked={values.forward}
                aria-describedby={`${fieldId('forward')}-hint`}
              />
              <label for={fieldId('forward')}>Also send the report to {domain}</label>
            </div>
            <p class="hint" id={`${fieldId('forward')}-hint`}>
              @{target.acct} is on another server. Its moderators can act on the account there; the copy comes from this server, without
              your name.
            </p>
          </div>
        ) : null}
        <div class="actions">
          <button type="submit">Send report</button>
          <a href={props.back}>Cancel</a>
        </div>
      </form>
    </>,
  );
}
