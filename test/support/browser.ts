import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AxeResults, ImpactValue, Result, RunOptions } from 'axe-core';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page, type Response } from 'playwright-core';
import sharp from 'sharp';
import { SESSION_COOKIE } from '../../src/web/middleware.ts';
import type { Client } from './client.ts';
import type { TestServer } from './server.ts';

/**
 * Browser tests drive Debian's Chromium (never a downloaded one) with playwright-core. One
 * browser per test file: launch it in `before()`, close it in `after()` (which closes every
 * context it opened); give each simulated person their own context (cookies) with `openContext`.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught script errors and console errors (a CSP violation shows up here), in order. */
  problems: string[];
}

/**
 * A new browser context (its own cookies) with one page, its base URL at the test server.
 * Requests anywhere but the test server are aborted: the suite never uses the network.
 * With `signedInAs`, the context carries that HTTP client's session (no sign-in form needed).
 */
export async function openContext(
  browser: Browser,
  server: TestServer,
  options: BrowserContextOptions = {},
  signedInAs?: { web: Client },
): Promise<BrowserSession> {
  const context = await browser.newContext({ baseURL: server.url, locale: 'en-GB', timezoneId: 'UTC', ...options });
  const session = signedInAs?.web.cookies.get(SESSION_COOKIE);
  if (session) await context.addCookies([{ name: SESSION_COOKIE, value: session, url: server.url }]);
  context.setDefaultTimeout(10_000);
  const origin = new URL(server.url).origin;
  await context.route(
    (url) => url.origin !== origin,
    (route) => route.abort('blockedbyclient'),
  );
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A 404 page legitimately logs "Failed to load resource"; anything else is a problem.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console error: ${message.text()}`);
  });
  return { context, page, problems };
}

/** Opens `path` on the test server and checks the status (200 unless told otherwise). */
export async function visit(page: Page, path: string, expectedStatus = 200): Promise<Response> {
  const response = await page.goto(path, { waitUntil: 'load' });
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), expectedStatus, `GET ${path} → ${response.status()} (final URL ${page.url()})`);
  return response;
}

/** The path and query of the page's current URL. */
export function currentPath(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

let axeSource: string | undefined;
function readAxe(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const FAILING: ReadonlySet<ImpactValue> = new Set<ImpactValue>(['serious', 'critical']);

declare global {
  interface Window {
    axe?: { run(context: Document, options: RunOptions): Promise<AxeResults> };
  }
}

function describeViolation(v: Result): string {
  const targets = v.nodes.map((n) => `      ${n.target.map(String).join(' ')}`).join('\n');
  return `  [${v.impact}] ${v.id}: ${v.help}\n${targets}`;
}

/**
 * Runs axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on the page as it is and fails with a
 * list of every "serious" or "critical" violation: rule id, help text and the offending elements.
 * Lesser findings are returned for the caller to look at.
 */
export async function checkAccessibility(page: Page, label: string): Promise<Result[]> {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    // page.addScriptTag({ content }) would be an inline <script>, which the site's
    // Content-Security-Policy (script-src 'self') rightly blocks. Evaluating the same source over
    // the DevTools protocol is not subject to the CSP, so the pages are tested with it in force.
    await page.evaluate(readAxe());
  }
  const options: RunOptions = { runOnly: { type: 'tag', values: WCAG_TAGS }, resultTypes: ['violations'] };
  const results = await page.evaluate(async (runOptions) => {
    if (!window.axe) throw new Error('axe-core did not load');
    const r = await window.axe.run(document, runOptions);
    // Only what is needed crosses back (the full result holds DOM snapshots).
    return r.violations.map((v) => ({ ...v, nodes: v.nodes.map((n) => ({ ...n, any: [], all: [], none: [] })) }));
  }, options);
  const failing = results.filter((v) => v.impact && FAILING.has(v.impact));
  assert.equal(
    failing.length,
    0,
    `${label} (${currentPath(page)}): ${failing.length} serious or critical accessibility violation(s):\n${failing.map(describeViolation).join('\n')}`,
  );
  return results;
}

/** Signs in through the login form, as a person would. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await visit(page, '/login');
  await page.getByLabel('Email or handle').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Visits a page, runs axe on it and checks that no script or CSP error happened. */
export async function audit(s: BrowserSession, path: string, label: string, status = 200): Promise<void> {
  await visit(s.page, path, status);
  await checkAccessibility(s.page, label);
  assert.deepEqual(s.problems.splice(0), [], `${label}: errors in the browser console`);
}

/** A real PNG photo (a gradient with a disc), `width`×`height`, as bytes. */
export async function makePng(width = 900, height = 600): Promise<Buffer> {
  const r = Math.round(Math.min(width, height) / 3);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#1d5c80"/><stop offset="1" stop-color="#f2b84b"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="#fff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Writes a PNG from `makePng` to a new temporary file and returns its path (for setInputFiles). */
export async function writePngFile(width = 900, height = 600): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'commonroom-photo-')), 'photo.png');
  writeFileSync(path, await makePng(width, height));
  return path;
}
