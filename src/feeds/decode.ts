/**
 * Bytes to text: a feed's bytes are decoded by BOM, then the HTTP charset, then the XML
 * declaration, then UTF-8, with a lenient fallback for documents that say one encoding and are
 * written in another. Also base64 that holds text (Atom's mode="base64" and binary content).
 */

const XML_DECLARATION = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

/** Decodes by BOM, then the HTTP charset, then the XML declaration, then UTF-8. */
export function decodeFeed(
  bytes: Uint8Array,
  contentType: string | undefined,
  warnings: string[] = [],
): { text: string; encoding: string } {
  let label: string | undefined;
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) [label, start] = ['utf-8', 3];
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [label, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [label, start] = ['utf-16be', 2];
  else if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) label = 'utf-16le';
  else if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) label = 'utf-16be';
  label ??= /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '')?.[1];
  label ??= XML_DECLARATION.exec(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString('latin1'))?.[1];
  label = (label ?? 'utf-8').toLowerCase();
  const body = bytes.subarray(start);
  let decoder = decoderFor(label);
  if (!decoder) {
    warnings.push(`unknown character encoding "${label}", read as UTF-8`);
    decoder = decoderFor('utf-8')!;
  }
  try {
    return { text: decoder.decode(body), encoding: decoder.encoding };
  } catch {
    // Mostly good UTF-8 with a stray bad byte: keep the good text, mark the bad spot.
    if (decoder.encoding === 'utf-8') {
      const lenient = new TextDecoder('utf-8').decode(body);
      const bad = lenient.match(/\uFFFD/g)?.length ?? 0;
      const good = lenient.match(/[^\u0000-\u007F\uFFFD]/g)?.length ?? 0;
      if (good > bad) {
        warnings.push(`the document has ${bad} invalid UTF-8 sequence${bad === 1 ? '' : 's'}; they were replaced`);
        return { text: lenient, encoding: 'utf-8' };
      }
    }
    // Declared one way, written another: the usual culprit is Windows-1252 labelled as UTF-8.
    const fallback = decoder.encoding === 'utf-8' ? 'windows-1252' : 'utf-8';
    warnings.push(`the document is not valid ${decoder.encoding}; read as ${fallback}`);
    return { text: new TextDecoder(fallback).decode(body), encoding: fallback };
  }
}

/** Strict decoders by label, made once: making one costs more than decoding a small feed. */
const DECODERS = new Map<string, TextDecoder | null>();

function decoderFor(label: string): TextDecoder | undefined {
  let decoder = DECODERS.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      decoder = null;
    }
    // Labels come from documents: only the first few hundred are remembered.
    if (DECODERS.size < 256) DECODERS.set(label, decoder);
  }
  return decoder ?? undefined;
}

/** Base64 that decodes to UTF-8 text (no control characters), else undefined. */
export function decodeBase64Text(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!compact || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}
