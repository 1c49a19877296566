import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { type FeedDocument, NotAFeedError, parseFeed } from '../../src/feeds/parse.ts';
import { launchBrowser } from '../support/browser.ts';

/**
 * feedparser's sanitising cases (wellformed/sanitize), read by parseFeed and rendered in a real
 * Chromium: every piece of HTML the result carries — items' content_html, summary, title and
 * content_text, the feed's title and description — goes raw into a page, as the item page puts
 * content_html. Nothing may run: no script (Chromium reports every script it compiles, through
 * the DevTools protocol), no event handler (each element gets mouse, keyboard, focus, load and
 * error events), no dialog, no `alert`/`eval`/`Function`/string timer (a trap records them), no
 * navigation and no request but for images and media; and no `<script>`, `on*` attribute,
 * `javascript:` URL or CSS expression is left in the DOM. The readable text must survive: when
 * the case's expected value has text outside scripts, the field it is about is not empty.
 */

const CASES = new URL('../../../shared/testdata/feedparser-cases/wellformed/sanitize/', import.meta.url);
const FILES = readdirSync(CASES)
  .filter((f) => f.endsWith('.xml'))
  .sort();
const CASE_URL = 'http://sanitize.test/case';
const TRAP_URL = 'commonroom-trap.js';
const PROBE_URL = 'commonroom-probe.js';

/** Cases about feedparser fields that have no place in a JSON Feed, so Commonroom does not keep them. */
const NOT_CARRIED = /^feed_(copyright|info)_/;
/** Item content in RSS <body>, <xhtml:body> or <fullitem>. */
const ITEM_BODY = /^item_(body|fullitem|xhtml_body)_/;

interface Field {
  name: string;
  html: string;
}

interface Outcome {
  /** What the trap saw: alert, eval, Function, string timers, document.write, window.open. */
  trapped: string[];
  /** Elements and attributes that must not be in the DOM. */
  leftovers: string[];
  /** Text of each rendered field, whitespace collapsed. */
  texts: Record<string, string>;
  /** Text of the case's expected value (feedparser's sanitised HTML), scripts and markup-looking bits aside. */
  expectedText: string;
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let html = '';
let observing = false;
let unsettled = true;
/** Everything that counts as something running or leaving: scripts, dialogs, requests, navigations. */
const events: string[] = [];
const isolatedContexts = new Set<number>();
let mainContext = 0;
const summary = { cases: 0, rendered: 0, fragments: 0, empty: 0, rejected: [] as string[], notCarried: [] as string[], textChecked: 0 };
const itemBodyTexts: Array<{ file: string; expected: string; got: string }> = [];

/** The Python string value after `==` in a case's Expect line ('a' + 'b' concatenations, escapes). */
function expectedValue(source: string): string | null {
  const expect = /Expect:\s*(.*)/.exec(source)?.[1];
  const rhs = expect?.split(/==\s*/).slice(1).join('==');
  if (!rhs) return null;
  let out = '';
  for (const [, body] of rhs.matchAll(/'((?:[^'\\]|\\.)*)'/g)) {
    out += body!.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'" })[c] ?? `\\${c}`);
  }
  return out;
}

/** Which fields of the result a case's Expect line is about. */
function fieldsAbout(source: string): string[] {
  const expect = /Expect:\s*(.*)/.exec(source)?.[1] ?? '';
  if (/feed\['title'\]/.test(expect)) return ['feed.title'];
  if (/feed\['(tagline|subtitle|description)'\]/.test(expect)) return ['feed.description'];
  if (/entries\[0\]\['title'\]/.test(expect)) return ['items[0].title'];
  if (/entries\[0\]\['(summary|description|content)'\]/.test(expect))
    return ['items[0].content_html', 'items[0].summary', 'items[0].content_text'];
  return [];
}

function fieldsOf(document: FeedDocument): Field[] {
  const fields: Field[] = [];
  const add = (name: string, value: string | undefined) => {
    if (value) fields.push({ name, html: value });
  };
  add('feed.title', document.title);
  add('feed.description', document.description);
  document.items.forEach((item, i) => {
    add(`items[${i}].title`, item.title);
    add(`items[${i}].summary`, item.summary);
    add(`items[${i}].content_html`, item.content_html);
    // Plain text, but rendered raw all the same: it must be harmless even where HTML is expected.
    add(`items[${i}].content_text`, item.content_text);
  });
  return fields;
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** Runs in the page (main world) before anything else: records what scripts would call. */
const TRAP = `(() => {
  const hits = [];
  Object.defineProperty(window, '__executed', { value: hits });
  const note = (what) => { hits.push(what); };
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) window[name] = function () { note(name); return null; };
  window.eval = function () { note('eval'); };
  const NativeFunction = Function;
  window.Function = new Proxy(NativeFunction, { apply() { note('Function'); return () => {}; }, construct() { note('new Function'); return () => {}; } });
  for (const name of ['setTimeout', 'setInterval']) {
    const native = window[name];
    window[name] = function (handler, ...rest) {
      if (typeof handler !== 'function') { note(name + ' with a string'); return 0; }
      return native.call(window, handler, ...rest);
    };
  }
  document.write = function () { note('document.write'); };
  document.writeln = function () { note('document.writeln'); };
  // A link's navigation is not what is tested (links stay); a javascript: URL is, so it is let through.
  window.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href], area[href]') : null;
    if (link && /^(https?|mailto):/i.test(link.href)) event.preventDefault();
  }, true);
  window.addEventListener('submit', (event) => { if (event.isTrusted) { note('form submitted'); event.preventDefault(); } }, true);
})();
//# sourceURL=${TRAP_URL}`;

function documentFor(fields: Field[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8" data-harness><title data-harness>case</title><script id="commonroom-trap" data-harness>${TRAP}</script></head><body>
${fields.map((f) => `<section data-field="${escapeAttribute(f.name)}">${f.html}</section>`).join('\n')}
</body></html>`;
}

/** Fires every event a handler attribute could listen to on every element. */
const DISPATCH = `(() => {
  const mouse = ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'click', 'dblclick', 'contextmenu', 'mouseout', 'mouseleave'];
  const keys = ['keydown', 'keypress', 'keyup'];
  const plain = ['focus', 'focusin', 'blur', 'focusout', 'load', 'error', 'abort', 'change', 'input', 'select', 'submit', 'reset', 'resize', 'scroll', 'unload', 'beforeunload', 'toggle', 'play', 'pause', 'canplay', 'loadstart', 'animationstart', 'transitionend', 'copy', 'paste', 'drag', 'drop', 'wheel', 'touchstart', 'pointerdown', 'pointerover'];
  for (const element of [document.body, ...document.body.querySelectorAll('*')]) {
    for (const type of mouse) element.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window }));
    for (const type of keys) element.dispatchEvent(new KeyboardEvent(type, { bubbles: true, cancelable: true, key: 'a' }));
    for (const type of plain) element.dispatchEvent(new Event(type, { bubbles: false, cancelable: true }));
    if (typeof element.focus === 'function') element.focus();
  }
  window.dispatchEvent(new Event('load'));
  window.dispatchEvent(new Event('resize'));
  return true;
})()
//# sourceURL=${PROBE_URL}`;

/** Reads the trap, the DOM and the texts. */
function collect(expected: string | null): string {
  return `(() => {
  const leftovers = [];
  const FORBIDDEN = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'meta', 'link', 'base', 'form', 'svg', 'math', 'noscript', 'template', 'portal', 'isindex'];
  const URLISH = /^(javascript|vbscript|livescript|mocha):|^data:(text\\/html|image\\/svg|application\\/(x?html|xml|javascript))/;
  const CSS = /expression\\s*\\(|url\\s*\\(\\s*['"]?\\s*(javascript|vbscript|data):|-moz-binding|behavior\\s*:|@import/i;
  for (const element of document.querySelectorAll('*')) {
    const tag = element.localName;
    if (element.hasAttribute('data-harness') || element === document.documentElement || element === document.head) continue;
    if (FORBIDDEN.includes(tag)) leftovers.push('<' + tag + '>');
    if (tag === 'style' && CSS.test(element.textContent)) leftovers.push('<style> ' + element.textContent.slice(0, 80));
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020\\u007f-\\u00a0]/g, '').toLowerCase();
      if (name.startsWith('on')) leftovers.push(tag + ' ' + name);
      if (URLISH.test(value)) leftovers.push(tag + ' ' + name + '=' + attribute.value.slice(0, 80));
      if (name === 'style' && CSS.test(attribute.value)) leftovers.push(tag + ' style=' + attribute.value.slice(0, 80));
      if (['srcdoc', 'formaction', 'action', 'xlink:href', 'http-equiv'].includes(name)) leftovers.push(tag + ' ' + name);
    }
  }
  const textOf = (node) => {
    const copy = node.cloneNode(true);
    for (const s of copy.querySelectorAll('script, style, template')) s.remove();
    return copy.textContent.replace(/\\s+/g, ' ').trim();
  };
  const texts = {};
  for (const section of document.querySelectorAll('section[data-field]')) texts[section.dataset.field] = textOf(section);
  let expectedText = '';
  const expected = ${JSON.stringify(expected)};
  if (expected !== null) {
    // An inert document: nothing in it runs or loads.
    const parsed = new DOMParser().parseFromString('<!doctype html><body>' + expected, 'text/html');
    expectedText = textOf(parsed.body).replace(/<![^>]*>?/g, '').trim();
  }
  return JSON.stringify({ trapped: [...(window.__executed || ['the trap did not run'])], leftovers, texts, expectedText });
})()
//# sourceURL=${PROBE_URL}`;
}

async function evaluate<T>(expression: string): Promise<T> {
  assert.ok(mainContext, 'no main-world context');
  const result = (await cdp.send('Runtime.evaluate', { expression, contextId: mainContext, returnByValue: true, awaitPromise: true })) as {
    result: { value?: unknown };
    exceptionDetails?: { text: string; exception?: { description?: string } };
  };
  if (result.exceptionDetails)
    throw new Error(`probe failed: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
  return result.result.value as T;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function render(fields: Field[], expected: string | null): Promise<{ outcome: Outcome; events: string[] }> {
  // After a document that did something, a blank page first: whatever it left pending (a timer,
  // a redirect) dies with it rather than showing up in this one.
  if (unsettled) await page.goto('about:blank');
  html = documentFor(fields);
  events.length = 0;
  observing = true;
  let outcome: Outcome;
  try {
    await page.goto(CASE_URL, { waitUntil: 'load' });
    await pause(20);
    await evaluate(DISPATCH);
    await pause(40);
    outcome = JSON.parse(await evaluate<string>(collect(expected))) as Outcome;
  } catch (error) {
    // The document went away under the probe: something navigated.
    events.push(`the page went away: ${(error as Error).message.split('\n')[0]}`);
    outcome = { trapped: [], leftovers: [], texts: {}, expectedText: '' };
  } finally {
    observing = false;
  }
  unsettled = events.length > 0 || outcome!.trapped.length > 0;
  return { outcome, events: [...events] };
}

before(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ javaScriptEnabled: true });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const mainFrameId = frameTree.frame.id;
  cdp.on('Runtime.executionContextCreated', ({ context: created }) => {
    const aux = created.auxData as { isDefault?: boolean; type?: string; frameId?: string } | undefined;
    if (aux?.type === 'isolated') isolatedContexts.add(created.id);
    else if (aux?.isDefault && aux.frameId === mainFrameId) mainContext = created.id;
    else if (observing) events.push(`a script context in another frame (${created.origin})`);
  });
  cdp.on('Runtime.executionContextsCleared', () => {
    mainContext = 0;
    isolatedContexts.clear();
  });
  cdp.on('Debugger.scriptParsed', (script) => {
    if (!observing || isolatedContexts.has(script.executionContextId)) return;
    if (script.url === TRAP_URL || script.url === PROBE_URL) return;
    events.push(`a script ran: ${script.url || '(no URL: an event handler or javascript: URL)'} (${script.length} characters)`);
  });
  await cdp.send('Runtime.enable');
  await cdp.send('Debugger.enable');
  await page.route('**/*', async (route) => {
    const request = route.request();
    if (request.url() === CASE_URL) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    // Images and media that the sanitiser kept may ask for their files: that is what they are for.
    if (!['image', 'media'].includes(request.resourceType())) events.push(`a ${request.resourceType()} request to ${request.url()}`);
    return route.abort('blockedbyclient');
  });
  page.on('dialog', (dialog) => {
    events.push(`a ${dialog.type()} dialog: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  page.on('console', (message) => {
    if (!message.text().startsWith('Failed to load resource')) events.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('frameattached', (frame) => events.push(`a frame was attached: ${frame.url()}`));
  page.on('framenavigated', (frame) => {
    if (observing && (frame !== page.mainFrame() || frame.url() !== CASE_URL)) events.push(`a navigation to ${frame.url()}`);
  });
  page.on('popup', (popup) => events.push(`a popup: ${popup.url()}`));
});

after(async () => {
  await context?.close();
  await browser?.close();
});

describe(`feedparser's sanitize cases render without running anything (${FILES.length} files)`, () => {
  test('the cases are there', () => {
    assert.ok(FILES.length >= 300, `only ${FILES.length} cases in ${CASES.pathname}`);
  });

  test('the harness notices a script, a handler, a javascript: URL, a frame, a stylesheet, a CSS expression and a redirect', async () => {
    // Unsanitised markup, one attack per fragment: each must be caught, or the cases prove nothing.
    const attacks: Record<string, string> = {
      script: '<p>text</p><script>document.title = "ran"</script>',
      'script calling alert': '<script>alert(1)</script>',
      'img onerror': '<img src="data:," onerror="document.title = 1">',
      'div onmouseover': '<div onmouseover="document.title = 2">hover</div>',
      'a onclick': '<a href="https://example.org/" onclick="document.title = 3">link</a>',
      'javascript: link': '<a href="javascript:document.title = 4">click</a>',
      'javascript: link, obfuscated': '<a href=" jav&#x09;ascript:document.title = 5">click</a>',
      iframe: '<iframe src="https://evil.example/"></iframe>',
      'iframe srcdoc': '<iframe srcdoc="<p>x</p>"></iframe>',
      stylesheet: '<link rel="stylesheet" href="https://evil.example/evil.css">',
      'style expression': '<div style="width: expression(alert(1))">x</div>',
      'style url(javascript:)': '<div style="background: url(javascript:alert(1))">x</div>',
      'meta refresh': '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
      'svg onload': '<svg onload="document.title = 6"><circle r="1"/></svg>',
      'setTimeout with a string': '<img src="data:," onerror="setTimeout(\'1\')">',
      form: '<form action="https://evil.example/"><button>go</button></form>',
      'object data': '<object data="https://evil.example/x.swf"></object>',
    };
    const missed: string[] = [];
    for (const [name, fragment] of Object.entries(attacks)) {
      const { outcome, events: seen } = await render([{ name: 'attack', html: fragment }], null);
      if (seen.length + outcome.trapped.length + outcome.leftovers.length === 0) missed.push(name);
    }
    assert.deepEqual(missed, [], 'attacks the harness did not notice');
    // And a harmless fragment passes, its text intact.
    const { outcome, events: seen } = await render(
      [
        {
          name: 'fine',
          html: '<p>Safe <b>text</b> with <a href="https://example.org/">a link</a> and <img src="https://example.org/i.png" alt="an image">.</p>',
        },
      ],
      '<p>Safe</p>',
    );
    assert.deepEqual([seen, outcome.trapped, outcome.leftovers], [[], [], []]);
    assert.equal(outcome.texts.fine, 'Safe text with a link and .');
    assert.equal(outcome.expectedText, 'Safe');
  });

  for (const file of FILES) {
    test(file, async () => {
      summary.cases++;
      const bytes = readFileSync(new URL(file, CASES));
      const source = bytes.toString('utf8');
      let document: FeedDocument;
      try {
        document = parseFeed(new Uint8Array(bytes));
      } catch (error) {
        // Not a feed for parseFeed (see the report): nothing of it is ever shown.
        assert.ok(error instanceof NotAFeedError, `${file}: ${(error as Error).message}`);
        summary.rejected.push(file);
        if (NOT_CARRIED.test(file)) summary.notCarried.push(file);
        if (ITEM_BODY.test(file)) itemBodyTexts.push({ file, expected: expectedValue(source) ?? '', got: '' });
        return;
      }
      const fields = fieldsOf(document);
      const expected = expectedValue(source);
      const { outcome, events: seen } = await render(fields, expected);
      summary.rendered++;
      summary.fragments += fields.length;
      if (fields.length === 0) summary.empty++;

      assert.deepEqual(seen, [], `${file}: something ran, loaded or navigated`);
      assert.deepEqual(outcome.trapped, [], `${file}: the trap caught a call`);
      assert.deepEqual(outcome.leftovers, [], `${file}: dangerous markup is left in the DOM`);

      // The readable text survives.
      const about = fieldsAbout(source);
      const got = about
        .map((name) => outcome.texts[name] ?? '')
        .join(' ')
        .trim();
      if (ITEM_BODY.test(file)) {
        itemBodyTexts.push({ file, expected: outcome.expectedText, got });
        return;
      }
      if (NOT_CARRIED.test(file) || about.length === 0) {
        summary.notCarried.push(file);
        return;
      }
      if (/\p{L}/u.test(outcome.expectedText)) {
        summary.textChecked++;
        assert.notEqual(
          got,
          '',
          `${file}: the text “${outcome.expectedText.slice(0, 80)}” is lost (rendered ${JSON.stringify(outcome.texts)})`,
        );
      }
    });
  }

  test('summary', (t) => {
    assert.equal(summary.cases, FILES.length, 'every case ran');
    t.diagnostic(
      `${summary.cases} cases ran: ${summary.rendered} parsed and rendered (${summary.fragments} HTML fragments; ${summary.empty} kept no HTML at all), ${summary.rejected.length} rejected by parseFeed as not a feed; ` +
        `readable text checked in ${summary.textChecked}; ${summary.notCarried.length} are about fields Commonroom does not keep`,
    );
  });

  test('item content in RSS <body>, <xhtml:body> and <fullitem> keeps its text', () => {
    const lost = itemBodyTexts.filter((c) => /\p{L}/u.test(c.expected.replace(/<[^>]*>/g, '')) && !c.got);
    assert.deepEqual(
      lost.map((c) => c.file),
      [],
      `${lost.length} of ${itemBodyTexts.length} cases lose their text`,
    );
  });
});
