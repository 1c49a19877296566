import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextField } from '../../web/forms.tsx';
import { flash, renderPage } from '../../web/layout.tsx';
import { endSession, startSession } from '../../web/middleware.ts';
import { readForm, safeNext } from '../../web/request.ts';
import { HANDLE_MAX, PASSWORD_MIN } from '../validation.ts';

/** Sign-up, sign-in, sign-out and password reset pages. */
export function registerAuthPages(app: Hono<AppEnv>): void {
  app.get('/signup', async (c) => {
    if (c.var.viewer) return c.redirect('/');
    const invite = c.req.query('invite');
    const state = await c.var.services.accounts.signupState(invite);
    if (!state.allowed) return signupClosed(c, state.reason!);
    return signupPage(c, { values: { inviteCode: invite ?? '' }, errors: {}, firstMember: state.firstMember });
  });

  app.post('/signup', async (c) => {
    const form = await readForm(c);
    const values = {
      displayName: form.text('displayName'),
      handle: form.text('handle'),
      email: form.text('email'),
      password: form.text('password'),
      inviteCode: form.text('inviteCode') || undefined,
      timeZone: form.text('timeZone') || undefined,
    };
    try {
      const { sessionToken } = await c.var.services.accounts.signup(values, meta(c));
      startSession(c, sessionToken);
      flash(c, 'Welcome to the commonroom! Tell people what you do and what you care about, so they can find you.');
      return c.redirect('/settings/profile', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      const state = await c.var.services.accounts.signupState(values.inviteCode);
      if (!state.allowed && status === 403) return signupClosed(c, state.reason!);
      return signupPage(c, { values: { ...values, password: '' }, errors, firstMember: state.firstMember }, status);
    }
  });

  app.get('/login', (c) => {
    if (c.var.viewer) return c.redirect(safeNext(c, c.req.query('next')));
    return loginPage(c, { login: '', next: safeNext(c, c.req.query('next')) }, {});
  });

  app.post('/login', async (c) => {
    const form = await readForm(c);
    const login = form.text('login');
    const next = safeNext(c, form.text('next'));
    try {
      const { sessionToken } = await c.var.services.accounts.login(login, form.text('password'), meta(c));
      startSession(c, sessionToken);
      return c.redirect(next, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      if (status === 429) c.header('retry-after', '60');
      return loginPage(c, { login, next }, errors, status);
    }
  });

  app.post('/logout', async (c) => {
    if (c.var.sessionToken) await c.var.services.accounts.logout(c.var.sessionToken);
    endSession(c);
    return c.redirect('/', 303);
  });

  app.get('/reset-password/:token', async (c) => {
    const reset = await c.var.services.accounts.findPasswordReset(c.req.param('token'));
    if (!reset) return resetExpired(c);
    return resetPage(c, reset.handle, {});
  });

  app.post('/reset-password/:token', async (c) => {
    const token = c.req.param('token');
    const reset = await c.var.services.accounts.findPasswordReset(token);
    if (!reset) return resetExpired(c);
    const form = await readForm(c);
    let revokedTokens: number;
    try {
      ({ revokedTokens } = await c.var.services.accounts.resetPassword(token, form.text('password')));
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
}

function meta(c: AppContext) {
  return { ip: c.var.ip, userAgent: c.req.header('user-agent') ?? null };
}

function signupPage(
  c: AppContext,
  { values, errors, firstMember }: { values: Record<string, string | undefined>; errors: Errors; firstMember: boolean },
  status: Parameters<typeof renderPage>[1]['status'] = 200,
) {
  return renderPage(
    c,
    { title: 'Join', heading: `Join ${c.var.site.siteName}`, hasErrors: Object.keys(errors).length > 0, status },
    <>
      {firstMember ? (
        <p class="callout">
          You are the first person here, so this account will be the <strong>administrator</strong> of this server.
        </p>
      ) : (
        <p>Create your account, then fill in your profile so peers who do what you do can find you.</p>
      )}
      <ErrorSummary errors={errors} />
      <form method="post" action="/signup" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <input type="hidden" name="inviteCode" value={values.inviteCode ?? ''} />
        <input type="hidden" name="timeZone" value={values.timeZone ?? ''} />
        <TextField
          name="displayName"
          label="Your name"
          value={values.displayName}
          errors={errors}
          autocomplete="name"
          maxLength={80}
          required
          hint="The name people know you by."
        />
        <TextField
          name="handle"
          label="Handle"
          value={values.handle}
          errors={errors}
          autocomplete="username"
          maxLength={HANDLE_MAX}
          spellcheck={false}
          required
          hint={`Your address here, like @${'mslibrarian'}. Letters, digits and underscores; ${HANDLE_MAX} characters at most.`}
        />
        <TextField
          name="email"
          type="email"
          label="Email"
          value={values.email}
          errors={errors}
          autocomplete="email"
          required
          hint="Used to sign in and to reset your password. Never shown to others."
        />
        <TextField
          name="password"
          type="password"
          label="Password"
          errors={errors}
          autocomplete="new-password"
          required
          hint={`At least ${PASSWORD_MIN} characters. A few unrelated words make a strong one.`}
        />
        <div class="actions">
          <button type="submit">Create account</button>
          <a href="/login">I already have an account</a>
        </div>
      </form>
    </>,
  );
}

function signupClosed(c: AppContext, reason: string) {
  return renderPage(
    c,
    { title: 'Sign-up is not open', status: 403 },
    <>
      <p class="callout">{reason}</p>
      <p>
        Already a member? <a href="/login">Sign in</a>. You can still browse <a href="/people">the people directory</a>.
      </p>
    </>,
  );
}

function loginPage(
  c: AppContext,
  values: { login: string; next: string },
  errors: Errors,
  status: Parameters<typeof renderPage>[1]['status'] = 200,
) {
  return renderPage(
    c,
    { title: 'Sign in', hasErrors: Object.keys(errors).length > 0, status },
    <>
      <ErrorSummary errors={errors} />
      <form method="post" action="/login" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <input type="hidden" name="next" value={values.next} />
        <TextField
          name="login"
          label="Email or handle"
          value={values.login}
          errors={errors}
          autocomplete="username"
          spellcheck={false}
          required
        />
        <TextField name="password" type="password" label="Password" errors={errors} autocomplete="current-password" required />
        <div class="actions">
          <button type="submit">Sign in</button>
          <a href="/signup">Join instead</a>
        </div>
      </form>
      <p class="hint">Forgot your password? Ask the administrator of this server for a reset link.</p>
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
