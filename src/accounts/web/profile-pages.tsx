import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId, formErrors, RadioGroup, TextArea, TextField } from '../../web/forms.tsx';
import { Avatar, flash, type PageOptions } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { type Form, readForm } from '../../web/request.ts';
import { formatBytes, type ProcessedPhoto } from '../photos.ts';
import { editableProfile, type Profile } from '../profile.ts';
import { LINKS_MAX, PASSIONS_MAX, type ProfileInput, profileSchema } from '../profile-schemas.ts';
import type { AccountsService } from '../service.ts';
import { PlaceFields, RoleFields } from './profile-fields.tsx';
import { settingsPage } from './settings-views.tsx';

/** How many of the community's passions the profile form offers. */
const POPULAR_PASSIONS = 50;

/** The member's own profile, under Settings. */
export function profilePages(accounts: AccountsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/settings', (c) => c.redirect('/settings/profile'));

  app.get('/settings/profile', async (c) => {
    const viewer = requireViewer(c);
    const profile = await accounts.ownProfile(viewer.memberId);
    return profilePage(c, accounts, profileValues(profile), profile, {});
  });

  app.post('/settings/profile', async (c) => {
    const viewer = requireViewer(c);
    const { maxUploadBytes } = c.var.kernel.config;
    const current = await accounts.ownProfile(viewer.memberId);
    if (c.var.oversizedBody) {
      const message = `The photo is too large: the limit is ${formatBytes(maxUploadBytes)}. Nothing was saved; choose a smaller photo.`;
      return profilePage(c, accounts, profileValues(current), current, { photo: message }, 413);
    }
    const form = await readForm(c);
    const values = profileFromForm(form);
    const photo = form.file('photo');
    try {
      const { input, image } = await checkProfileForm(accounts, values, photo ? new Uint8Array(await photo.arrayBuffer()) : null);
      await accounts.updateProfile(viewer.memberId, input, { image, remove: form.text('removePhoto') === 'yes' });
    } catch (error) {
      const { errors, status } = formErrors(error);
      return profilePage(c, accounts, formValues(values), current, passionErrorsOnField(errors, values.passions), status);
    }
    flash(c, 'Your profile was saved.');
    return c.redirect('/settings/profile', 303);
  });

  return app;
}

/**
 * Checks the whole form (the fields with the profile schema, and the photo) before anything is
 * saved, so that every problem is reported at once.
 */
async function checkProfileForm(
  accounts: AccountsService,
  values: ReturnType<typeof profileFromForm>,
  bytes: Uint8Array | null,
): Promise<{ input: ProfileInput; image: ProcessedPhoto | undefined }> {
  const errors: UserError[] = [];
  const attempt = async <T,>(work: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      errors.push(error);
      return undefined;
    }
  };
  const input = await attempt(() => parseInput(profileSchema, values));
  const image = bytes ? await attempt(() => accounts.profiles.checkPhoto(bytes)) : undefined;
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw UserError.invalid(errors.flatMap((e) => e.issues));
  return { input: input!, image };
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

async function profilePage(
  c: AppContext,
  accounts: AccountsService,
  values: ProfileFormValues,
  current: Profile,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  // The passions the community uses most, to pick from without JavaScript (app.js narrows them as one types).
  const popular = await accounts.passionSuggestions('', POPULAR_PASSIONS);
  const { maxUploadBytes } = c.var.kernel.config;
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
        <RoleFields
          values={values}
          errors={errors}
          hint="Peers filter the directory by role: it is how a public librarian finds other public librarians."
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
        <PlaceFields values={values} errors={errors} />
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
        <datalist id="passion-suggestions">
          {popular.map((p) => (
            <option value={p.name} />
          ))}
        </datalist>
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
