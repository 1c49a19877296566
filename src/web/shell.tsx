import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import { ASSET_VERSION } from './assets.ts';
import type { AppContext, AppEnv } from './context.ts';
import { Brand, HeadCommon } from './layout.tsx';
import { readForm, safeNext } from './request.ts';
import { THEME_COLORS, THEME_COOKIE, themeOf } from './theme.tsx';

/**
 * What makes the site an installable web app, and the theme choice: routes that belong to no
 * capability. `/manifest.webmanifest`, the service worker `/sw.js` (web/sw.js), the page it shows
 * without network (`/offline`), and `POST /theme`.
 */

/** What the service worker keeps: the static assets a page loads, and the offline page. */
export const PRECACHE: readonly string[] = [
  `/assets/app.css?v=${ASSET_VERSION}`,
  `/assets/app.js?v=${ASSET_VERSION}`,
  `/assets/icon.svg?v=${ASSET_VERSION}`,
  '/offline',
];

const WORKER = `self.CR_VERSION = ${JSON.stringify(ASSET_VERSION)};\nself.CR_PRECACHE = ${JSON.stringify(PRECACHE)};\n${readFileSync(
  join(import.meta.dirname, 'sw.js'),
  'utf8',
)}`;

/** A short name for a home screen: the site's name when short, else its first word(s) up to 12 characters. */
export function shortName(name: string): string {
  if ([...name].length <= 12) return name;
  let short = '';
  for (const word of name.split(/\s+/)) {
    const next = short ? `${short} ${word}` : word;
    if ([...next].length > 12) break;
    short = next;
  }
  return short || [...name].slice(0, 12).join('');
}

export function registerShell(app: Hono<AppEnv>): void {
  app.get('/manifest.webmanifest', (c) => {
    const site = c.var.site;
    const manifest = {
      id: '/',
      name: site.siteName,
      short_name: shortName(site.siteName),
      description: site.siteDescription,
      lang: 'en',
      start_url: '/stream',
      scope: '/',
      display: 'standalone',
      background_color: THEME_COLORS.light.background,
      theme_color: THEME_COLORS.light.bar,
      icons: [
        { src: `/assets/icon.svg?v=${ASSET_VERSION}`, sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        { src: `/assets/icon-192.png?v=${ASSET_VERSION}`, sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: `/assets/icon-512.png?v=${ASSET_VERSION}`, sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: `/assets/icon-maskable-512.png?v=${ASSET_VERSION}`, sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    };
    return c.body(JSON.stringify(manifest), 200, {
      'content-type': 'application/manifest+json; charset=utf-8',
      'cache-control': 'public, max-age=300',
    });
  });

  app.get('/sw.js', (c) =>
    c.body(WORKER, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'service-worker-allowed': '/',
      // Browsers check for a new worker on every visit; it names the current assets.
      'cache-control': 'no-cache',
    }),
  );

  app.get('/offline', (c) => c.html(<OfflinePage c={c} />));

  app.post('/theme', async (c) => {
    const form = await readForm(c);
    const theme = form.text('theme');
    if (theme === 'light' || theme === 'dark') {
      setCookie(c, THEME_COOKIE, theme, {
        path: '/',
        sameSite: 'Lax',
        secure: c.var.kernel.config.secureCookies,
        httpOnly: true,
        maxAge: 400 * 86_400,
      });
    } else {
      deleteCookie(c, THEME_COOKIE, { path: '/', secure: c.var.kernel.config.secureCookies });
    }
    return c.redirect(safeNext(c, form.text('back')), 303);
  });
}

/**
 * The page the service worker shows when a page cannot be reached. It is stored in the browser,
 * so it says nothing about who asked for it: no menu, no form, no token.
 */
function OfflinePage({ c }: { c: AppContext }) {
  const site = c.var.site;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en" data-theme={themeOf(c) ?? undefined}>
        <head>
          <HeadCommon c={c} />
          <title>{`You are offline · ${site.siteName}`}</title>
          <meta name="robots" content="noindex" />
        </head>
        <body class="offline">
          <header class="offline__header">
            <Brand c={c} class="offline__brand" />
          </header>
          <main id="main" class="offline__main">
            <h1>You are offline</h1>
            <p>This page could not be reached: your device seems to have no connection right now.</p>
            <p>Nothing you were reading is kept on this device: check your connection, then reload the page or try again.</p>
            <p>
              <a class="button" href="/stream">
                Try again
              </a>
            </p>
          </main>
        </body>
      </html>
    </>
  );
}
