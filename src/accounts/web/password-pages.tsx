import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextField } from '../../web/forms.tsx';
import { flash, type PageOptions, renderPage } from '../../web/layout.tsx';
import { endSession, requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { parseNewPassword } from '../passwords.ts';
import type { AccountsService } from '../service.ts';
import { PASSWORD_MIN } from '../signup-schemas.ts';
import { settingsPage } from './settings-views.tsx';

/** Passwords: changing yours under Settings, and choosing a new one from a reset link. */
export function passwordPages(accounts: AccountsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/settings/account', async (c) => {
    const viewer = requireViewer(c);
    const profile = await accounts.ownProfile(viewer.memberId);
    return accountPage(c, profile.email, {});
  });

  app.post('/settings/account', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    try {
      const next = parseNewPassword('newPassword', form.text('newPassword'));
      await accounts.changePassword(viewer.memberId, form.text('currentPassword'), next, c.var.sessionToken ?? undefined);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return accountPage(c, (await accounts.ownProfile(viewer.memberId)).email, errors, status);
    }
    flash(c, 'Your password was changed. Other devices were signed out.');
    return c.redirect('/settings/account', 303);
  });

  app.get('/reset-password/:token', async (c) => {
    const reset = await accounts.findPasswordReset(c.req.param('token'));
    if (!reset) return resetExpired(c);
    return resetPage(c, reset.handle, {});
  });

  app.post('/reset-password/:token', async (c) => {
    const token = c.req.param('token');
    const reset = await accounts.findPasswordReset(token);
    if (!reset) return resetExpired(c);
    const form = await readForm(c);
    let revokedTokens: number;
    try {
      ({ revokedTokens } = await accounts.resetPassword(token, parseNewPassword('password', form.text('password'))));
    } catch (error) {
      const { errors, status } = formErrors(error);
      return resetPage(c, reset.handle, errors, status);
    }
    endSession(c);
    const tokens = revokedTokens === 1 ? '1 API token was revoked' : `${revokedTokens} API tokens were revoked`;
    flash(
      c,
      `Your password was changed. Sign in with your new password.${revokedTokens ? ` ${tokens}: create new ones under Settings, API tokens.` : ''}`,
    );
    return c.redirect('/login', 303);
  });

  return app;
}

function accountPage(c: AppContext, email: string, errors: Errors, status: PageOptions['status'] = 200) {
  return settingsPage(
    c,
    { title: 'Password', hasErrors: Object.keys(errors).length > 0, status },
    <>
      <p>
        You sign in with <strong>{email}</strong> or your handle.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/settings/account" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <input type="text" name="username" value={email} autocomplete="username" hidden />
        <TextField
          name="currentPassword"
          type="password"
          label="Current password"
          errors={errors}
          autocomplete="current-password"
          required
        />
        <TextField
          name="newPassword"
          type="password"
          label="New password"
          errors={errors}
          autocomplete="new-password"
          required
          hint={`At least ${PASSWORD_MIN} characters. Other devices will be signed out.`}
        />
        <div class="actions">
          <button type="submit">Change password</button>
        </div>
      </form>
    </>,
  );
}

function resetPage(c: AppContext, handle: string, errors: Errors, status: Parameters<typeof renderPage>[1]['status'] = 200) {
  return renderPage(
    c,
    { title: 'Choose a new password', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        Choose a new password for <strong>@{handle}</strong>. You will be signed out everywhere else, and the account’s API tokens will be
        revoked (scripts and apps using them will need new ones).
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <input type="text" name="username" value={handle} autocomplete="username" hidden />
        <TextField
          name="password"
          type="password"
          label="New password"
          errors={errors}
          autocomplete="new-password"
          required
          hint={`At least ${PASSWORD_MIN} characters.`}
        />
        <div class="actions">
          <button type="submit">Save new password</button>
        </div>
      </form>
    </>,
  );
}

function resetExpired(c: AppContext) {
  return renderPage(
    c,
    { title: 'This reset link no longer works', status: 410, noindex: true },
    <p class="callout">The link has expired or was already used. Ask the administrator of this server for a new one.</p>,
  );
}
