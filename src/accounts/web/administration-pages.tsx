import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import { type SiteSettingsValues, siteSettingsSchema } from '../../platform/settings.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, RadioGroup, SelectField, TextArea, TextField } from '../../web/forms.tsx';
import { DataTable, flash, type PageOptions } from '../../web/layout.tsx';
import { requireAdmin } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { MemberListing } from '../administration.ts';
import { VOCABULARY_LIMITS, vocabularyText } from '../passion-vocabulary.ts';
import type { AccountsService } from '../service.ts';
import { adminPage } from './administration-views.tsx';

/** Administration: site settings, members (suspend, unsuspend) and related passions. */
export function administrationPages(accounts: AccountsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/admin', (c) => {
    requireAdmin(c);
    return sitePage(c, c.var.site, {});
  });

  app.post('/admin', async (c) => {
    requireAdmin(c);
    const form = await readForm(c);
    const values = { siteName: form.text('siteName'), siteDescription: form.text('siteDescription'), signupMode: form.text('signupMode') };
    try {
      await accounts.administration.updateSite(parseInput(siteSettingsSchema, values));
    } catch (error) {
      const { errors, status } = formErrors(error);
      return sitePage(c, values as SiteSettingsValues, errors, status);
    }
    flash(c, 'Site settings saved.');
    return c.redirect('/admin', 303);
  });

  app.get('/admin/passions', async (c) => {
    requireAdmin(c);
    return passionsPage(c, vocabularyText(await accounts.relatedPassionGroups()), {});
  });

  app.post('/admin/passions', async (c) => {
    requireAdmin(c);
    const text = (await readForm(c)).text('vocabulary');
    let groups: string[][];
    try {
      groups = await accounts.replaceRelatedPassions(text);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      // Every bad line at once, beside the one field.
      const message = error.issues.length > 0 ? error.issues.map((i) => i.message).join(' ') : error.message;
      return passionsPage(c, text, { vocabulary: message }, error.status);
    }
    flash(c, `Related passions saved: ${groups.length} ${groups.length === 1 ? 'group' : 'groups'}.`);
    return c.redirect('/admin/passions', 303);
  });

  app.get('/admin/members', async (c) => {
    requireAdmin(c);
    const status = c.req.query('status');
    const filter = {
      q: c.req.query('q')?.slice(0, 200),
      status: status === 'active' || status === 'suspended' ? status : undefined,
      cursor: c.req.query('cursor'),
    } as const;
    const result = await accounts.listMembers(filter);
    return membersPage(c, filter, result);
  });

  app.post('/admin/members/:handle/suspend', async (c) => {
    const viewer = requireAdmin(c);
    const form = await readForm(c);
    const handle = c.req.param('handle');
    await accounts.suspend(handle, form.text('reason') || null, viewer);
    flash(c, `@${handle} is suspended and was signed out everywhere.`);
    return c.redirect(`/admin/members?${new URLSearchParams({ q: form.text('q') })}`, 303);
  });

  app.post('/admin/members/:handle/unsuspend', async (c) => {
    const viewer = requireAdmin(c);
    const form = await readForm(c);
    const handle = c.req.param('handle');
    await accounts.unsuspend(handle, viewer);
    flash(c, `@${handle} can sign in again.`);
    return c.redirect(`/admin/members?${new URLSearchParams({ q: form.text('q') })}`, 303);
  });

  return app;
}

function sitePage(c: AppContext, values: SiteSettingsValues, errors: Errors, status: PageOptions['status'] = 200) {
  return adminPage(
    c,
    { title: 'Site settings', hasErrors: Object.keys(errors).length > 0, status },
    <>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField
          name="siteName"
          label="Server name"
          value={values.siteName}
          errors={errors}
          maxLength={80}
          required
          hint="Shown in the header and page titles, e.g. “Rural Librarians Commonroom”."
        />
        <TextArea
          name="siteDescription"
          label="Description"
          value={values.siteDescription}
          errors={errors}
          rows={3}
          maxLength={300}
          hint="One or two sentences for the home page and search engines."
        />
        <RadioGroup
          name="signupMode"
          label="Who can join"
          value={values.signupMode}
          errors={errors}
          options={[
            { value: 'open', label: 'Anyone', hint: '(open sign-up)' },
            { value: 'invite', label: 'People with an invitation link' },
            { value: 'closed', label: 'No one', hint: '(administrators create accounts with the command line)' },
          ]}
        />
        <div class="actions">
          <button type="submit">Save settings</button>
        </div>
      </form>
    </>,
  );
}

function passionsPage(c: AppContext, text: string, errors: Errors, status: PageOptions['status'] = 200) {
  return adminPage(
    c,
    { title: 'Related passions', hasErrors: Object.keys(errors).length > 0, status },
    <>
      <p>
        The directory, people search and Who to follow treat the passions of one group as related: someone looking for “Storytime” also
        finds members who wrote “Early literacy”. Passions match whatever their case, spacing, punctuation and ending (“Storytimes”, “story
        time”), so write each once.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/passions" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextArea
          name="vocabulary"
          label="Groups of related passions"
          value={text}
          errors={errors}
          rows={20}
          maxLength={VOCABULARY_LIMITS.chars}
          hint={`One group a line, passions separated by commas, e.g. “Storytime, Early literacy, Lapsit”. At least two passions a group, at most ${VOCABULARY_LIMITS.perGroup}; at most ${VOCABULARY_LIMITS.groups} groups. Lines starting with # are left out.`}
        />
        <div class="actions">
          <button type="submit">Save related passions</button>
        </div>
      </form>
    </>,
  );
}

function membersPage(
  c: AppContext,
  filter: { q?: string | undefined; status?: 'active' | 'suspended' | undefined },
  result: { members: MemberListing[]; nextCursor: string | null },
) {
  const date = (ms: number | null) => (ms ? new Date(ms).toISOString().slice(0, 10) : '—');
  const next = result.nextCursor
    ? `/admin/members?${new URLSearchParams({ q: filter.q ?? '', status: filter.status ?? '', cursor: result.nextCursor })}`
    : null;
  return adminPage(
    c,
    { title: 'Members' },
    <>
      <form method="get" action="/admin/members" class="filters" role="search" aria-label="Find members">
        <TextField name="q" type="search" label="Name, handle or email" value={filter.q ?? ''} />
        <SelectField
          name="status"
          label="Status"
          value={filter.status ?? ''}
          placeholder="Everyone"
          options={[
            { value: 'active', label: 'Active' },
            { value: 'suspended', label: 'Suspended' },
          ]}
        />
        <div class="actions">
          <button type="submit">Find</button>
        </div>
      </form>
      <DataTable caption="Members" hideCaption columns={['Member', 'Email', 'Joined', 'Last sign-in', 'Status']} actions>
        {result.members.map((m) => (
          <tr>
            <td>
              <a href={`/@${m.handle}`}>{m.displayName}</a>
              <br />
              <span class="meta">
                @{m.handle}
                {m.isAdmin ? ' · administrator' : ''}
              </span>
            </td>
            <td class="code">{m.email}</td>
            <td>{date(m.createdAt)}</td>
            <td>{date(m.lastLoginAt)}</td>
            <td>
              {m.suspendedAt ? (
                <span class="status status--suspended">
                  Suspended {date(m.suspendedAt)}
                  {m.suspendedReason ? `: ${m.suspendedReason}` : ''}
                </span>
              ) : (
                <span class="status status--active">Active</span>
              )}
            </td>
            <td>
              {m.id === c.var.viewer?.memberId ? (
                <span class="meta">You</span>
              ) : m.suspendedAt ? (
                <form method="post" action={`/admin/members/${m.handle}/unsuspend`} class="inline-form">
                  <CsrfField token={c.var.csrf} />
                  <input type="hidden" name="q" value={filter.q ?? ''} />
                  <button type="submit" class="button--small button--secondary">
                    Unsuspend<span class="visually-hidden"> @{m.handle}</span>
                  </button>
                </form>
              ) : (
                <form
                  method="post"
                  action={`/admin/members/${m.handle}/suspend`}
                  class="inline-form"
                  data-confirm={`Suspend @${m.handle}? They will be signed out everywhere.`}
                >
                  <CsrfField token={c.var.csrf} />
                  <input type="hidden" name="q" value={filter.q ?? ''} />
                  <label class="visually-hidden" for={`reason-${m.id}`}>
                    Reason for suspending @{m.handle}
                  </label>
                  <input type="text" id={`reason-${m.id}`} name="reason" placeholder="Reason (optional)" maxlength={500} />
                  <button type="submit" class="button--small button--danger">
                    Suspend<span class="visually-hidden"> @{m.handle}</span>
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {result.members.length === 0 ? <p>No members match.</p> : null}
      {next ? (
        <nav class="pagination" aria-label="More members">
          <a class="button button--secondary" href={next}>
            More members
          </a>
        </nav>
      ) : null}
    </>,
  );
}
