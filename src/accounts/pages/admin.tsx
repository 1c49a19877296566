import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { SiteSettingsValues } from '../../platform/settings.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, RadioGroup, SelectField, TextArea, TextField } from '../../web/forms.tsx';
import { DataTable, flash, type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import { requireAdmin } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { Invite } from '../service.ts';

/** Administration: site settings, members (suspend/unsuspend) and invitations. */
export function registerAdminPages(app: Hono<AppEnv>): void {
  app.get('/admin', (c) => {
    requireAdmin(c);
    return sitePage(c, c.var.site, {});
  });

  app.post('/admin', async (c) => {
    requireAdmin(c);
    const form = await readForm(c);
    const values = { siteName: form.text('siteName'), siteDescription: form.text('siteDescription'), signupMode: form.text('signupMode') };
    try {
      await c.var.services.settings.update(values);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return sitePage(c, values as SiteSettingsValues, errors, status);
    }
    flash(c, 'Site settings saved.');
    return c.redirect('/admin', 303);
  });

  app.get('/admin/members', async (c) => {
    requireAdmin(c);
    const status = c.req.query('status');
    const filter = {
      q: c.req.query('q')?.slice(0, 200),
      status: status === 'active' || status === 'suspended' ? status : undefined,
      cursor: c.req.query('cursor'),
    } as const;
    const result = await c.var.services.accounts.listMembers(filter);
    return membersPage(c, filter, result);
  });

  app.post('/admin/members/:handle/suspend', async (c) => {
    const viewer = requireAdmin(c);
    const form = await readForm(c);
    const handle = c.req.param('handle');
    await c.var.services.accounts.suspend(handle, form.text('reason') || null, viewer);
    flash(c, `@${handle} is suspended and was signed out everywhere.`);
    return c.redirect(`/admin/members?${new URLSearchParams({ q: form.text('q') })}`, 303);
  });

  app.post('/admin/members/:handle/unsuspend', async (c) => {
    const viewer = requireAdmin(c);
    const form = await readForm(c);
    const handle = c.req.param('handle');
    await c.var.services.accounts.unsuspend(handle, viewer);
    flash(c, `@${handle} can sign in again.`);
    return c.redirect(`/admin/members?${new URLSearchParams({ q: form.text('q') })}`, 303);
  });

  app.get('/admin/invites', async (c) => {
    requireAdmin(c);
    return invitesPage(c, await c.var.services.accounts.listInvites(), {}, {});
  });

  app.post('/admin/invites', async (c) => {
    const viewer = requireAdmin(c);
    const form = await readForm(c);
    const values = { maxUses: form.text('maxUses'), expiresInDays: form.text('expiresInDays'), note: form.text('note') };
    const errors: Errors = {};
    const maxUses = values.maxUses ? Number(values.maxUses) : null;
    const expiresInDays = values.expiresInDays ? Number(values.expiresInDays) : null;
    if (maxUses !== null && !(Number.isInteger(maxUses) && maxUses >= 1 && maxUses <= 10_000))
      errors.maxUses = 'Enter a whole number from 1 to 10000, or leave it empty for no limit.';
    if (expiresInDays !== null && !(Number.isInteger(expiresInDays) && expiresInDays >= 1 && expiresInDays <= 365))
      errors.expiresInDays = 'Enter a number of days from 1 to 365, or leave it empty.';
    const { accounts } = c.var.services;
    if (Object.keys(errors).length > 0) return invitesPage(c, await accounts.listInvites(), values, errors, 422);
    const invite = await accounts.createInvite(viewer.memberId, { maxUses, expiresInDays, note: values.note });
    flash(c, `Invitation created: ${accounts.inviteUrl(invite.code)}`);
    return c.redirect('/admin/invites', 303);
  });

  app.post('/admin/invites/:id/revoke', async (c) => {
    requireAdmin(c);
    await c.var.services.accounts.revokeInvite(Number(c.req.param('id')));
    flash(c, 'The invitation was revoked.');
    return c.redirect('/admin/invites', 303);
  });
}

export const ADMINISTRATION = {
  label: 'Administration',
  items: [
    ['/admin', 'Site'],
    ['/admin/members', 'Members'],
    ['/admin/reports', 'Reports'],
    ['/admin/invites', 'Invitations'],
    ['/admin/federation', 'Federation'],
  ],
} as const;

function adminPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, ADMINISTRATION, { ...options, noindex: true }, body);
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

function membersPage(
  c: AppContext,
  filter: { q?: string | undefined; status?: 'active' | 'suspended' | undefined },
  result: Awaited<ReturnType<AppContext['var']['services']['accounts']['listMembers']>>,
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

function invitesPage(
  c: AppContext,
  invites: Invite[],
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  const { accounts } = c.var.services;
  const date = (ms: number | null) => (ms ? new Date(ms).toISOString().slice(0, 10) : 'never');
  return adminPage(
    c,
    { title: 'Invitations', hasErrors: Object.keys(errors).length > 0, status },
    <>
      {c.var.site.signupMode !== 'invite' ? (
        <p class="callout">
          Sign-up is currently <strong>{c.var.site.signupMode}</strong>: invitation links only matter when sign-up is set to invitation in{' '}
          <a href="/admin">site settings</a>.
        </p>
      ) : null}
      <h2>New invitation link</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/invites" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField
          name="maxUses"
          type="number"
          optional
          label="How many people can use it"
          value={values.maxUses}
          errors={errors}
          inputmode="numeric"
          hint="Leave empty for no limit, e.g. for a whole cohort."
        />
        <TextField
          name="expiresInDays"
          type="number"
          optional
          label="Expires after (days)"
          value={values.expiresInDays}
          errors={errors}
          inputmode="numeric"
        />
        <TextField
          name="note"
          optional
          label="Note to yourself"
          value={values.note}
          errors={errors}
          maxLength={200}
          hint="e.g. “Spring LIS 520 cohort”."
        />
        <button type="submit">Create invitation link</button>
      </form>
      <h2>Invitation links</h2>
      {invites.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <DataTable caption="Invitation links" hideCaption columns={['Link', 'Note', 'Used', 'Expires']} actions>
          {invites.map((i) => (
            <tr>
              <td class="code">{i.usable ? accounts.inviteUrl(i.code) : <s>{i.code}</s>}</td>
              <td>{i.note ?? ''}</td>
              <td>
                {i.useCount}
                {i.maxUses ? ` of ${i.maxUses}` : ''}
              </td>
              <td>{i.revokedAt ? 'revoked' : date(i.expiresAt)}</td>
              <td>
                {i.usable ? (
                  <form method="post" action={`/admin/invites/${i.id}/revoke`} class="inline-form">
                    <CsrfField token={c.var.csrf} />
                    <button type="submit" class="button--small button--secondary">
                      Revoke<span class="visually-hidden"> invitation {i.note ?? i.code}</span>
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>,
  );
}
