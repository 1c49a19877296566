import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { ASSET_VERSION } from './assets.ts';
import type { AsideCard, AsidePlace, NavEntry } from './capability.ts';
import type { AppContext } from './context.ts';
import { Icon } from './icons.tsx';
import { THEME_COLORS, ThemeForm, themeOf } from './theme.tsx';

function isCurrent(path: string, item: NavEntry): boolean {
  return [item.href, ...(item.also ?? [])].some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** How many main places the phone's bottom tab bar holds; the rest are in the menu. */
export const TAB_BAR_SIZE = 5;

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
  /**
   * Context beside the main column (who to follow, upcoming chats …): the right-hand column on
   * wide screens, after the main content on narrow ones, in a complementary landmark.
   */
  aside?: Child;
  /** The aside's accessible name (default "Related"). */
  asideLabel?: string;
  /**
   * The kind of page, for the context cards the capabilities contribute to it (who to follow,
   * upcoming chats, trending hashtags …): they fill the aside, after the page's own `aside`.
   */
  context?: AsidePlace;
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
      aside={options.aside}
      asideLabel={options.asideLabel ?? 'Related'}
      context={options.context}
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

/** What every page's <head> carries: metadata, theme colours, the manifest, the stylesheet and script. */
export function HeadCommon({ c }: { c: AppContext }) {
  const theme = themeOf(c);
  return (
    <>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
      <meta name="color-scheme" content={theme ?? 'light dark'} />
      {theme ? (
        <meta name="theme-color" content={THEME_COLORS[theme].bar} />
      ) : (
        <>
          <meta name="theme-color" media="(prefers-color-scheme: light)" content={THEME_COLORS.light.bar} />
          <meta name="theme-color" media="(prefers-color-scheme: dark)" content={THEME_COLORS.dark.bar} />
        </>
      )}
      <link rel="manifest" href="/manifest.webmanifest" />
      <link rel="stylesheet" href={`/assets/app.css?v=${ASSET_VERSION}`} />
      <link rel="icon" href={`/assets/icon.svg?v=${ASSET_VERSION}`} type="image/svg+xml" />
      <link rel="apple-touch-icon" href={`/assets/icon-192.png?v=${ASSET_VERSION}`} />
      <script src={`/assets/app.js?v=${ASSET_VERSION}`} defer></script>
    </>
  );
}

/** The site's name and mark, linking home. */
export function Brand({ c, class: className }: { c: AppContext; class: string }) {
  return (
    <a class={`site-name ${className}`} href="/">
      <img src={`/assets/icon.svg?v=${ASSET_VERSION}`} alt="" width="28" height="28" />
      <span class="site-name__text">{c.var.site.siteName}</span>
    </a>
  );
}

async function Layout(props: {
  c: AppContext;
  title: string;
  heading: string | null;
  hasErrors: boolean;
  notice: string | null;
  description: string | undefined;
  noindex: boolean;
  alternates: ReadonlyArray<{ href: string; type: string; title: string }>;
  aside: Child | undefined;
  asideLabel: string;
  context: AsidePlace | undefined;
  children?: Child;
}) {
  const { c } = props;
  const site = c.var.site;
  const path = c.req.path;
  const main = placesFor(c, 'main');
  const cards = props.context ? await contextCards(c, props.context) : [];
  const hasAside = (props.aside !== undefined && props.aside !== null && props.aside !== false) || cards.length > 0;
  return (
    <html lang="en" data-theme={themeOf(c) ?? undefined}>
      <head>
        <HeadCommon c={c} />
        <title>{`${props.hasErrors ? 'Error: ' : ''}${props.title} · ${site.siteName}`}</title>
        <meta name="description" content={props.description ?? site.siteDescription} />
        {props.noindex ? <meta name="robots" content="noindex" /> : null}
        {props.alternates.map((a) => (
          <link rel="alternate" type={a.type} href={a.href} title={a.title} />
        ))}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to main content
        </a>
        <div class={hasAside ? 'shell shell--aside' : 'shell'}>
          <header class="shell__nav">
            <div class="topbar">
              <Brand c={c} class="topbar__brand" />
              <TopBarActions c={c} extra={main.slice(TAB_BAR_SIZE)} path={path} />
            </div>
            <Brand c={c} class="rail__brand" />
            <nav class="rail" aria-label="Main">
              <ul class="rail__list">
                {main.map((item, index) => (
                  <li class={index < TAB_BAR_SIZE ? 'rail__item' : 'rail__item rail__item--extra'}>
                    <a class="rail__link" href={item.href} aria-current={isCurrent(path, item) ? 'page' : undefined}>
                      <Icon name={item.icon} />
                      <span class="rail__label">{item.label}</span>
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <MemberMenu c={c} />
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
          {hasAside ? (
            <aside class="shell__aside" aria-label={props.asideLabel}>
              {props.aside}
              {cards.map(({ card, content }) => (
                <section class={`context-card context-card--${card.name}`} aria-labelledby={`aside-${card.name}`}>
                  <h2 id={`aside-${card.name}`}>{card.title}</h2>
                  {content}
                </section>
              ))}
            </aside>
          ) : null}
        </div>
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

/**
 * The context cards of a kind of page that have something to show, rendered together. A card
 * that fails is logged and left out: the page around it still answers.
 */
async function contextCards(c: AppContext, place: AsidePlace): Promise<Array<{ card: AsideCard; content: Child }>> {
  const viewer = c.var.viewer;
  const cards = (c.var.asides ?? []).filter((card) => card.places.includes(place) && (!card.membersOnly || viewer));
  const rendered = await Promise.all(
    cards.map(async (card) => {
      try {
        const content = await card.render(c, place);
        return content === null ? null : { card, content };
      } catch (error) {
        c.var.kernel?.logger.error({ err: error, card: card.name, path: c.req.path }, 'context card failed');
        return null;
      }
    }),
  );
  return rendered.filter((r) => r !== null);
}

/** The navigation entries of one place that this viewer may see. */
function placesFor(c: AppContext, place: 'main' | 'account'): readonly NavEntry[] {
  const viewer = c.var.viewer;
  return c.var.nav.filter(
    (item) => (item.place ?? 'main') === place && (!item.membersOnly || viewer) && (!item.adminOnly || viewer?.isAdmin),
  );
}

interface AccountPlace {
  item: NavEntry;
  /** Its count (unread notifications …), or null when it has none. */
  count: number | null;
}

/** Counted once per request, though the rail and the top bar both show them. */
const counted = new WeakMap<AppContext, Promise<AccountPlace[]>>();

/** The member's own places with their counts. */
function accountPlaces(c: AppContext): Promise<AccountPlace[]> {
  const viewer = c.var.viewer;
  if (!viewer) return Promise.resolve([]);
  let places = counted.get(c);
  if (!places) {
    places = Promise.all(placesFor(c, 'account').map(async (item) => ({ item, count: item.badge ? await item.badge(viewer) : null })));
    counted.set(c, places);
  }
  return places;
}

/** A count beside a place: visible when not zero, and said in words for screen readers. */
function Count({ count }: { count: number | null }) {
  if (count === null) return null;
  return (
    <>
      <span class="badge" data-unread hidden={count === 0}>
        {count}
      </span>
      <span class="visually-hidden" data-unread-label>
        {count === 1 ? ' (1 unread)' : count > 1 ? ` (${count} unread)` : ''}
      </span>
    </>
  );
}

function SignOut({ c }: { c: AppContext }) {
  return (
    <form method="post" action="/logout" class="inline-form">
      <input type="hidden" name="_csrf" value={c.var.csrf} />
      <button type="submit" class="nav-button">
        <Icon name="sign-out" />
        <span>Sign out</span>
      </button>
    </form>
  );
}

/** The member's menu in the desktop rail: their profile, their places, the theme, signing out. */
async function MemberMenu({ c }: { c: AppContext }) {
  const viewer = c.var.viewer;
  if (!viewer) {
    return (
      <nav class="member-menu" aria-label="Account">
        <ul>
          <li>
            <a class="nav-link" href="/login">
              <Icon name="user" />
              <span>Sign in</span>
            </a>
          </li>
          <li>
            <a class="button" href="/signup">
              Join
            </a>
          </li>
        </ul>
        <ThemeForm c={c} />
      </nav>
    );
  }
  const places = await accountPlaces(c);
  return (
    <nav class="member-menu" aria-label="Account">
      <ul>
        <li>
          <a href={`/@${viewer.handle}`} class="nav-link member-menu__me">
            <Avatar url={viewer.avatarUrl} name={viewer.displayName} size={28} />
            <span>
              <span class="visually-hidden">Your profile: </span>@{viewer.handle}
            </span>
          </a>
        </li>
        {places.map(({ item, count }) => (
          <li>
            <a
              class="nav-link"
              href={item.href}
              data-live-badge={item.liveBadge}
              aria-current={isCurrent(c.req.path, item) ? 'page' : undefined}
            >
              <Icon name={item.icon} />
              <span>
                {item.label}
                <Count count={count} />
              </span>
            </a>
          </li>
        ))}
        <li>
          <SignOut c={c} />
        </li>
      </ul>
      <ThemeForm c={c} />
    </nav>
  );
}

/**
 * The phone's and tablet's top bar, right of the site's name: places with a count (notifications)
 * as icons, and a menu (a disclosure that needs no script) with everything the tab bar has no
 * room for: the member's profile and places, the other main places, the theme, signing in or out.
 */
async function TopBarActions({ c, extra, path }: { c: AppContext; extra: readonly NavEntry[]; path: string }) {
  const viewer = c.var.viewer;
  const places = await accountPlaces(c);
  const withCount = places.filter((p) => p.count !== null);
  return (
    <div class="topbar__actions">
      {viewer ? null : (
        <a class="topbar__join button button--small" href="/signup">
          Join
        </a>
      )}
      {withCount.map(({ item, count }) => (
        <a class="topbar__icon" href={item.href} aria-current={isCurrent(path, item) ? 'page' : undefined}>
          <Icon name={item.icon} />
          <span class="visually-hidden">{item.label}</span>
          <Count count={count} />
        </a>
      ))}
      <details class="menu">
        <summary class="menu__button">
          {viewer ? <Avatar url={viewer.avatarUrl} name={viewer.displayName} size={28} /> : <Icon name="more" />}
          <span class="visually-hidden">Menu</span>
        </summary>
        <nav class="menu__panel" aria-label="Account">
          <ul>
            {viewer ? (
              <li>
                <a class="nav-link" href={`/@${viewer.handle}`}>
                  <Icon name="user" />
                  <span>
                    <span class="visually-hidden">Your profile: </span>@{viewer.handle}
                  </span>
                </a>
              </li>
            ) : (
              <li>
                <a class="nav-link" href="/login">
                  <Icon name="user" />
                  <span>Sign in</span>
                </a>
              </li>
            )}
            {places
              .filter((p) => p.count === null)
              .map(({ item }) => (
                <li>
                  <a class="nav-link" href={item.href} aria-current={isCurrent(path, item) ? 'page' : undefined}>
                    <Icon name={item.icon} />
                    <span>{item.label}</span>
                  </a>
                </li>
              ))}
            {extra.map((item) => (
              <li class="menu__extra">
                <a class="nav-link" href={item.href} aria-current={isCurrent(path, item) ? 'page' : undefined}>
                  <Icon name={item.icon} />
                  <span>{item.label}</span>
                </a>
              </li>
            ))}
            {viewer ? (
              <li>
                <SignOut c={c} />
              </li>
            ) : null}
          </ul>
          <ThemeForm c={c} />
        </nav>
      </details>
    </div>
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
