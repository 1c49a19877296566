import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseText, type RenderLinks, renderHtml, textLength } from '../../src/social/text.ts';

const links: RenderLinks = {
  baseUrl: 'https://room.example',
  mention: (acct) =>
    acct === 'maria'
      ? { url: 'https://room.example/@maria', label: '@maria' }
      : acct === 'ada@far.example'
        ? { url: 'https://far.example/@ada', label: '@ada' }
        : null,
};
const html = (text: string) => renderHtml(parseText(text).tokens, links);

describe('parseText', () => {
  test('links: http and https, trailing punctuation and unbalanced brackets left out', () => {
    assert.deepEqual(parseText('Read https://example.org/a?b=1&c=2. Then http://x.example/').urls, [
      'https://example.org/a?b=1&c=2',
      'http://x.example/',
    ]);
    assert.deepEqual(parseText('(see https://en.wikipedia.org/wiki/Foo_(bar)), ok').urls, ['https://en.wikipedia.org/wiki/Foo_(bar)']);
    assert.deepEqual(parseText('"https://quoted.example/x", and https://end.example!?').urls, [
      'https://quoted.example/x',
      'https://end.example',
    ]);
    assert.deepEqual(parseText('ftp://files.example/ and javascript:alert(1) and www.example.org and http://nodot/').urls, []);
    assert.deepEqual(parseText('http://localhost:3000/a http://10.0.0.1/b http://[::1]:8080/c').urls, [
      'http://localhost:3000/a',
      'http://10.0.0.1/b',
      'http://[::1]:8080/c',
    ]);
  });

  test('hashtags: letters needed, unique by slug, first spelling kept; not inside words, URLs or entities', () => {
    const parsed = parseText('#TLChat and #tl_chat and #tlchat. #2024 #über a#b &#123; https://x.example/#frag #Edtech!');
    assert.deepEqual(parsed.hashtags, [
      { name: 'TLChat', slug: 'tlchat' },
      { name: 'über', slug: 'über' },
      { name: 'Edtech', slug: 'edtech' },
    ]);
    assert.deepEqual(parsed.urls, ['https://x.example/#frag']);
    assert.equal(parsed.tokens.filter((t) => t.type === 'hashtag').length, 5, 'every occurrence is a token, even repeated ones');
  });

  test('mentions: @handle and @handle@host (case-folded acct), not e-mail addresses or URL paths', () => {
    const parsed = parseText(
      'Hi @Maria and @Ada@Far.Example, also @maria again. Mail a@b.example; see https://social.example/@nobody. @x@host.example:8080',
    );
    assert.deepEqual(parsed.mentions, [
      { handle: 'Maria', host: null, acct: 'maria' },
      { handle: 'Ada', host: 'far.example', acct: 'ada@far.example' },
      { handle: 'x', host: 'host.example:8080', acct: 'x@host.example:8080' },
    ]);
    assert.deepEqual(parsed.urls, ['https://social.example/@nobody']);
  });

  test('tokens cover the whole text in order', () => {
    const text = 'Hey @maria, #TLChat is at https://tl.example/chat tonight.';
    const parsed = parseText(text);
    const rebuilt = parsed.tokens
      .map((t) =>
        t.type === 'text'
          ? t.value
          : t.type === 'url'
            ? t.value
            : t.type === 'hashtag'
              ? `#${t.name}`
              : `@${t.handle}${t.host ? `@${t.host}` : ''}`,
      )
      .join('');
    assert.equal(rebuilt, text);
    assert.deepEqual(
      parsed.tokens.map((t) => t.type),
      ['text', 'mention', 'text', 'hashtag', 'text', 'url', 'text'],
    );
  });
});

describe('renderHtml', () => {
  test('escapes everything that is not a token: no markup can be injected', () => {
    assert.equal(
      html(`<script>alert("x")</script> & 'y' <img src=x onerror=alert(1)>`),
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &lt;img src=x onerror=alert(1)&gt;</p>',
    );
    // A URL cannot break out of its attribute either: quotes and angle brackets end it.
    assert.equal(
      html('https://evil.example/"onmouseover="x'),
      '<p><a href="https://evil.example/" rel="nofollow noopener noreferrer ugc">evil.example/</a>&quot;onmouseover=&quot;x</p>',
    );
  });

  test('links are nofollow and shortened for display; the href keeps the whole URL', () => {
    const long = `https://www.example.org/${'a'.repeat(60)}`;
    assert.equal(html(long), `<p><a href="${long}" rel="nofollow noopener noreferrer ugc">example.org/${'a'.repeat(32)}…</a></p>`);
    assert.equal(
      html('https://example.org/a?b=1&c=2'),
      '<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc">example.org/a?b=1&amp;c=2</a></p>',
    );
  });

  test('hashtags link to the local tag page; known mentions link, unknown ones stay text', () => {
    assert.equal(
      html('#TLChat with @maria and @Ada@far.example, not @ghost'),
      '<p><a href="https://room.example/tags/tlchat" class="hashtag" rel="tag">#TLChat</a> with <a href="https://room.example/@maria" class="mention">@maria</a> and <a href="https://far.example/@ada" class="mention">@ada</a>, not @ghost</p>',
    );
    assert.match(html('#über'), /href="https:\/\/room\.example\/tags\/%C3%BCber"/);
  });

  test('paragraphs and line breaks; CRLF normalised; surrounding blank lines dropped', () => {
    assert.equal(html('\n\none\r\ntwo\r\n\r\n\r\nthree\n\n'), '<p>one<br>two</p><p>three</p>');
  });
});

describe('textLength', () => {
  test('counts code points, as people count characters', () => {
    assert.equal(textLength('abc'), 3);
    assert.equal(textLength('🙂🙂'), 2, 'an emoji is one character, not two UTF-16 units');
    assert.equal('🙂🙂'.length, 4);
    assert.equal(textLength(''), 0);
  });
});
