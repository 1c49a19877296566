import { Hono } from 'hono';
import { settingsPage } from '../../accounts/index.ts';
import { UserError } from '../../platform/errors.ts';
import type { AppEnv } from '../../web/context.ts';
import { CsrfField, RadioGroup } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { PrivacyValues } from '../privacy.ts';
import type { SocialService } from '../service.ts';

/** Privacy settings: whether new followers need approval, and the choices other capabilities register (see privacy.ts). */
export function privacyPages(social: SocialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { privacy } = social;

  app.get('/settings/privacy', async (c) => {
    const viewer = requireViewer(c);
    const values = await privacy.get(viewer);
    return settingsPage(
      c,
      { title: 'Privacy' },
      <form method="post" action="/settings/privacy" class="stack">
        <CsrfField token={c.var.csrf} />
        <RadioGroup
          name="locked"
          label="Who can follow you"
          value={values.locked ? 'yes' : 'no'}
          options={[
            { value: 'no', label: 'Anyone, right away' },
            { value: 'yes', label: 'People I approve', hint: '(new followers send a request you accept or decline)' },
          ]}
        />
        {privacy.settings.map((setting) => (
          <fieldset class="field">
            <legend>{setting.legend}</legend>
            <input type="hidden" name={`${setting.name}Shown`} value="yes" />
            <div class="choice">
              <input
                type="checkbox"
                id={`field-${setting.name}`}
                name={setting.name}
                value="yes"
                checked={values[setting.name]}
                aria-describedby={`field-${setting.name}-hint`}
              />
              <label for={`field-${setting.name}`}>{setting.label}</label>
            </div>
            <p class="hint" id={`field-${setting.name}-hint`}>
              {setting.hint}
            </p>
          </fieldset>
        ))}
        <p class="hint">Choose who sees each post when you write it. Who can see your profile is under Profile.</p>
        <button type="submit">Save</button>
      </form>,
    );
  });

  app.post('/settings/privacy', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const value = form.text('locked');
    if (value !== 'yes' && value !== 'no') throw UserError.field('locked', 'Choose who can follow you.');
    const changes: Partial<PrivacyValues> = { locked: value === 'yes' };
    // An unticked checkbox sends nothing: the hidden field says the form showed it.
    for (const setting of privacy.settings) {
      if (form.text(`${setting.name}Shown`) === 'yes') changes[setting.name] = form.text(setting.name) === 'yes';
    }
    await privacy.update(viewer, changes);
    flash(c, value === 'yes' ? 'New followers now need your approval.' : 'Anyone can follow you; waiting requests were accepted.');
    return c.redirect('/settings/privacy', 303);
  });
  return app;
}
