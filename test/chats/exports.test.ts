import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  csvCell,
  escapeMarkdown,
  escapeMarkdownInline,
  type Transcript,
  type TranscriptPerson,
  type TranscriptPost,
  transcriptCsv,
  transcriptHtml,
  transcriptJson,
  transcriptMarkdown,
} from '../../src/chats/exports.ts';

const at = (s: string): number => Date.parse(s);
const HOSTILE = '# Heading [x](javascript:alert(1)) <script>alert(2)</script>';

const ana: TranscriptPerson = { handle: 'ana_reads', displayName: 'Ana *Librarian*', url: 'https://commonroom.example/@ana_reads' };
const ben: TranscriptPerson = { handle: 'ben', displayName: '=HYPERLINK("http://evil")', url: 'https://commonroom.example/@ben' };
const eve: TranscriptPerson = { handle: 'eve', displayName: 'Eve <img src=x onerror=alert(1)>', url: 'javascript:alert(1)' };

function post(id: number, author: TranscriptPerson, text: string, minute: number, extra: Partial<TranscriptPost> = {}): TranscriptPost {
  return {
    id,
    url: `https://commonroom.example/posts/${id}`,
    author,
    text,
    html: `<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`,
    createdAt: at(`2027-03-03T01:${String(minute).padStart(2, '0')}:00Z`),
    highlighted: false,
    firstTime: false,
    ...extra,
  };
}

function sample(): Transcript {
  const a1 = post(101, ana, 'A1: Genrefication doubled circulation, "really", in year one', 5, { highlighted: true });
  const a1b = post(102, ben, 'A1 we tried it, then reverted\nSecond line\n- not a list', 7, { firstTime: true });
  const a2 = post(103, eve, HOSTILE, 21);
  const other = post(104, ana, '@ben welcome! -1 for rain', 40);
  return {
    series: {
      slug: 'tlchat',
      title: 'Teacher-librarian chat',
      hashtag: '#tlchat',
      kind: 'chat',
      url: 'https://commonroom.example/chats/tlchat',
    },
    chat: {
      date: '2027-03-02',
      topic: 'Genrefication, one year on',
      startsAt: at('2027-03-03T01:00:00Z'),
      endsAt: at('2027-03-03T02:00:00Z'),
      startedAt: at('2027-03-03T01:01:00Z'),
      endedAt: null,
      url: 'https://commonroom.example/chats/tlchat/2027-03-02',
      timeZone: 'America/New_York',
    },
    questions: [
      {
        number: 1,
        label: 'Q1',
        text: 'Did genrefication change circulation?',
        imageUrl: 'https://commonroom.example/media/q1.jpg',
        imageAlt: 'Shelves labelled by genre',
        releasedAt: at('2027-03-03T01:02:00Z'),
        postUrl: 'https://commonroom.example/posts/100',
        answers: [a1, a1b],
      },
      {
        number: 2,
        label: 'Q2',
        text: 'What would you <b>change</b>?',
        imageUrl: null,
        imageAlt: null,
        releasedAt: null,
        postUrl: null,
        answers: [a2],
      },
      {
        number: 3,
        label: 'Q3',
        text: 'Anything else?',
        imageUrl: null,
        imageAlt: null,
        releasedAt: at('2027-03-03T01:30:00Z'),
        postUrl: null,
        answers: [],
      },
    ],
    otherPosts: [other],
    participants: [
      { ...ana, posts: 2, answers: 1, firstTime: false },
      { ...ben, posts: 1, answers: 1, firstTime: true },
      { ...eve, posts: 1, answers: 1, firstTime: false },
    ],
    counts: { posts: 4, answers: 3, participants: 3, highlighted: 1, firstTimers: 1 },
  };
}

/** A strict RFC 4180 reader: rows of fields, every row ended by CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'unterminated quoted field');
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      const end = text.slice(i).search(/[,\r]/);
      assert.ok(end >= 0, 'row not ended by CRLF');
      field = text.slice(i, i + end);
      assert.equal(/["\n]/.test(field), false, `unquoted field with a quote or LF: ${field}`);
      i += end;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else {
      assert.equal(text.slice(i, i + 2), '\r\n', `expected CRLF at ${i}`);
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

/** Markdown-significant characters left over once backslash escapes are removed. */
function unescapedSpecials(markdown: string): string {
  return markdown.replace(/\\[\s\S]/g, '').replace(/[^\\`*_[\]<>#|~&!{}]/g, '');
}

describe('transcriptCsv', () => {
  const csv = transcriptCsv(sample());
  const rows = parseCsv(csv);

  test('has a header and one row per post, answers first then other posts', () => {
    assert.deepEqual(rows[0], [
      'question',
      'post_id',
      'posted_at',
      'author_handle',
      'author_name',
      'text',
      'highlighted',
      'first_time',
      'url',
    ]);
    assert.deepEqual(
      rows.slice(1).map((r) => [r[0], r[1], r[2], r[6], r[7]]),
      [
        ['Q1', '101', '2027-03-03T01:05:00.000Z', 'true', 'false'],
        ['Q1', '102', '2027-03-03T01:07:00.000Z', 'false', 'true'],
        ['Q2', '103', '2027-03-03T01:21:00.000Z', 'false', 'false'],
        ['', '104', '2027-03-03T01:40:00.000Z', 'false', 'false'],
      ],
    );
    assert.ok(rows.every((r) => r.length === 9));
    assert.ok(csv.endsWith('\r\n'));
  });

  test('quotes commas, quotes and line breaks, and reads back exactly', () => {
    assert.equal(rows[1]![5], 'A1: Genrefication doubled circulation, "really", in year one');
    assert.ok(csv.includes('"A1: Genrefication doubled circulation, ""really"", in year one"'));
    assert.equal(rows[2]![5], 'A1 we tried it, then reverted\nSecond line\n- not a list');
    assert.equal(rows[3]![5], HOSTILE);
    assert.equal(rows[4]![8], 'https://commonroom.example/posts/104');
  });

  test('disarms cells a spreadsheet would run as formulas', () => {
    assert.equal(rows[2]![4], '\'=HYPERLINK("http://evil")');
    assert.equal(rows[4]![5], "'@ben welcome! -1 for rain");
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      const cell = parseCsv(`${csvCell(`${start}1+2`)}\r\n`)[0]![0]!;
      assert.equal(cell, `'${start}1+2`, JSON.stringify(start));
    }
    assert.equal(csvCell('1+2'), '1+2');
    assert.equal(csvCell('a=b'), 'a=b');
    assert.equal(csvCell(''), '');
  });
});

describe('transcriptJson', () => {
  test('round-trips, with ISO 8601 times in place of epoch ms', () => {
    const t = sample();
    const json = transcriptJson(t);
    const parsed = JSON.parse(json) as Record<string, unknown> & {
      chat: Record<string, unknown>;
      questions: Array<Record<string, unknown> & { answers: Array<Record<string, unknown>> }>;
      otherPosts: Array<Record<string, unknown>>;
    };
    assert.equal(parsed.chat.startsAt, '2027-03-03T01:00:00.000Z');
    assert.equal(parsed.chat.startedAt, '2027-03-03T01:01:00.000Z');
    assert.equal(parsed.chat.endedAt, null);
    assert.equal(parsed.questions[0]!.releasedAt, '2027-03-03T01:02:00.000Z');
    assert.equal(parsed.questions[1]!.releasedAt, null);
    assert.equal(parsed.questions[0]!.answers[0]!.createdAt, '2027-03-03T01:05:00.000Z');
    assert.ok(json.includes('\n  "series": {'), 'pretty-printed');

    // Turning the strings back into epoch ms gives the original Transcript.
    const ms = (v: unknown): number | null => (v === null ? null : Date.parse(v as string));
    const post = (p: Record<string, unknown>) => ({ ...p, createdAt: ms(p.createdAt) });
    const back = {
      ...parsed,
      chat: {
        ...parsed.chat,
        startsAt: ms(parsed.chat.startsAt),
        endsAt: ms(parsed.chat.endsAt),
        startedAt: ms(parsed.chat.startedAt),
        endedAt: ms(parsed.chat.endedAt),
      },
      questions: parsed.questions.map((q) => ({ ...q, releasedAt: ms(q.releasedAt), answers: q.answers.map(post) })),
      otherPosts: parsed.otherPosts.map(post),
    };
    assert.deepEqual(back, t);
  });
});

describe('escapeMarkdown', () => {
  test('leaves nothing for a Markdown renderer to interpret', () => {
    const hostile = [
      HOSTILE,
      '**bold** _em_ `code` ~~strike~~ | table |',
      '![img](https://evil.example/x.png) <https://autolink.example> &lt; &lt;',
      'back\\slash \\* already escaped',
      '{: .attr} [ref]: https://evil.example',
    ];
    for (const text of hostile) {
      assert.equal(unescapedSpecials(escapeMarkdown(text)), '', text);
      assert.equal(unescapedSpecials(escapeMarkdownInline(text)), '', text);
    }
  });

  test('neutralises block markers at the start of every line', () => {
    const text = '# h1\n## h2\n- item\n+ item\n* item\n1. one\n2) two\n> quote\n---\n===\n    code\n\tcode\n```fence';
    const lines = escapeMarkdown(text).split('\n');
    assert.deepEqual(lines, [
      '\\# h1',
      '\\#\\# h2',
      '\\- item',
      '\\+ item',
      '\\* item',
      '1\\. one',
      '2\\) two',
      '\\> quote',
      '\\---',
      '\\===',
      'code',
      'code',
      '\\`\\`\\`fence',
    ]);
  });

  test('ordinary text stays readable', () => {
    assert.equal(escapeMarkdown('A1: more books, fewer rules. 100% agree (really)'), 'A1: more books, fewer rules. 100% agree (really)');
  });
});

describe('transcriptMarkdown', () => {
  const md = transcriptMarkdown(sample());
  const lines = md.split('\n');

  test('has the title, date in the chat time zone, counts and question headings in order', () => {
    assert.equal(lines[0], '# Teacher-librarian chat: Genrefication, one year on');
    assert.ok(md.includes('Tuesday 2 March 2027, 20:00–21:00 (America/New\\_York)'));
    assert.ok(md.includes('3 participants · 4 posts · 3 answers · 1 highlighted · 1 first-timer'));
    const headings = lines.filter((l) => /^#{1,6} /.test(l));
    assert.deepEqual(headings, [
      '# Teacher-librarian chat: Genrefication, one year on',
      '## Q1: Did genrefication change circulation?',
      '## Q2: What would you \\<b\\>change\\</b\\>?',
      '## Q3: Anything else?',
      '## Other posts',
      '## Participants',
    ]);
  });

  test('lists answers with name, handle, local time, star and link', () => {
    assert.ok(
      lines.includes(
        '- ⭐ **Ana \\*Librarian\\*** (@ana\\_reads), [20:05](<https://commonroom.example/posts/101>): A1: Genrefication doubled circulation, "really", in year one',
      ),
    );
    // A multi-line post stays in its list item, and its "- not a list" line is not a new item.
    const start = lines.findIndex((l) => l.includes('(@ben)'));
    assert.ok(lines[start]!.endsWith('then reverted\\'));
    assert.equal(lines[start + 1], '  Second line\\');
    assert.equal(lines[start + 2], '  \\- not a list');
    assert.ok(lines[start]!.includes('(first chat)'));
  });

  test('a hostile post renders literally', () => {
    const line = lines.find((l) => l.includes('(@eve)'))!;
    assert.equal(
      line,
      '- **Eve \\<img src=x onerror=alert(1)\\>** (@eve), [20:21](<https://commonroom.example/posts/103>): ' +
        '\\# Heading \\[x\\](javascript:alert(1)) \\<script\\>alert(2)\\</script\\>',
    );
    assert.equal(/(^|[^\\])<script/i.test(md), false);
    assert.equal(/(^|[^\\])\]\(<?javascript:/i.test(md), false); // only as escaped text
    // The participant whose profile URL is javascript: is not linked.
    assert.ok(lines.includes('- **Eve \\<img src=x onerror=alert(1)\\>** (@eve): 1 post, 1 answer'));
  });

  test('includes the question image, other posts and participants', () => {
    assert.ok(md.includes('Image: [Shelves labelled by genre](<https://commonroom.example/media/q1.jpg>)'));
    assert.ok(md.includes('Asked at [20:02](<https://commonroom.example/posts/100>)'));
    assert.ok(lines.includes('No answers.'));
    assert.ok(md.includes('[20:40](<https://commonroom.example/posts/104>): @ben welcome\\! -1 for rain'));
    assert.ok(lines.includes('- [**=HYPERLINK("http://evil")**](<https://commonroom.example/@ben>) (@ben): 1 post, 1 answer, first chat'));
    assert.ok(md.endsWith('(@eve): 1 post, 1 answer\n'));
  });
});

describe('transcriptHtml', () => {
  const t = sample();
  t.questions[0]!.answers[0]!.html = '<p>Genrefication <em>doubled</em> circulation</p>';
  const html = transcriptHtml(t, { siteName: 'Commonroom <Test>' });

  test('is a standalone HTML5 document with one main and a title', () => {
    assert.ok(html.startsWith('<!doctype html>\n<html lang="en">'));
    assert.ok(html.includes('<meta charset="utf-8">'));
    assert.equal(html.match(/<main>/g)?.length, 1);
    assert.equal(html.match(/<\/main>/g)?.length, 1);
    const title = /<title>(.*)<\/title>/.exec(html)?.[1];
    assert.equal(title, '#tlchat Teacher-librarian chat: Genrefication, one year on (2027-03-02) · Commonroom &lt;Test&gt;');
    assert.ok(html.trimEnd().endsWith('</html>'));
  });

  test('headings start at h1 and never skip a level', () => {
    const levels = [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
    assert.equal(levels[0], 1);
    assert.equal(levels.filter((l) => l === 1).length, 1);
    for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! <= levels[i - 1]! + 1, `h${levels[i - 1]} then h${levels[i]}`);
    assert.deepEqual(levels, [1, 2, 3, 3, 3, 2, 2]);
  });

  test('escapes user text and contains no scripts', () => {
    assert.equal(/<script/i.test(html), false);
    assert.equal(/\son\w+=/i.test(html.replace(/&lt;[\s\S]*?&gt;/g, '')), false);
    assert.equal(html.includes('javascript:alert(1)"'), false);
    assert.ok(html.includes('Eve &lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('What would you &lt;b&gt;change&lt;/b&gt;?'));
    assert.equal(/href="javascript:/i.test(html), false);
    // Defence in depth: the page itself forbids scripts.
    assert.ok(html.includes(`content="default-src 'none';`));
  });

  test('inserts sanitised post HTML as is and marks highlights in words', () => {
    assert.ok(html.includes('<div class="content"><p>Genrefication <em>doubled</em> circulation</p></div>'));
    const highlighted = html.slice(html.indexOf('<li class="post is-highlighted">'));
    assert.ok(highlighted.slice(0, highlighted.indexOf('</li>')).includes('Highlighted'));
    assert.equal(html.match(/⭐ Highlighted/g)?.length, 1);
    assert.ok(html.includes('<span class="badge">First chat</span>'));
    assert.ok(html.includes('<time datetime="2027-03-03T01:05:00.000Z">20:05</time>'));
    assert.ok(html.includes('<img src="https://commonroom.example/media/q1.jpg" alt="Shelves labelled by genre">'));
  });

  test('has an accessible participants table', () => {
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    assert.ok(table.includes('<caption>3 participants</caption>'));
    assert.equal(table.match(/<th scope="col">/g)?.length, 5);
    assert.equal(table.match(/<th scope="row">/g)?.length, 3);
    assert.ok(table.includes('<th scope="row">Eve &lt;img src=x onerror=alert(1)&gt;</th>'));
  });

  test('a backchannel names its sections "Sessions"', () => {
    const b = sample();
    b.series.kind = 'backchannel';
    assert.ok(transcriptHtml(b, { siteName: 'x' }).includes('<h2 id="questions">Sessions</h2>'));
  });
});
