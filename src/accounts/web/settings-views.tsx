import type { Child } from 'hono/jsx';
import type { AppContext } from '../../web/context.ts';
import { type PageOptions, renderSectionPage } from '../../web/layout.tsx';

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
