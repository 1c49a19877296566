import { decodeHTML } from 'entities';
import { escapeHtml } from '../platform/sanitize.ts';

/**
 * The Netscape bookmark file: what every browser, Diigo, Pinboard and Raindrop export and
 * import. It is loose HTML, never valid and often broken:
 *
 *     <!DOCTYPE NETSCAPE-Bookmark-file-1>
 *     <DL><p>
 *       <DT><H3 ADD_DATE="…">Folder</H3>
 *       <DL><p>
 *         <DT><A HREF="https://…" ADD_DATE="1700000000" LAST_MODIFIED="…" TAGS="a,b" PRIVATE="1">Title</A>
 *         <DD>A note
 *       </DL><p>
 *     </DL><p>
 *
 * `NetscapeReader` reads it as a stream: text goes in chunk by chunk (`feed`) and finished
 * bookmarks come out, so a 20 MB file never becomes a DOM. It is a small tokenizer, not an
 * HTML parser: it knows DT, A, DD, H3 and DL and treats everything else as text. A tag that
 * never closes ends at the next `<`; a scan resumes where it stopped, so one enormous
 * attribute (a data: icon) costs one pass, not one per chunk.
 */

export interface NetscapeEntry {
  /** Line of the `<A>` tag in the file (from 1), for the import summary. */
  line: number;
  href: string;
  title: string;
  /** Epoch ms, or null when absent or not a plausible date. */
  addDate: number | null;
  lastModified: number | null;
  /** TAGS, then the names of the folders it is in (outermost first). */
  tags: string[];
  note: string;
  /** PRIVATE="1" → true, PRIVATE="0" → false, absent → null. */
  private: boolean | null;
}

export interface NetscapeSkip {
  line: number;
  href: string | null;
  title: string;
  reason: string;
}

export type NetscapeEvent = { kind: 'bookmark'; entry: NetscapeEntry } | { kind: 'skipped'; skip: NetscapeSkip };

/** Raw text kept per title or note; anything longer is cut (titles and notes are capped far below this). */
const MAX_COLLECTED = 64 * 1024;

/** Folders that are a browser's own structure, not a topic: they do not become tags. */
const ROOT_FOLDER_ATTRIBUTES = ['personal_toolbar_folder', 'unfiled_bookmarks_folder'];
const ROOT_FOLDER_NAMES = new Set([
  'bookmarks bar',
  'bookmarks toolbar',
  'bookmarks menu',
  'other bookmarks',
  'mobile bookmarks',
  'favorites bar',
  'favourites bar',
  'bookmarks',
]);

interface OpenEntry {
  line: number;
  attributes: Map<string, string>;
  title: string;
  note: string;
  collecting: 'title' | 'note' | null;
}

type TagScan = { start: number; at: number; quote: '"' | "'" | null };

export class NetscapeReader {
  #buffer = '';
  #line = 1;
  /** Where an unfinished tag started and how far it was scanned. */
  #scan: TagScan | null = null;
  /** How far an unfinished comment at the start of the buffer was searched for its end. */
  #commentSearchedTo = 0;
  #entry: OpenEntry | null = null;
  #folderName: { raw: string; root: boolean } | null = null;
  #collectingFolder = false;
  /** The next <DL> opens this folder. */
  #pendingFolder: { name: string; root: boolean } | null = null;
  #folders: Array<{ name: string; root: boolean } | null> = [];
  #lastStartTag = '';
  #events: NetscapeEvent[] = [];
  /** The file declared itself a Netscape bookmark file. */
  sawDoctype = false;
  /** `<A>` tags read as bookmarks (imported or skipped). */
  anchors = 0;

  /** Reads a chunk of the file's text; returns the bookmarks it finished. */
  feed(text: string): NetscapeEvent[] {
    this.#buffer += text;
    this.#run(false);
    return this.#events.splice(0);
  }

  /** The end of the file: finishes what is open. */
  end(): NetscapeEvent[] {
    this.#run(true);
    if (this.#scan) {
      // The file ends inside a tag.
      const raw = this.#buffer.slice(this.#scan.start);
      if (/^<a\s/i.test(raw)) {
        this.#finishEntry();
        const href = /href\s*=\s*["']?([^"'\s>]*)/i.exec(raw)?.[1] ?? null;
        this.#events.push({
          kind: 'skipped',
          skip: {
            line: this.#line,
            href: href ? decodeHTML(href) : null,
            title: '',
            reason: 'the file ends in the middle of this bookmark',
          },
        });
        this.anchors++;
      }
      this.#scan = null;
    }
    this.#finishEntry();
    this.#buffer = '';
    return this.#events.splice(0);
  }

  #run(final: boolean): void {
    const b = this.#buffer;
    let pos = 0;
    for (;;) {
      if (this.#scan) {
        const end = this.#scanTag(b, this.#scan);
        if (end === null) break;
        const { start } = this.#scan;
        this.#scan = null;
        const closedByGt = b[end] === '>';
        this.#tag(b.slice(start, closedByGt ? end + 1 : end));
        this.#countLines(b, start, closedByGt ? end + 1 : end);
        pos = closedByGt ? end + 1 : end;
        continue;
      }
      const lt = b.indexOf('<', pos);
      if (lt === -1) {
        this.#text(b.slice(pos));
        this.#countLines(b, pos, b.length);
        pos = b.length;
        break;
      }
      if (lt > pos) {
        this.#text(b.slice(pos, lt));
        this.#countLines(b, pos, lt);
        pos = lt;
      }
      // A comment or declaration: up to its end, which may be in a later chunk.
      if (b.startsWith('<!--', lt)) {
        const close = b.indexOf('-->', Math.max(lt + 4, lt === 0 ? this.#commentSearchedTo - 2 : 0));
        if (close === -1) {
          if (!final) {
            this.#commentSearchedTo = b.length - lt;
            break;
          }
          this.#countLines(b, lt, b.length);
          pos = b.length;
          break;
        }
        this.#commentSearchedTo = 0;
        this.#countLines(b, lt, close + 3);
        pos = close + 3;
        continue;
      }
      if (lt + 1 >= b.length && !final) break;
      const next = b[lt + 1] ?? '';
      if (next === '!' || next === '?' || next === '/' || /[A-Za-z]/.test(next)) {
        this.#scan = { start: lt, at: lt + 1, quote: null };
        continue;
      }
      // "<" that starts no tag ("a < b", "<3") is text.
      this.#text('<');
      pos = lt + 1;
    }
    this.#buffer = b.slice(pos);
    if (this.#scan) {
      this.#scan = { start: this.#scan.start - pos, at: this.#scan.at - pos, quote: this.#scan.quote };
    }
  }

  /**
   * Finds where the tag being scanned ends: its `>` outside quotes, or the next `<` (a broken
   * tag ends there). Null when the buffer ends first (more text may come; at the end of the
   * file, `end` deals with the unfinished tag).
   */
  #scanTag(b: string, scan: TagScan): number | null {
    for (let i = scan.at; i < b.length; i++) {
      const ch = b.charCodeAt(i);
      if (ch === 60 /* < */) return i;
      if (scan.quote) {
        if (b[i] === scan.quote) scan.quote = null;
      } else if (ch === 62 /* > */) {
        return i;
      } else if (ch === 34 /* " */ || ch === 39 /* ' */) {
        // A quote opens a value only right after `=` (ignoring spaces).
        let j = i - 1;
        while (j > scan.start && /\s/.test(b[j]!)) j--;
        if (b[j] === '=') scan.quote = b[i] as '"' | "'";
      }
    }
    scan.at = b.length;
    return null;
  }

  #countLines(b: string, from: number, to: number): void {
    for (let i = b.indexOf('\n', from); i !== -1 && i < to; i = b.indexOf('\n', i + 1)) this.#line++;
  }

  #text(raw: string): void {
    if (!raw) return;
    const entry = this.#entry;
    if (entry?.collecting === 'title') entry.title = append(entry.title, raw);
    else if (entry?.collecting === 'note') entry.note = append(entry.note, raw);
    else if (this.#collectingFolder && this.#folderName) this.#folderName.raw = append(this.#folderName.raw, raw);
  }

  #tag(raw: string): void {
    if (/^<!doctype\s+netscape-bookmark-file/i.test(raw)) {
      this.sawDoctype = true;
      return;
    }
    if (raw.startsWith('<!') || raw.startsWith('<?')) return;
    const closing = raw.startsWith('</');
    const name = /^<\/?([A-Za-z][A-Za-z0-9]*)/.exec(raw)?.[1]?.toLowerCase() ?? '';
    if (closing) {
      this.#endTag(name);
      return;
    }
    const previous = this.#lastStartTag;
    this.#lastStartTag = name;
    switch (name) {
      case 'dt':
        this.#finishEntry();
        this.#endFolderName();
        return;
      case 'a':
        this.#finishEntry();
        this.#endFolderName();
        // Without the doctype, only links in a <DT> are bookmarks (a web page's links are not).
        if (!this.sawDoctype && previous !== 'dt') return;
        this.anchors++;
        this.#entry = { line: this.#line, attributes: parseAttributes(raw), title: '', note: '', collecting: 'title' };
        return;
      case 'dd':
        this.#endFolderName();
        if (this.#entry) this.#entry.collecting = 'note';
        return;
      case 'h3': {
        this.#finishEntry();
        const attributes = parseAttributes(raw);
        this.#folderName = { raw: '', root: ROOT_FOLDER_ATTRIBUTES.some((a) => attributes.get(a) === 'true') };
        this.#collectingFolder = true;
        return;
      }
      case 'dl':
        this.#finishEntry();
        this.#endFolderName();
        this.#folders.push(this.#pendingFolder);
        this.#pendingFolder = null;
        return;
      case 'br':
        this.#text('\n');
        return;
      case 'p':
        // <DL><p> is the format's habit; inside a note a <p> starts a paragraph.
        if (this.#entry?.collecting === 'note' && this.#entry.note.trim()) this.#text('\n\n');
        return;
      default:
        return;
    }
  }

  #endTag(name: string): void {
    if (name === 'a') {
      if (this.#entry?.collecting === 'title') this.#entry.collecting = null;
    } else if (name === 'h3') {
      this.#endFolderName();
    } else if (name === 'dl') {
      this.#finishEntry();
      this.#endFolderName();
      this.#folders.pop();
    }
  }

  #endFolderName(): void {
    if (!this.#collectingFolder || !this.#folderName) return;
    this.#collectingFolder = false;
    const name = clean(this.#folderName.raw);
    const root = this.#folderName.root || ROOT_FOLDER_NAMES.has(name.toLowerCase());
    this.#pendingFolder = name ? { name, root } : null;
    this.#folderName = null;
  }

  #finishEntry(): void {
    const entry = this.#entry;
    if (!entry) return;
    this.#entry = null;
    const a = entry.attributes;
    const title = clean(entry.title);
    const href = a.get('href')?.trim() ?? '';
    if (!href) {
      this.#events.push({ kind: 'skipped', skip: { line: entry.line, href: null, title, reason: 'no address' } });
      return;
    }
    const tags = (a.get('tags') ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    for (const folder of this.#folders) if (folder && !folder.root) tags.push(folder.name);
    const privacy = a.get('private')?.trim();
    this.#events.push({
      kind: 'bookmark',
      entry: {
        line: entry.line,
        href,
        title,
        addDate: parseDate(a.get('add_date')),
        lastModified: parseDate(a.get('last_modified')),
        tags,
        note: cleanNote(entry.note),
        private: privacy === '1' ? true : privacy === '0' ? false : null,
      },
    });
  }
}

function append(collected: string, raw: string): string {
  return collected.length >= MAX_COLLECTED ? collected : collected + raw.slice(0, MAX_COLLECTED - collected.length);
}

/** Attributes of a start tag, names lower-cased, values with character references decoded. */
function parseAttributes(raw: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const body = raw.replace(/^<[A-Za-z0-9]+/, '').replace(/\/?>$/, '');
  for (const m of body.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeHTML(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attributes;
}

/** Text of a title or folder name: references decoded, whitespace collapsed. */
function clean(raw: string): string {
  return decodeHTML(raw).replace(/\s+/g, ' ').trim();
}

/** A note keeps its line breaks; runs of spaces collapse. */
function cleanNote(raw: string): string {
  return decodeHTML(raw)
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Earliest and latest dates believed (before the web; a day from now). */
const EARLIEST = Date.UTC(1990, 0, 1);

/** ADD_DATE is Unix seconds; some exporters write milliseconds or microseconds. */
export function parseDate(value: string | undefined): number | null {
  if (!value || !/^\d{1,20}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : Math.floor(n / 1000);
  return ms >= EARLIEST && ms <= Date.now() + 86_400_000 ? ms : null;
}

// ---- writing -------------------------------------------------------------------------------

export interface NetscapeWritable {
  url: string;
  title: string;
  note: string;
  tags: string[];
  private: boolean;
  createdAt: number;
  updatedAt: number;
}

export function netscapeHeader(title = 'Bookmarks'): string {
  return [
    '<!DOCTYPE NETSCAPE-Bookmark-file-1>',
    '<!-- This is an automatically generated file.',
    '     It will be read and overwritten.',
    '     DO NOT EDIT! -->',
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
    `<TITLE>${escapeHtml(title)}</TITLE>`,
    `<H1>${escapeHtml(title)}</H1>`,
    '<DL><p>',
    '',
  ].join('\n');
}

/** One bookmark: `<DT><A …>` and, with a note, `<DD>`. Tags go in TAGS (commas separate them). */
export function netscapeEntry(b: NetscapeWritable): string {
  const seconds = (ms: number) => String(Math.floor(ms / 1000));
  const attributes = [
    `HREF="${escapeHtml(b.url)}"`,
    `ADD_DATE="${seconds(b.createdAt)}"`,
    `LAST_MODIFIED="${seconds(b.updatedAt)}"`,
    `PRIVATE="${b.private ? 1 : 0}"`,
    ...(b.tags.length ? [`TAGS="${escapeHtml(b.tags.join(','))}"`] : []),
  ];
  const note = b.note ? `\n    <DD>${escapeHtml(b.note).replace(/\n/g, '<BR>')}` : '';
  return `    <DT><A ${attributes.join(' ')}>${escapeHtml(b.title || b.url)}</A>${note}\n`;
}

export function netscapeFooter(): string {
  return '</DL><p>\n';
}
