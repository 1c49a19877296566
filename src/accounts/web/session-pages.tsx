import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextField } from '../../web/forms.tsx';
import { renderPage } from '../../web/layout.tsx';
import { endSession, startSession } from '../../web/middleware.ts';
import { readForm, safeNext } from '../../web/request.ts';
import type { AccountsService } from '../service.ts';
import type { RequestMeta } from '../sessions.ts';

/** Signing in and out. */
export function sessionPages(accounts: AccountsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/login', (c) => {
    if (c.var.viewer) return c.redirect(safeNext(c, c.req.query('next')));
    return loginPage(c, { login: '', next: safeNext(c, c.req.query('next')) }, {});
  });

  app.post('/login', async (c) => {
    const form = await readForm(c);
    const login = form.text('login');
    const next = safeNext(c, form.text('next'));
    try {
      const { sessionToken } = await accounts.login(login, form.text('password'), requestMeta(c));
      startSession(c, sessionToken);
      return c.redirect(next, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      if (status === 429) c.header('retry-after', '60');
      return loginPage(c, { login, next }, errors, status);
    }
  });

  app.post('/logout', async (c) => {
    if (c.var.sessionToken) await accounts.logout(c.var.sessionToken);
    endSession(c);
    return c.redirect('/', 303);
  });

  return app;
}

/** Where a request comes from, for sign-in and sign-up. */
export function requestMeta(c: AppContext): RequestMeta {
  return { ip: c.var.ip, userAgent: c.req.header('user-agent') ?? null };
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
          <a href="/forgot-password">Forgot your password?</a>
          <a href="/signup">Join instead</a>
        </div>
      </form>
    </>,
  );
}
