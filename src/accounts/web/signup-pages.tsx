import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextField } from '../../web/forms.tsx';
import { flash, renderPage } from '../../web/layout.tsx';
import { startSession } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { AccountsService } from '../service.ts';
import { HANDLE_MAX, PASSWORD_MIN } from '../signup-schemas.ts';
import { requestMeta } from './session-pages.tsx';

/** Sign-up: the form, and the page saying why sign-up is not open. */
export function signupPages(accounts: AccountsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/signup', async (c) => {
    if (c.var.viewer) return c.redirect('/');
    const invite = c.req.query('invite');
    const state = await accounts.signupState(invite);
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
      const { member, sessionToken } = await accounts.signup(values, requestMeta(c));
      startSession(c, sessionToken);
      // The first member sets the server up (Start here lists what); everyone else starts the guided first minutes.
      if (member.is_admin) return c.redirect('/', 303);
      flash(c, `Welcome to ${c.var.site.siteName}! A few short steps, and you will have peers to learn from.`);
      return c.redirect('/welcome', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      const state = await accounts.signupState(values.inviteCode);
      if (!state.allowed && status === 403) return signupClosed(c, state.reason!);
      return signupPage(c, { values: { ...values, password: '' }, errors, firstMember: state.firstMember }, status);
    }
  });

  return app;
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
