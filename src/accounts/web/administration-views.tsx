import type { Child } from 'hono/jsx';
import { BaseUrlWarning } from '../../web/base-url-warning.tsx';
import type { AppContext } from '../../web/context.ts';
import { type PageOptions, renderSectionPage } from '../../web/layout.tsx';

/** The sections under Administration (other capabilities add their own pages: reports, federation). */
export const ADMINISTRATION = {
  label: 'Administration',
  items: [
    ['/admin', 'Site'],
    ['/admin/members', 'Members'],
    ['/admin/passions', 'Passions'],
    ['/admin/reports', 'Reports'],
    ['/admin/invites', 'Invitations'],
    ['/admin/federation', 'Federation'],
    ['/admin/starter-sources', 'Starter sources'],
  ],
} as const;

/** A page under Administration. */
export function adminPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(
    c,
    ADMINISTRATION,
    { ...options, noindex: true },
    <>
      <BaseUrlWarning c={c} />
      {body}
    </>,
  );
}
