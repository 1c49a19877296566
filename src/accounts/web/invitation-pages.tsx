import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, TextField } from '../../web/forms.tsx';
import { DataTable, flash, type PageOptions } from '../../web/layout.tsx';
import { requireAdmin } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { AccountsService } from '../service.ts';
import type { Invite } from '../signup.ts';
import { adminPage } from './administration-views.tsx';

/** Invitation links, under Administration: make one (how many uses, how long), revoke one. */
export function invitationPages(accounts: AccountsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/admin/invites', async (c) => {
    requireAdmin(c);
    return invitesPage(c, accounts, await accounts.listInvites(), {}, {});
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
    if (Object.keys(errors).length > 0) return invitesPage(c, accounts, await accounts.listInvites(), values, errors, 422);
    const invite = await accounts.createInvite(viewer.memberId, { maxUses, expiresInDays, note: values.note });
    flash(c, `Invitation created: ${accounts.inviteUrl(invite.code)}`);
    return c.redirect('/admin/invites', 303);
  });

  app.post('/admin/invites/:id/revoke', async (c) => {
    requireAdmin(c);
    await accounts.revokeInvite(Number(c.req.param('id')));
    flash(c, 'The invitation was revoked.');
    return c.redirect('/admin/invites', 303);
  });

  return app;
}

function invitesPage(
  c: AppContext,
  accounts: AccountsService,
  invites: Invite[],
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
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
