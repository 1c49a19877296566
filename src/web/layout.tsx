import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { ASSET_VERSION } from './assets.ts';
import type { NavEntry } from './capability.ts';
import type { AppContext } from './context.ts';

function isCurrent(path: string, item: NavEntry): boolean {
  return [item.href, ...(item.also ?? [])].some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

export interface PageOptions {
  title: string;
  /** Visible heading; defaults to the title. Pass null when the page draws its own. */
  heading?: string | null;
  /** Prefixes the document title with "Error:" so screen readers hear it first. */
  hasErrors?: boolean;
  status?: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 502 | 503;
  description?: string;
  /** Keep search engines out of private pages. */
  noindex?: boolean;
  /** Feeds of the page (`<link rel="alternate">`), so feed readers find them. */
  alternates?: ReadonlyArray<{ href: string; type: string; title: string }>;
}

const FLASH_COOKIE = 'cr_flash';

/** A one-time message shown on the next page (after a redirect). */
export function flash(c: AppContext, message: string): void {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(message.slice(0, 300)), { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 60 });
}

/** Renders a full page in the site layout. */
export function renderPage(c: AppContext, options: PageOptions, body: Child) {
  let notice: string | null = null;
  const flashed = getCookie(c, FLASH_COOKIE);
  if (flashed) {
    deleteCookie(c, FLASH_COOKIE, { path: '/' });
    try {
      notice = decodeURIComponent(flashed);
    } catch {
      notice = null;
    }
  }
  const page = (
    <Layout
      c={c}
      title={options.title}
      heading={options.heading === undefined ? options.title : options.heading}
      hasErrors={options.hasErrors ?? false}
      notice={notice}
      description={options.description}
      noindex={options.noindex ?? false}
      alternates={options.alternates ?? []}
    >
      {body}
    </Layout>
  );
  return c.html(
    <>
      {raw('<!doctype html>')}
      {page}
    </>,
    options.status ?? 200,
  );
}

function Layout(props: {
  c: AppContext;
  title: string;
  heading: string | null;
  hasErrors: boolean;
  notice: string | null;
  description: string | undefined;
  noindex: boolean;
  alternates: ReadonlyArray<{ href: string; type: string; title: string }>;
  children?: Child;
}) {
  const { c } = props;
  const site = c.var.site;
  const path = c.req.path;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.hasErrors ? 'Error: ' : ''}${props.title} · ${site.siteName}`}</title>
        <meta name="description" content={props.description ?? site.siteDescription} />
        {props.noindex ? <meta name="robots" content="noindex" /> : null}
        {props.alternates.map((a) => (
          <link rel="alternate" type={a.type} href={a.href} title={a.title} />
        ))}
        <link rel="stylesheet" href={`/assets/app.css?v=${ASSET_VERSION}`} />
        <link rel="icon" href={`/assets/icon.svg?v=${ASSET_VERSION}`} type="image/svg+xml" />
        <script src={`/assets/app.js?v=${ASSET_VERSION}`} defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to main content
        </a>
        <header class="site-header">
          <div class="site-header__inner">
            <a class="site-name" href="/">
              <img src={`/assets/icon.svg?v=${ASSET_VERSION}`} alt="" width="28" height="28" />
              <span>{site.siteName}</span>
            </a>
            <MemberMenu c={c} />
          </div>
          <nav class="main-nav" aria-label="Main">
            <ul>
              {placesFor(c, 'main').map((item) => (
                <li>
                  <a href={item.href} aria-current={isCurrent(path, item) ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main" tabindex={-1}>
          {props.notice ? (
            <p class="notice" role="status">
              {props.notice}
            </p>
          ) : null}
          {props.heading !== null ? <h1>{props.heading}</h1> : null}
          {props.children}
        </main>
        <footer class="site-footer">
          <p>{site.siteDescription}</p>
          <p>
            <a href="/about">About this server</a> · <a href="/api/v1/openapi.json">API</a> · Powered by Commonroom
          </p>
        </footer>
      </body>
    </html>
  );
}

/** The navigation entries of one place that this viewer may see. */
function placesFor(c: AppContext, place: 'main' | 'account'): readonly NavEntry[] {
  const viewer = c.var.viewer;
  return c.var.nav.filter(
    (item) => (item.place ?? 'main') === place && (!item.membersOnly || viewer) && (!item.adminOnly || viewer?.isAdmin),
  );
}

async function MemberMenu({ c }: { c: AppContext }) {
  const viewer = c.var.viewer;
  const csrf = c.var.csrf;
  if (!viewer) {
    return (
      <nav class="member-menu" aria-label="Account">
        <ul>
          <li>
            <a href="/login">Sign in</a>
          </li>
          <li>
            <a class="button button--small" href="/signup">
              Join
            </a>
          </li>
        </ul>
      </nav>
    );
  }
  const places = await Promise.all(
    placesFor(c, 'account').map(async (item) => ({ item, count: item.badge ? await item.badge(viewer) : null })),
  );
  return (
    <nav class="member-menu" aria-label="Account">
      <ul>
        <li>
          <a href={`/@${viewer.handle}`} class="member-menu__me">
            <Avatar url={viewer.avatarUrl} name={viewer.displayName} size={28} />
            <span>
              <span class="visually-hidden">Your profile: </span>@{viewer.handle}
            </span>
          </a>
        </li>
        {places.map(({ item, count }) => (
          <li>
            <a href={item.href} data-live-badge={item.liveBadge}>
              {item.label}
              {count === null ? null : (
                <>
                  <span class="badge" data-unread hidden={count === 0}>
                    {count}
                  </span>
                  <span class="visually-hidden" data-unread-label>
                    {count === 1 ? ' (1 unread)' : count > 1 ? ` (${count} unread)` : ''}
                  </span>
                </>
              )}
            </a>
          </li>
        ))}
        <li>
          <form method="post" action="/logout" class="inline-form">
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit" class="link-button">
              Sign out
            </button>
          </form>
        </li>
      </ul>
    </nav>
  );
}

/** A page inside a section with its own tabs (stream, settings, administration): the tabs, then the body. */
export function renderSectionPage(
  c: AppContext,
  section: { label: string; items: ReadonlyArray<readonly [href: string, label: string]> },
  options: PageOptions,
  body: Child,
) {
  return renderPage(
    c,
    options,
    <>
      <nav aria-label={section.label} class="subnav">
        <ul class="tags">
          {section.items.map(([href, label]) => (
            <li>
              <a class="tag" href={href} aria-current={c.req.path === href ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {body}
    </>,
  );
}

/**
 * A table of records that scrolls sideways on small screens: a caption (visible, or for screen
 * readers only), column headings, and an unlabelled last column for row actions when `actions`.
 */
export function DataTable(props: {
  caption: Child;
  hideCaption?: boolean;
  columns: readonly string[];
  actions?: boolean;
  children?: Child;
}) {
  return (
    <div class="table-wrap">
      <table>
        <caption class={props.hideCaption ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
            {props.actions ? (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A member's photo, or their initials on a coloured disc. Decorative next to their name. */
export function Avatar({ url, name, size }: { url: string | null; name: string; size: number }) {
  if (url) return <img class={`avatar avatar--${size}`} src={url} alt="" width={size} height={size} loading="lazy" />;
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join('');
  // Twelve colour classes (inline styles are barred by the Content-Security-Policy).
  let hue = 0;
  for (const ch of name) hue = (hue * 31 + ch.codePointAt(0)!) % 12;
  return (
    <span class={`avatar avatar--initials avatar--${size} avatar--hue-${hue}`} aria-hidden="true">
      {initials || '?'}
    </span>
  );
}
