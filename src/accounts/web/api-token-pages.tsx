import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, TextField } from '../../web/forms.tsx';
import { DataTable, flash, type PageOptions } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { ApiToken } from '../api-tokens.ts';
import type { AccountsService } from '../service.ts';
import { settingsPage } from './settings-views.tsx';

/** The member's API tokens, under Settings: make one (shown once), revoke one. */
export function apiTokenPages(accounts: AccountsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/settings/tokens', async (c) => {
    const viewer = requireViewer(c);
    return tokensPage(c, await accounts.listApiTokens(viewer.memberId), null);
  });

  app.post('/settings/tokens', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const token = await accounts.createApiToken(viewer.memberId, form.text('name'));
    return tokensPage(c, await accounts.listApiTokens(viewer.memberId), token, 201);
  });

  app.post('/settings/tokens/:id/revoke', async (c) => {
    const viewer = requireViewer(c);
    await accounts.revokeApiToken(viewer.memberId, Number(c.req.param('id')));
    flash(c, 'The token was revoked.');
    return c.redirect('/settings/tokens', 303);
  });

  return app;
}

function tokensPage(c: AppContext, tokens: ApiToken[], created: string | null, status: PageOptions['status'] = 200) {
  const when = (ms: number | null) => (ms ? new Date(ms).toISOString().slice(0, 10) : 'never');
  return settingsPage(
    c,
    { title: 'API tokens', status },
    <>
      <p>
        Tokens let scripts and apps use <a href="/api/v1/openapi.json">the API</a> as you: send{' '}
        <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      {created ? (
        <div class="notice" role="status">
          <p>Your new token (copy it now: it is not shown again):</p>
          <p class="code">{created}</p>
        </div>
      ) : null}
      <form method="post" action="/settings/tokens" class="stack">
        <CsrfField token={c.var.csrf} />
        <TextField name="name" optional label="Token name" maxLength={80} hint="What will use it, e.g. “Reading list script”." />
        <button type="submit">Create token</button>
      </form>
      {tokens.length > 0 ? (
        <DataTable caption="Your API tokens" hideCaption columns={['Name', 'Created', 'Last used']} actions>
          {tokens.map((t) => (
            <tr>
              <td>{t.name}</td>
              <td>{when(t.createdAt)}</td>
              <td>{when(t.lastUsedAt)}</td>
              <td>
                <form method="post" action={`/settings/tokens/${t.id}/revoke`} class="inline-form" data-confirm={`Revoke “${t.name}”?`}>
                  <CsrfField token={c.var.csrf} />
                  <button type="submit" class="button--small button--secondary">
                    Revoke<span class="visually-hidden"> {t.name}</span>
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </>,
  );
}
