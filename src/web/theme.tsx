import { getCookie } from 'hono/cookie';
import type { AppContext } from './context.ts';
import { Icon } from './icons.tsx';

/**
 * Light and dark themes. The stylesheet follows the system's `prefers-color-scheme`; a member
 * (or visitor) may choose one instead, kept in the `cr_theme` cookie and given to the page as
 * `<html data-theme>`. The choice is a plain form (no script needed).
 */
export const THEME_COOKIE = 'cr_theme';

export type Theme = 'light' | 'dark';

export const THEMES: ReadonlyArray<{ value: Theme | 'system'; label: string; icon: string }> = [
  { value: 'system', label: 'System', icon: 'system' },
  { value: 'light', label: 'Light', icon: 'sun' },
  { value: 'dark', label: 'Dark', icon: 'moon' },
];

/** The colours outside the stylesheet (browser bars, the manifest), the same as its tokens. */
export const THEME_COLORS: Record<Theme, { bar: string; background: string }> = {
  light: { bar: '#143f59', background: '#f3f5f7' },
  dark: { bar: '#10161c', background: '#10161c' },
};

/** The theme chosen in the cookie, or null to follow the system. */
export function themeOf(c: AppContext): Theme | null {
  const value = getCookie(c, THEME_COOKIE);
  return value === 'light' || value === 'dark' ? value : null;
}

/** Three buttons (System, Light, Dark); the current one is pressed. */
export function ThemeForm({ c }: { c: AppContext }) {
  const current = themeOf(c) ?? 'system';
  const url = new URL(c.req.url);
  return (
    <form method="post" action="/theme" class="theme-form">
      <input type="hidden" name="_csrf" value={c.var.csrf} />
      <input type="hidden" name="back" value={url.pathname + url.search} />
      <fieldset>
        <legend>Theme</legend>
        <div class="theme-form__choices">
          {THEMES.map((t) => (
            <button
              type="submit"
              name="theme"
              value={t.value}
              class="theme-form__choice"
              aria-pressed={t.value === current ? 'true' : 'false'}
            >
              <Icon name={t.icon} size={16} />
              <span>{t.label}</span>
            </button>
          ))}
        </div>
      </fieldset>
    </form>
  );
}
