import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextField } from '../../web/forms.tsx';
import { flash, type PageOptions, renderPage } from '../../web/layout.tsx';
import { endSession, requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { MAILED_RESET_HOURS, parseNewPassword } from '../passwords.ts';
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

  app.get('/forgot-password', (c) => forgotPage(c, '', {}));

  app.post('/forgot-password', async (c) => {
    const form = await readForm(c);
    const email = form.text('email');
    try {
      await accounts.requestPasswordReset(email, c.var.ip);
    } catch (error) {
      const { errors, status } = formErrors(error);
      if (status === 429) c.header('retry-after', '3600');
      return forgotPage(c, email, errors, status);
    }
    return renderPage(
      c,
      { title: 'Check your mail', noindex: true },
      <>
        <p class="callout" role="status">
          If an account on this server uses <strong>{email.trim()}</strong>, we have sent it a link to choose a new password. The link works
          once, for {MAILED_RESET_HOURS} hour.
        </p>
        <p>
          Nothing after a few minutes? Look in your spam folder, check the address and <a href="/forgot-password">ask again</a>, or ask the
          administrator of this server.
        </p>
        <p>
          <a href="/login">Back to sign in</a>
        </p>
      </>,
    );
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

function forgotPage(c: AppContext, email: string, errors: Errors, status: PageOptions['status'] = 200) {
  return renderPage(
    c,
    { title: 'Forgot your password?', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>Enter the email address of your account. We will send it a link to choose a new password.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/forgot-password" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField
          name="email"
          type="email"
          label="Email address"
          value={email}
          errors={errors}
          autocomplete="email"
          spellcheck={false}
          required
        />
        <div class="actions">
          <button type="submit">Send me a link</button>
          <a href="/login">Back to sign in</a>
        </div>
      </form>
    </>,
  );
}

function resetExpired(c: AppContext) {
  return renderPage(
    c,
    { title: 'This reset link no longer works', status: 410, noindex: true },
    <p class="callout">
      The link has expired or was already used. <a href="/forgot-password">Ask for a new one</a>.
    </p>,
  );
}
