import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { parseHTML } from 'linkedom';
import { SESSION_COOKIE } from '../../src/web/middleware.ts';
import { createMembers, getJson, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Bookmark imports and exports through the API and the import page: Netscape bookmark HTML in
 * (as browsers, Diigo, Pinboard and Raindrop write it: folders, TAGS, DD notes, dates, PRIVATE)
 * and out, CSV and JSON out; broken files, files that are not bookmark exports, and a 50 MB
 * upload that must be refused without being read into memory or stored.
 */

let server: TestServer;
let ana: Member;
let bo: Member;
let cy: Member;
let dee: Member;
before(async () => {
  server = await startTestServer();
  ({ ana, bo, cy, dee } = await createMembers(server, ['ana', 'bo', 'cy', 'dee'] as const));
});
after(async () => {
  await server.close();
});

const BASE = '/api/v1/curation/bookmarks';

/** POSTs a file as the request body (text/html), with the member's token. */
async function importBody(
  member: Member,
  body: string | Uint8Array<ArrayBuffer>,
  type = 'text/html',
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${server.url}${BASE}/import`, { method: 'POST', body, headers: { ...member.auth, 'content-type': type } });
  return { status: res.status, json: await res.json() };
}

/** POSTs a file as a multipart upload, as a program would. */
async function importUpload(member: Member, body: string, name = 'bookmarks.html'): Promise<{ status: number; json: Json }> {
  const form = new FormData();
  form.append('file', new Blob([body], { type: 'text/html' }), name);
  const res = await fetch(`${server.url}${BASE}/import`, { method: 'POST', body: form, headers: member.auth });
  return { status: res.status, json: await res.json() };
}

async function exported(member: Member, format: 'html' | 'csv' | 'json'): Promise<{ text: string; headers: Headers }> {
  const res = await fetch(`${server.url}${BASE}/export.${format}`, { headers: member.auth });
  assert.equal(res.status, 200);
  return { text: await res.text(), headers: res.headers };
}

async function everything(member: Member): Promise<Json[]> {
  const all: Json[] = [];
  let cursor: string | null = null;
  do {
    const page: Json = await getJson(server, member, `${BASE}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...page.bookmarks);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

async function countOf(member: Member): Promise<number> {
  const row = await server.services.database.db
    .selectFrom('bookmarks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('member_id', '=', member.memberId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A browser-style export: a toolbar folder (not a tag), nested topic folders (tags), Pinboard-style TAGS, notes, PRIVATE, a duplicate. */
const BROWSER_EXPORT = `<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1600000000" LAST_MODIFIED="1700000000" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://www.ala.org/aasl/standards" ADD_DATE="1600000100" LAST_MODIFIED="1650000000" ICON="data:image/png;base64,iVBORw0KGgo=">AASL Standards</A>
        <DT><H3 ADD_DATE="1600000200">School libraries</H3>
        <DL><p>
            <DT><A HREF="https://blog.example.org/genrefication?utm_source=rss&amp;utm_medium=feed" ADD_DATE="1610000000" TAGS="genrefication,shelving" PRIVATE="1">Genrefication: one year on &amp; what&#39;s next</A>
            <DD>Read before the staff meeting.<BR>Share with Maya.
            <DT><H3>Reading programs</H3>
            <DL><p>
                <DT><A HREF="https://reading.example.org/ladders" ADD_DATE="1620000000" TAGS="reading" PRIVATE="0">Reading ladders</A>
                <DD>Public: good for parents.
            </DL><p>
        </DL><p>
    </DL><p>
    <DT><A HREF="https://news.example.com/story#comments" ADD_DATE="1630000000">Café culture in libraries</A>
    <DT><A HREF="https://NEWS.example.com:443/story" ADD_DATE="1625000000" TAGS="news">Same story, other tracking</A>
    <DD>Second copy of the same page.
    <DT><A HREF="javascript:alert(1)" ADD_DATE="1630000001">A bookmarklet</A>
    <DT><A HREF="place:sort=8&amp;maxResults=10">Most visited</A>
    <DT><A HREF="http://192.168.1.1/">Router admin</A>
    <DT><A ADD_DATE="1630000002">Nothing to point at</A>
</DL><p>
`;

describe('Netscape bookmark files', () => {
  test('an import keeps titles, tags, folders (as tags), notes, dates and PRIVATE; merges duplicates; skips what is not a web page, with reasons', async () => {
    const res = await importBody(ana, BROWSER_EXPORT);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.imported, 4);
    assert.equal(res.json.merged, 1, 'the same story twice is one bookmark');
    assert.equal(res.json.skipped, 4);
    assert.deepEqual(res.json.reasons, { 'not http(s)': 2, 'a private or local address': 1, 'no address': 1 });
    assert.deepEqual(
      res.json.skippedEntries.map((s: Json) => [s.line, s.reason, s.title]).sort((x: Json, y: Json) => x[0] - y[0]),
      [
        [26, 'not http(s)', 'A bookmarklet'],
        [27, 'not http(s)', 'Most visited'],
        [28, 'a private or local address', 'Router admin'],
        [29, 'no address', 'Nothing to point at'],
      ],
    );
    const all = await everything(ana);
    const byUrl = new Map(all.map((b) => [b.url, b]));
    const genre = byUrl.get('https://blog.example.org/genrefication')!;
    assert.equal(genre.title, "Genrefication: one year on & what's next");
    assert.deepEqual(genre.tags.sort(), ['genrefication', 'School libraries', 'shelving'].sort());
    assert.equal(genre.note, 'Read before the staff meeting.\nShare with Maya.');
    assert.equal(genre.createdAt, new Date(1610000000 * 1000).toISOString());
    assert.equal(genre.visibility, 'private');
    assert.equal(genre.snapshot.state, null, 'imports fetch no pages');
    const ladders = byUrl.get('https://reading.example.org/ladders')!;
    assert.deepEqual(ladders.tags.sort(), ['reading', 'Reading programs', 'School libraries'].sort());
    assert.equal(ladders.visibility, 'public', 'PRIVATE="0" stays public');
    const aasl = byUrl.get('https://www.ala.org/aasl/standards')!;
    assert.deepEqual(aasl.tags, [], 'the toolbar folder is not a tag');
    assert.equal(aasl.updatedAt, new Date(1650000000 * 1000).toISOString());
    const story = byUrl.get('https://news.example.com/story')!;
    assert.equal(story.title, 'Café culture in libraries');
    assert.deepEqual(story.tags, ['news']);
    assert.equal(story.note, 'Second copy of the same page.');
    assert.equal(story.createdAt, new Date(1625000000 * 1000).toISOString(), 'the earlier date of the two');
    assert.equal(
      await server.services.database.db.selectFrom('jobs').select('id').where('kind', '=', 'curation.snapshot').executeTakeFirst(),
      undefined,
    );
    // Imported bookmarks are searchable at once, by title, note and folder tag.
    assert.equal((await getJson(server, ana, `${BASE}?q=cafe`)).bookmarks.length, 1);
    assert.equal((await getJson(server, ana, `${BASE}?q=Maya`)).bookmarks.length, 1);
    assert.equal((await getJson(server, ana, `${BASE}?tag=schoollibraries`)).bookmarks.length, 2);

    // The same file again: everything merges, nothing doubles, notes are not repeated.
    const again = await importBody(ana, BROWSER_EXPORT);
    assert.equal(again.json.imported, 0);
    assert.equal(again.json.merged, 5);
    assert.equal(await countOf(ana), 4);
    assert.equal(
      (await everything(ana)).find((b) => b.url === 'https://blog.example.org/genrefication').note,
      'Read before the staff meeting.\nShare with Maya.',
    );
  });

  test('round trip: import → export → import into another member gives the same addresses, titles, tags, notes, dates and visibility', async () => {
    assert.equal((await importUpload(bo, BROWSER_EXPORT)).status, 200);
    // A bookmark made by hand (with a note of several lines and a tag with a space) travels too.
    const made = await bo.api('POST', BASE, {
      url: 'https://handmade.example/page?b=2&a=1',
      title: 'Made <by> hand, "quoted"',
      note: 'Line one\nLine two',
      tags: ['graphic novels', 'teens'],
      visibility: 'public',
    });
    assert.equal(made.status, 201);
    const { text, headers } = await exported(bo, 'html');
    assert.match(headers.get('content-type') ?? '', /^text\/html/);
    assert.match(headers.get('content-disposition') ?? '', /attachment; filename="bookmarks-bo\.html"/);
    assert.match(text, /^<!DOCTYPE NETSCAPE-Bookmark-file-1>/);
    // What browsers expect: every bookmark a <DT><A> with HREF and ADD_DATE in seconds.
    const { document } = parseHTML(text);
    const anchors = [...document.querySelectorAll('a')];
    assert.equal(anchors.length, 5);
    assert.ok(
      anchors.every((a) => /^\d{10}$/.test(a.getAttribute('ADD_DATE') ?? '') && /^https:\/\//.test(a.getAttribute('HREF') ?? '')),
      text,
    );

    const res = await importBody(cy, text);
    assert.equal(res.status, 200);
    assert.deepEqual([res.json.imported, res.json.merged, res.json.skipped], [5, 0, 0]);
    const shape = (b: Json) => ({
      url: b.url,
      title: b.title,
      note: b.note,
      tags: [...b.tags].sort(),
      visibility: b.visibility,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
    });
    const seconds = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();
    const original = (await everything(bo))
      .map(shape)
      .map((b) => ({ ...b, createdAt: seconds(b.createdAt), updatedAt: seconds(b.updatedAt) }));
    const copied = (await everything(cy)).map(shape);
    const byUrl = (list: Json[]) => [...list].sort((a, b) => a.url.localeCompare(b.url));
    assert.deepEqual(byUrl(copied), byUrl(original));
    assert.ok(
      copied.some((b) => b.title === 'Made <by> hand, "quoted"' && b.note === 'Line one\nLine two' && b.tags.includes('graphic novels')),
    );
  });

  test('malformed HTML: what can be read is imported, the rest is reported', async () => {
    const broken = `<!DOCTYPE NETSCAPE-Bookmark-file-1>
<DL><p>
<DT><A HREF=https://unquoted.example/page ADD_DATE=1600000000 TAGS=a,b>Unquoted attributes
<DT><a href='https://single.example/' add_date='1600000001'>lower case, single quotes</a>
<DT><A HREF="https://unclosed.example/">Never closed <b>bold</b>
<DD>note with <i>markup</i> &amp; an &unknown; entity
<DT><A HREF="https://nested.example/"><A HREF="https://inner.example/">Nested</A></A>
<DT><H3>Folder never closed
<DL><p>
<DT><A HREF="https://in-folder.example/" ADD_DATE="not a date">In the folder</A>
</DL></DL></DL></DL>
<DT><A HREF="https://after.example/" ADD_DATE="99999999999999999999">Date far off</A>
<DT><A HREF="%%%not a url">Broken address</A>
<DT><A HREF="https://truncated.exa`;
    const res = await importBody(dee, broken);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const urls = (await everything(dee)).map((b) => b.url).sort();
    assert.deepEqual(
      urls,
      [
        'https://after.example/',
        'https://in-folder.example/',
        'https://inner.example/',
        'https://nested.example/',
        'https://single.example/',
        'https://unclosed.example/',
        'https://unquoted.example/page',
      ].sort(),
    );
    const all = new Map((await everything(dee)).map((b) => [b.url, b]));
    assert.deepEqual(all.get('https://unquoted.example/page').tags, ['a', 'b']);
    assert.equal(all.get('https://unclosed.example/').title, 'Never closed bold');
    assert.equal(all.get('https://unclosed.example/').note, 'note with markup & an &unknown; entity');
    assert.deepEqual(all.get('https://in-folder.example/').tags, ['Folder never closed']);
    assert.ok(
      Math.abs(Date.parse(all.get('https://after.example/').createdAt) - Date.now()) < 60_000,
      'a date that makes no sense becomes the import time',
    );
    assert.equal(res.json.skipped, 2);
    assert.deepEqual(res.json.reasons, { 'not a valid web address': 1, 'the file ends in the middle of this bookmark': 1 });
    assert.equal(res.json.skippedEntries.find((s: Json) => s.reason.startsWith('the file ends')).line, 14);
  });

  test('a file that is not a bookmark export is a 422 that says what to send', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe]);
    const cases: Array<[string, string | Uint8Array<ArrayBuffer>]> = [
      ['a PNG', png],
      ['JSON', '{"bookmarks":[{"url":"https://x.example/"}]}'],
      [
        'a web page with links',
        '<!doctype html><html><body><p>See <a href="https://x.example/">this</a> and <a href="https://y.example/">that</a>.</p></body></html>',
      ],
      ['CSV', 'url,title\nhttps://x.example/,X\n'],
      ['an OPML file', '<?xml version="1.0"?><opml version="2.0"><body><outline text="x" xmlUrl="https://x.example/feed"/></body></opml>'],
      ['empty', ''],
    ];
    for (const [name, body] of cases) {
      const res = await importBody(dee, body);
      assert.equal(res.status, 422, `${name}: ${res.status} ${JSON.stringify(res.json)}`);
      assert.equal(res.json.error.code, 'not_bookmarks', name);
      assert.match(
        res.json.error.message,
        /not a bookmark export\. Export your bookmarks as an HTML file in the “Netscape bookmark” format/,
        name,
      );
    }
    const emptyExport = await importBody(
      dee,
      '<!DOCTYPE NETSCAPE-Bookmark-file-1><TITLE>Bookmarks</TITLE><H1>Bookmarks</H1><DL><p><DT><H3>Empty folder</H3><DL><p></DL><p></DL><p>',
    );
    assert.equal(emptyExport.status, 422);
    assert.equal(emptyExport.json.error.code, 'empty_import');
    // Neither a file field nor a body of a known type.
    const noFile = await fetch(`${server.url}${BASE}/import`, { method: 'POST', body: new FormData(), headers: dee.auth });
    assert.equal(noFile.status, 422);
    const json = await dee.api('POST', `${BASE}/import`, { file: 'x' });
    assert.equal(json.status, 415);
    // The page says the same next to the file field.
    const page = await dee.web.post('/bookmarks/import', { file: new Blob(['{"not": "bookmarks"}'], { type: 'application/json' }) });
    assert.equal(page.status, 422);
    assert.match(page.text('#field-file-error'), /not a bookmark export/);
    assert.match(page.text('.error-summary'), /not a bookmark export/);
  });
});

/**
 * Sends `total` bytes to the server with node:http, a chunk at a time as the socket drains,
 * and stops as soon as an answer comes: how much was written then shows whether the server
 * waited for the whole body.
 */
function send(
  path: string,
  headers: Record<string, string>,
  total: number,
  options: { declareLength: boolean; prefix?: Buffer },
): Promise<{ status: number; written: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, server.url), {
      method: 'POST',
      headers: { ...headers, ...(options.declareLength ? { 'content-length': String(total) } : {}) },
    });
    let written = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    request.on('response', (response) => {
      answered = true;
      const at = written;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (d: string) => (body += d));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, written: at, body });
      });
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (options.prefix) {
      written += options.prefix.length;
      request.write(options.prefix);
    }
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

describe('limits', () => {
  const FIFTY_MB = 50 * 1024 * 1024;

  test('a 50 MB file is refused with 413: not read, not stored (API with and without a declared length, and the page)', async () => {
    const before = await countOf(bo);
    const declared = await send(`${BASE}/import`, { ...bo.auth, 'content-type': 'text/html' }, FIFTY_MB, { declareLength: true });
    assert.equal(declared.status, 413);
    assert.match(JSON.parse(declared.body).error.message, /larger than 20 MB, the most a bookmark import accepts/);
    assert.ok(declared.written < 16 * 1024 * 1024, `the answer came after ${declared.written} bytes: the server did not wait for the body`);

    // Without a length the server reads up to the limit, then stops.
    const rss = process.memoryUsage().rss;
    const chunked = await send(`${BASE}/import`, { ...bo.auth, 'content-type': 'text/html' }, FIFTY_MB, { declareLength: false });
    assert.equal(chunked.status, 413);
    assert.match(JSON.parse(chunked.body).error.message, /larger than 20 MB/);
    assert.ok(chunked.written < 36 * 1024 * 1024, `answered after ${chunked.written} bytes`);
    assert.ok(process.memoryUsage().rss - rss < 200 * 1024 * 1024, 'memory stayed bounded');

    // The page: a browser declares the length; the answer is the import page with the message next to the field.
    const csrf = await bo.web.csrf();
    const boundary = '----commonroom-test-boundary';
    const prefix = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.html"\r\nContent-Type: text/html\r\n\r\n`,
    );
    const cookie = [...bo.web.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    assert.ok(bo.web.cookies.get(SESSION_COOKIE));
    const page = await send('/bookmarks/import', { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, FIFTY_MB, {
      declareLength: true,
      prefix,
    });
    assert.equal(page.status, 413);
    const { document } = parseHTML(page.body);
    assert.match(document.querySelector('#field-file-error')?.textContent ?? '', /larger than 20 MB/);
    assert.match(document.querySelector('title')?.textContent ?? '', /^Error:/);
    assert.ok(page.written < 16 * 1024 * 1024);
    assert.equal(await countOf(bo), before, 'nothing stored');
  });

  test('a file just under the limit is imported, in batches', async () => {
    // 3,000 bookmarks with long notes: about 6 MB, several batches of 500.
    const entries = Array.from(
      { length: 3000 },
      (_, i) =>
        `<DT><A HREF="https://bulk.example/${i}" ADD_DATE="${1600000000 + i}" TAGS="bulk,t${i % 7}">Bulk ${i}</A>\n<DD>${'A long note. '.repeat(150)}${i}\n`,
    );
    const body = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n${entries.join('')}</DL><p>\n`;
    assert.ok(body.length > 5 * 1024 * 1024 && body.length < 20 * 1024 * 1024);
    const res = await importUpload(dee, body);
    assert.equal(res.status, 200, JSON.stringify(res.json).slice(0, 300));
    assert.equal(res.json.imported, 3000);
    assert.equal((await getJson(server, dee, `${BASE}/tags`)).tags.find((t: Json) => t.slug === 'bulk').count, 3000);
    assert.equal((await getJson(server, dee, `${BASE}?q=bulk&tag=t3`)).bookmarks.length, 20);
  });
});

describe('CSV and JSON exports', () => {
  test('CSV: RFC 4180 with a header row, quoting, formula guard; JSON: every bookmark of the account', async () => {
    const member = ana;
    const tricky = await member.api('POST', BASE, {
      url: 'https://csv.example/tricky',
      title: 'Commas, "quotes" and\nnew lines',
      note: '=HYPERLINK("https://evil.example")',
      tags: ['csv', 'export test'],
    });
    assert.equal(tricky.status, 201);
    const { text, headers } = await exported(member, 'csv');
    assert.match(headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(headers.get('content-disposition') ?? '', /filename="bookmarks-ana\.csv"/);
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'url,title,note,tags,visibility,kind,created_at,updated_at,description,site_name');
    assert.ok(text.endsWith('\r\n'));
    const rows = parseCsv(text);
    assert.equal(rows.length, 1 + (await countOf(member)));
    assert.ok(
      rows.every((r) => r.length === 10),
      'every row has every column',
    );
    const row = rows.find((r) => r[0] === 'https://csv.example/tricky')!;
    assert.equal(row[1], 'Commas, "quotes" and new lines');
    assert.equal(row[2], `'=HYPERLINK("https://evil.example")`, 'a formula is disarmed');
    assert.equal(row[3], 'csv, export test');
    assert.equal(row[4], 'private');
    assert.equal(row[5], 'url');
    assert.match(row[6]!, /^\d{4}-\d\d-\d\dT/);

    const json = await exported(member, 'json');
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    const doc = JSON.parse(json.text);
    assert.equal(doc.format, 'commonroom-bookmarks');
    assert.equal(doc.member, 'ana');
    assert.equal(doc.bookmarks.length, await countOf(member));
    const item = doc.bookmarks.find((b: Json) => b.url === 'https://csv.example/tricky');
    assert.deepEqual(item.tags.sort(), ['csv', 'export test']);
    assert.equal(item.note, '=HYPERLINK("https://evil.example")');
    assert.deepEqual(Object.keys(item).sort(), [
      'createdAt',
      'description',
      'id',
      'imageUrl',
      'itemId',
      'kind',
      'note',
      'postId',
      'siteName',
      'snapshot',
      'tags',
      'title',
      'updatedAt',
      'url',
      'visibility',
    ]);
    // The same downloads from the import page (with the session), and only one's own.
    const page = await member.web.fetch('/bookmarks/export.csv');
    assert.equal(page.status, 200);
    assert.equal(await page.text(), text);
    const other = await (await bo.web.fetch('/bookmarks/export.json')).json();
    assert.ok(!other.bookmarks.some((b: Json) => b.url === 'https://csv.example/tricky'));
    assert.equal((await server.client().fetch('/bookmarks/export.html')).status, 303);
    assert.equal((await fetch(`${server.url}${BASE}/export.json`)).status, 401);
  });

  test('the import page: upload, then the summary with the skipped entries', async () => {
    const page = await cy.web.post('/bookmarks/import', { file: new Blob([BROWSER_EXPORT], { type: 'text/html' }) });
    assert.equal(page.status, 200);
    assert.match(page.text('[role=status]'), /new bookmarks?; \d+ (entry|entries) joined/);
    assert.match(page.text('[role=status]'), /not http\(s\): 2/);
    assert.match(page.text('[role=status]'), /Line 28: Router admin/);
    const none = await cy.web.post('/bookmarks/import', {}, { multipart: true });
    assert.equal(none.status, 422);
    assert.match(none.text('#field-file-error'), /Choose the bookmark file/);
  });
});

/** A small RFC 4180 reader for the test: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}
