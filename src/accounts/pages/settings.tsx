import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppContext, AppEnv } from '../../web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type Errors,
  fieldId,
  formErrors,
  RadioGroup,
  SelectField,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { Avatar, DataTable, flash, type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { type Form, readForm } from '../../web/request.ts';
import { ROLES } from '../roles.ts';
import { editableProfile, formatBytes, type Profile } from '../service.ts';
import { LINKS_MAX, PASSIONS_MAX, PASSWORD_MIN, TIME_ZONES } from '../validation.ts';

const TIME_ZONE_OPTIONS = [...TIME_ZONES].sort().map((tz) => ({ value: tz, label: tz.replace(/_/g, ' ') }));

/** The member's own settings: profile, password, API tokens. */
export function registerSettingsPages(app: Hono<AppEnv>): void {
  app.get('/settings', (c) => c.redirect('/settings/profile'));

  app.get('/settings/profile', async (c) => {
    const viewer = requireViewer(c);
    const profile = await c.var.services.accounts.ownProfile(viewer.memberId);
    return profilePage(c, profileValues(profile), profile, {});
  });

  app.post('/settings/profile', async (c) => {
    const viewer = requireViewer(c);
    const { accounts, config } = c.var.services;
    const current = await accounts.ownProfile(viewer.memberId);
    if (c.var.oversizedBody) {
      const message = `The photo is too large: the limit is ${formatBytes(config.maxUploadBytes)}. Nothing was saved; choose a smaller photo.`;
      return profilePage(c, profileValues(current), current, { photo: message }, 413);
    }
    const form = await readForm(c);
    const values = profileFromForm(form);
    const photo = form.file('photo');
    try {
      await accounts.updateProfile(viewer.memberId, values, {
        bytes: photo ? new Uint8Array(await photo.arrayBuffer()) : null,
        remove: form.text('removePhoto') === 'yes',
      });
    } catch (error) {
      const { errors, status } = formErrors(error);
      return profilePage(c, formValues(values), current, passionErrorsOnField(errors, values.passions), status);
    }
    flash(c, 'Your profile was saved.');
    return c.redirect('/settings/profile', 303);
  });

  app.get('/settings/account', async (c) => {
    const viewer = requireViewer(c);
    const profile = await c.var.services.accounts.ownProfile(viewer.memberId);
    return accountPage(c, profile.email, {});
  });

  app.post('/settings/account', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const { accounts } = c.var.services;
    try {
      await accounts.changePassword(
        viewer.memberId,
        form.text('currentPassword'),
        form.text('newPassword'),
        c.var.sessionToken ?? undefined,
      );
    } catch (error) {
      const { errors, status } = formErrors(error);
      return accountPage(c, (await accounts.ownProfile(viewer.memberId)).email, errors, status);
    }
    flash(c, 'Your password was changed. Other devices were signed out.');
    return c.redirect('/settings/account', 303);
  });

  app.get('/settings/tokens', async (c) => {
    const viewer = requireViewer(c);
    return tokensPage(c, await c.var.services.accounts.listApiTokens(viewer.memberId), null);
  });

  app.post('/settings/tokens', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const { accounts } = c.var.services;
    const token = await accounts.createApiToken(viewer.memberId, form.text('name'));
    return tokensPage(c, await accounts.listApiTokens(viewer.memberId), token, 201);
  });

  app.post('/settings/tokens/:id/revoke', async (c) => {
    const viewer = requireViewer(c);
    await c.var.services.accounts.revokeApiToken(viewer.memberId, Number(c.req.param('id')));
    flash(c, 'The token was revoked.');
    return c.redirect('/settings/tokens', 303);
  });
}

/** The profile form's values: the editable profile with passions as one comma-separated field. */
type ProfileFormValues = Omit<ReturnType<typeof editableProfile>, 'passions' | 'profileVisibility'> & {
  passions: string;
  profileVisibility: string;
};

function profileValues(p: Profile): ProfileFormValues {
  const input = editableProfile(p);
  return { ...input, passions: input.passions.join(', ') };
}

/** The form's fields in the shape of the profile schema (blank link rows dropped). */
function profileFromForm(form: Form) {
  const labels = form.texts('linkLabel');
  const links = form
    .texts('linkUrl')
    .map((url, i) => ({ label: labels[i] ?? '', url }))
    .filter((l) => l.url.trim() || l.label.trim());
  return {
    displayName: form.text('displayName'),
    bio: form.text('bio'),
    role: form.text('role') || null,
    roleOther: form.text('roleOther'),
    organisation: form.text('organisation'),
    location: form.text('location'),
    timeZone: form.text('timeZone'),
    passions: form
      .text('passions')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    links,
    profileVisibility: form.text('profileVisibility'),
  };
}

/** Passions are one text field: "passions.2" errors are shown on it, naming the passion. */
function passionErrorsOnField(errors: Errors, passions: string[]): Errors {
  const result: Errors = {};
  for (const [path, message] of Object.entries(errors)) {
    const index = /^passions\.(\d+)$/.exec(path)?.[1];
    if (index === undefined) result[path] = message;
    else result.passions ??= `“${passions[Number(index)]}”: ${message}`;
  }
  return result;
}

function formValues(v: ReturnType<typeof profileFromForm>): ProfileFormValues {
  return { ...v, passions: v.passions.join(', ') };
}

const SETTINGS = {
  label: 'Settings',
  items: [
    ['/settings/profile', 'Profile'],
    ['/settings/account', 'Password'],
    ['/settings/privacy', 'Privacy'],
    ['/settings/tokens', 'API tokens'],
  ],
} as const;

/** A page under Settings (other capabilities add their own, e.g. privacy). */
export function settingsPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, SETTINGS, { ...options, noindex: true }, body);
}

function profilePage(c: AppContext, values: ProfileFormValues, current: Profile, errors: Errors, status: PageOptions['status'] = 200) {
  const { maxUploadBytes } = c.var.services.config;
  const linkRows = [...values.links, ...Array.from({ length: 2 }, () => ({ label: '', url: '' }))].slice(0, LINKS_MAX);
  const hasErrors = Object.keys(errors).length > 0;
  return settingsPage(
    c,
    { title: 'Your profile', hasErrors, status },
    <>
      <p>
        Your profile is how peers find you in <a href="/people">the directory</a>. See it as others do at{' '}
        <a href={`/@${current.handle}`}>@{current.handle}</a>.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/settings/profile" enctype="multipart/form-data" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <div class={`field${errors.photo ? ' field--error' : ''}`}>
          <label for={fieldId('photo')}>
            Photo <span class="optional">(optional)</span>
          </label>
          <p class="hint" id={`${fieldId('photo')}-hint`}>
            JPEG, PNG, WebP, GIF or AVIF, up to {formatBytes(maxUploadBytes)}. It is cropped square and location data is removed.
          </p>
          {errors.photo ? (
            <p class="field-error" id={`${fieldId('photo')}-error`}>
              <span class="visually-hidden">Error: </span>
              {errors.photo}
            </p>
          ) : null}
          <div class="photo-field">
            <Avatar url={current.avatarUrl} name={current.displayName} size={56} />
            <input
              type="file"
              id={fieldId('photo')}
              name="photo"
              accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
              data-max-bytes={String(maxUploadBytes)}
              aria-invalid={errors.photo ? 'true' : undefined}
              aria-describedby={`${fieldId('photo')}-hint${errors.photo ? ` ${fieldId('photo')}-error` : ''}`}
            />
          </div>
          {current.avatarUrl ? (
            <div class="choice">
              <input type="checkbox" id="remove-photo" name="removePhoto" value="yes" />
              <label for="remove-photo">Remove my photo</label>
            </div>
          ) : null}
        </div>
        <TextField name="displayName" label="Name" value={values.displayName} errors={errors} autocomplete="name" maxLength={80} required />
        <SelectField
          name="role"
          optional
          label="Role"
          value={values.role}
          errors={errors}
          placeholder="Choose the role closest to what you do"
          options={ROLES.map((r) => ({ value: r.key, label: r.label }))}
          hint="Peers filter the directory by role: it is how a public librarian finds other public librarians."
        />
        <TextField
          name="roleOther"
          optional
          label="Your role in your own words"
          value={values.roleOther}
          errors={errors}
          maxLength={60}
          hint={'Only needed when you chose "Other", e.g. "Youth services coordinator".'}
        />
        <TextField
          name="organisation"
          optional
          label="Organisation"
          value={values.organisation}
          errors={errors}
          autocomplete="organization"
          maxLength={120}
        />
        <TextField
          name="location"
          optional
          label="Location"
          value={values.location}
          errors={errors}
          maxLength={120}
          hint="A town, region or country; as precise as you like."
        />
        <SelectField
          name="timeZone"
          label="Time zone"
          value={values.timeZone}
          errors={errors}
          options={TIME_ZONE_OPTIONS}
          required
          hint="Chats and events are shown in your time zone."
        />
        <TextField
          name="passions"
          optional
          label="Passions"
          value={values.passions}
          errors={errors}
          list="passion-suggestions"
          maxLength={600}
          hint={`What you care about, separated by commas (at most ${PASSIONS_MAX}), e.g. "Graphic novels, Makerspaces, Trauma-informed practice".`}
        />
        <datalist id="passion-suggestions"></datalist>
        <TextArea
          name="bio"
          optional
          label="About you"
          value={values.bio}
          errors={errors}
          rows={5}
          maxLength={500}
          hint="A few lines: what you do, what you are learning, what you can help others with. 500 characters at most."
        />
        <fieldset class="field">
          <legend>Links</legend>
          <p class="hint">Your blog, website or other social accounts.</p>
          <div class="link-rows">
            {linkRows.map((link, i) => (
              <div class="link-row">
                <div class={errors[`links.${i}.label`] ? 'field--error' : ''}>
                  <label for={fieldId(`links.${i}.label`)}>Label {i + 1}</label>
                  {errors[`links.${i}.label`] ? (
                    <p class="field-error" id={`${fieldId(`links.${i}.label`)}-error`}>
                      {errors[`links.${i}.label`]}
                    </p>
                  ) : null}
                  <input
                    type="text"
                    id={fieldId(`links.${i}.label`)}
                    name="linkLabel"
                    value={link.label}
                    maxlength={40}
                    aria-invalid={errors[`links.${i}.label`] ? 'true' : undefined}
                    aria-describedby={errors[`links.${i}.label`] ? `${fieldId(`links.${i}.label`)}-error` : undefined}
                  />
                </div>
                <div class={errors[`links.${i}.url`] ? 'field--error' : ''}>
                  <label for={fieldId(`links.${i}.url`)}>Address {i + 1}</label>
                  {errors[`links.${i}.url`] ? (
                    <p class="field-error" id={`${fieldId(`links.${i}.url`)}-error`}>
                      {errors[`links.${i}.url`]}
                    </p>
                  ) : null}
                  <input
                    type="url"
                    id={fieldId(`links.${i}.url`)}
                    name="linkUrl"
                    value={link.url}
                    maxlength={300}
                    inputmode="url"
                    aria-invalid={errors[`links.${i}.url`] ? 'true' : undefined}
                    aria-describedby={errors[`links.${i}.url`] ? `${fieldId(`links.${i}.url`)}-error` : undefined}
                  />
                </div>
              </div>
            ))}
          </div>
          {errors.links ? <p class="field-error">{errors.links}</p> : null}
        </fieldset>
        <RadioGroup
          name="profileVisibility"
          label="Who can see your profile"
          value={values.profileVisibility}
          errors={errors}
          options={[
            { value: 'public', label: 'Everyone', hint: '(recommended: peers on other servers and search engines can find you)' },
            { value: 'members', label: 'Signed-in members of this server only' },
          ]}
        />
        <div class="actions">
          <button type="submit">Save profile</button>
        </div>
      </form>
    </>,
  );
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

function tokensPage(
  c: AppContext,
  tokens: Array<{ id: number; name: string; createdAt: number; lastUsedAt: number | null }>,
  created: string | null,
  status: PageOptions['status'] = 200,
) {
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
