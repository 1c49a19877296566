import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type FeedDocument, NotAFeedError, parseFeed } from '../../src/feeds/parse.ts';
import {
  type CaseResult,
  CaseServer,
  formatTable,
  listFiles,
  loadExpectedFailures,
  loadFeedparserCases,
  loadGofeedCases,
  runFeedparserCase,
  runGofeedCase,
  skipSummary,
  tally,
} from './conformance/cases.ts';
import { SKIP_KINDS } from './conformance/feedparser-view.ts';
import { GOFEED_SKIP_KINDS } from './conformance/gofeed.ts';

/**
 * Issue 4, "Conformance": our feed parser against the Universal Feed Parser's test cases
 * (feedparser-cases, each with a Python `Expect:` expression over feedparser's result) and
 * gofeed's (gofeed-cases, each with gofeed's parse as JSON). Every case is parsed and judged
 * pass, skip (what it checks has no counterpart in our JSON Feed model; the kind says which) or
 * fail. At least 95% of the applicable (not skipped) cases must pass, and the failures must be
 * exactly those in conformance/expected-failures.txt. Then the ill-formed cases and hand-written
 * hostile inputs: none may throw anything but NotAFeedError, or come out larger than it went in
 * (nothing expanded); a parse that never ended would fail the test at its time limit.
 * docs/feeds.md, "Conformance", says how to read the report.
 */

const TESTDATA = new URL('../../../shared/testdata/', import.meta.url);
const EXPECTED_FAILURES = new URL('./conformance/expected-failures.txt', import.meta.url);
const REQUIRED_RATE = 0.95;
/** Only a hang guard: these parses take milliseconds. */
const HANG_GUARD = { timeout: 120_000 };

const describeSkip = (kind: string) => {
  const gofeed = kind.startsWith('gofeed:') ? GOFEED_SKIP_KINDS[kind.slice(7) as keyof typeof GOFEED_SKIP_KINDS] : undefined;
  const text = gofeed ? `gofeed — ${gofeed}` : SKIP_KINDS[kind as keyof typeof SKIP_KINDS];
  return `${kind}: ${text ?? '(no description)'}`;
};

describe('feed parser conformance', () => {
  let server: CaseServer;
  before(async () => {
    server = await CaseServer.start();
  });
  after(() => server.close());

  test('the well-formed feedparser cases and the gofeed cases', async () => {
    assert.ok(existsSync(fileURLToPath(TESTDATA)), `the shared test data is missing at ${fileURLToPath(TESTDATA)}`);
    const results: CaseResult[] = [];
    for (const c of loadFeedparserCases(TESTDATA, 'wellformed')) results.push(await runFeedparserCase(c, server));
    for (const c of loadGofeedCases(TESTDATA)) results.push(runGofeedCase(c));
    assert.ok(results.length > 1000, `only ${results.length} cases found`);

    console.log(`\n${formatTable(results)}\n\nSkipped, by kind:\n${skipSummary(results, describeSkip)}\n`);

    const expected = loadExpectedFailures(EXPECTED_FAILURES);
    const byPath = new Map(results.map((r) => [r.path, r]));
    const listed = new Set(expected.map((e) => e.path));
    const problems: string[] = [];
    for (const e of expected) {
      const r = byPath.get(e.path);
      if (!e.reason) problems.push(`${e.path}: listed without a reason`);
      if (!r) problems.push(`${e.path}: listed as an expected failure, but there is no such case`);
      else if (r.status !== 'fail')
        problems.push(
          `${e.path}: listed as an expected failure but it ${r.status === 'pass' ? 'passes' : 'is skipped'} — remove it from the list`,
        );
    }
    for (const r of results) if (r.status === 'fail' && !listed.has(r.path)) problems.push(`${r.path}: fails — ${r.reason}`);
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);

    const { rate, total } = tally(results);
    assert.ok(
      rate >= REQUIRED_RATE,
      `pass rate ${(100 * rate).toFixed(1)}% (${total.pass} of ${total.pass + total.fail}) is below ${100 * REQUIRED_RATE}%`,
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** Parses as the fetcher would, and says how it ended: a document, or NotAFeedError. Anything else throws. */
function parseBounded(bytes: Uint8Array | string, label: string): { doc?: FeedDocument; notAFeed?: NotAFeedError } {
  let doc: FeedDocument | undefined;
  let notAFeed: NotAFeedError | undefined;
  try {
    doc = parseFeed(bytes, { url: 'https://feeds.example/feed', checkWellFormed: true });
  } catch (error) {
    if (!(error instanceof NotAFeedError))
      throw new Error(`${label}: threw ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
    notAFeed = error;
  }
  return { ...(doc ? { doc } : {}), ...(notAFeed ? { notAFeed } : {}) };
}

const rss = (items: string, head = '') =>
  `<?xml version="1.0" encoding="utf-8"?>${head}<rss version="2.0"><channel><title>Hostile</title><link>https://feeds.example/</link>${items}</channel></rss>`;

describe('ill-formed and hostile input', () => {
  test('every ill-formed case ends as a feed or NotAFeedError, never larger than it came', HANG_GUARD, () => {
    const root = fileURLToPath(TESTDATA);
    const files = [
      ...listFiles(`${root}feedparser-cases/illformed`),
      ...[
        'gofeed-cases/parser/universal/invalid.json',
        'gofeed-cases/parser/universal/unknown_feed.xml',
        'gofeed-cases/parser/universal/empty_feed.xml',
        'gofeed-cases/parser/json/invalid/invalid.json',
      ].map((f) => `${root}${f}`),
    ].filter((f) => /\.(xml|json)$/.test(f));
    assert.ok(files.length >= 15, `only ${files.length} ill-formed inputs found`);
    const grown: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      const { doc } = parseBounded(bytes, file);
      // What is kept (as JSON, escapes and all) is at most twice what came in, plus the envelope.
      const size = doc ? JSON.stringify(doc).length : 0;
      if (size > 2 * bytes.length + 1024) grown.push(`${file.slice(root.length)}: ${bytes.length} bytes in, ${size} out`);
    }
    assert.deepEqual(grown, []);
  });

  test('billion laughs: entities declared in the DOCTYPE are never expanded', HANG_GUARD, () => {
    const entities = [
      '<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
    ].join('\n');
    const xml = rss(
      '<item><title>&lol9;</title><description>&lol9;&lol9;</description><guid>laughs</guid></item>',
      `<!DOCTYPE rss [\n${entities}\n]>`,
    );
    const { doc } = parseBounded(xml, 'billion laughs');
    assert.ok(doc, 'still read as a feed');
    assert.equal(doc.items.length, 1);
    assert.ok(JSON.stringify(doc).length < 10_000, 'nothing was expanded');
    assert.ok(!JSON.stringify(doc).includes('lollol'));
    // The same declarations where no DOCTYPE may be, inside the channel: still never expanded.
    const misplaced = rss(`<!DOCTYPE rss [\n${entities}\n]><item><title>&lol9;</title><guid>laughs</guid></item>`);
    const second = parseBounded(misplaced, 'misplaced DOCTYPE');
    assert.ok(JSON.stringify(second.doc ?? {}).length < 10_000, 'nothing was expanded');
    assert.ok(!JSON.stringify(second.doc ?? {}).includes('lollol'));
  });

  test('external entities are never read', () => {
    const secret = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8').split('\n')[0]! : 'root:x:0:0:root:/root:/bin/bash';
    const declarations = [
      '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>',
      '<!DOCTYPE rss SYSTEM "file:///etc/passwd">',
    ];
    for (const doctype of declarations) {
      const xml = rss('<item><title>&xxe;</title><description>before &xxe; after</description><guid>xxe</guid></item>', doctype);
      const { doc } = parseBounded(xml, doctype);
      assert.ok(doc, doctype);
      const out = JSON.stringify(doc);
      assert.ok(!out.includes(secret) && !out.includes('root:x:0:0'), `${doctype}: the file's text appears in the result`);
    }
  });

  test('invalid UTF-8 bytes: read anyway, with a warning', () => {
    const head = Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf');
    const tail = Buffer.from('</title><item><title>ok</title><guid>1</guid></item></channel></rss>');
    const bytes = Buffer.concat([head, Buffer.from([0xe9, 0xff, 0xfe, 0xc0, 0x80]), tail]);
    const { doc } = parseBounded(bytes, 'invalid utf-8');
    assert.ok(doc);
    assert.match(doc.title, /^Caf/);
    assert.equal(doc.items.length, 1);
    assert.ok(
      doc._commonroom.warnings?.some((w) => /not valid utf-8/i.test(w)),
      JSON.stringify(doc._commonroom),
    );
  });

  test('a 100,000-item feed: every item is read', () => {
    const n = 100_000;
    const items = Array.from(
      { length: n },
      (_, i) =>
        `<item><title>Item ${i}</title><link>https://feeds.example/${i}</link><guid>id-${i}</guid><pubDate>Wed, 31 Dec 2003 10:14:55 GMT</pubDate></item>`,
    );
    const doc = parseFeed(Buffer.from(rss(items.join(''))));
    assert.equal(doc.items.length, n);
    assert.equal(doc.items[0]!.id, 'id-0');
    assert.equal(doc.items[n - 1]!.id, `id-${n - 1}`);
    assert.equal(doc.items[n - 1]!.url, `https://feeds.example/${n - 1}`);
  });

  test('duplicate ids: both items are kept, in order (ingest decides which one wins)', () => {
    const { doc } = parseBounded(
      rss('<item><title>First</title><guid>same</guid></item><item><title>Second</title><guid>same</guid></item>'),
      'duplicates',
    );
    assert.deepEqual(
      doc?.items.map((i) => [i.id, i.title]),
      [
        ['same', 'First'],
        ['same', 'Second'],
      ],
    );
  });

  test('far-future and impossible dates: kept when representable, dropped when not, never a throw', () => {
    const dates = [
      'Fri, 31 Dec 9999 23:59:59 GMT',
      '+275760-09-13T00:00:00Z',
      '+275761-01-01T00:00:00Z',
      '99999-01-01T00:00:00Z',
      'Sat, 31 Feb 3000 25:61:61 GMT',
      '1e400',
      '-271821-04-19T00:00:00Z',
    ];
    const { doc } = parseBounded(
      rss(dates.map((d, i) => `<item><guid>d${i}</guid><title>t${i}</title><pubDate>${d}</pubDate></item>`).join('')),
      'dates',
    );
    assert.ok(doc);
    assert.equal(doc.items.length, dates.length);
    assert.equal(doc.items[0]!.date_published, '9999-12-31T23:59:59.000Z');
    for (const item of doc.items)
      if (item.date_published !== undefined) assert.ok(Number.isFinite(Date.parse(item.date_published)), item.date_published);
    assert.equal(doc.items[2]!.date_published, undefined, 'beyond what a Date can hold');
  });

  test('javascript: and data: links are dropped everywhere', () => {
    const evil = [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
    ];
    for (const href of evil) {
      const attr = href.replace(/"/g, '&quot;');
      const feeds = [
        rss(
          `<item><title>x</title><link>${href}</link><guid isPermaLink="true">${href}</guid><enclosure url="${attr}" type="audio/mpeg" length="1"/><description>&lt;a href="${attr}"&gt;a&lt;/a&gt;&lt;img src="${attr}"&gt;</description><comments>${href}</comments></item>`,
        ).replace('<link>https://feeds.example/</link>', `<link>${href}</link><image><url>${href}</url></image>`),
        `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><title>x</title><link href="${attr}"/><logo>${href}</logo><author><name>a</name><uri>${href}</uri></author><entry><id>e</id><title>x</title><link href="${attr}"/><link rel="enclosure" href="${attr}" type="audio/mpeg"/><media:thumbnail url="${attr}"/><content type="html">&lt;a href="${attr}"&gt;a&lt;/a&gt;</content></entry></feed>`,
        JSON.stringify({
          version: 'https://jsonfeed.org/version/1.1',
          title: 'x',
          home_page_url: href,
          icon: href,
          authors: [{ name: 'a', url: href }],
          items: [
            {
              id: '1',
              url: href,
              external_url: href,
              image: href,
              content_html: `<a href="${attr}">a</a>`,
              attachments: [{ url: href, mime_type: 'audio/mpeg' }],
            },
          ],
        }),
      ];
      for (const feed of feeds) {
        const { doc } = parseBounded(feed, href);
        assert.ok(doc, href);
        const out = JSON.stringify({ ...doc, items: doc.items.map(({ id: _id, ...rest }) => rest) });
        assert.doesNotMatch(out, /javascript|vbscript|data:text/i, `${href} survived in ${out}`);
      }
    }
  });
});
