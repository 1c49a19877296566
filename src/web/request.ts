import { UserError } from '../platform/errors.ts';
import type { AppContext } from './context.ts';

/** Room for the text fields of a form that also carries an upload. */
export const FORM_OVERHEAD_BYTES = 256 * 1024;

/** A submitted web form, read once (the CSRF check and the route share Hono's body cache). */
export interface Form {
  /** The value of a text field ('' when absent; the first when repeated). */
  text(name: string): string;
  /** Every value of a repeated text field. */
  texts(name: string): string[];
  /** An uploaded file, or null when none was chosen. */
  file(name: string): File | null;
  /** The chosen files of a repeated file field, with the position of each among the fields. */
  files(name: string): Array<{ index: number; file: File }>;
}

export async function readForm(c: AppContext): Promise<Form> {
  if (c.var.oversizedBody) throw tooLarge(c.var.kernel.config.maxUploadBytes + FORM_OVERHEAD_BYTES);
  const body = await c.req.parseBody({ all: true });
  const values = (name: string): Array<string | File> => {
    const value = body[name];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  return {
    text: (name) => {
      const first = values(name)[0];
      return typeof first === 'string' ? first : '';
    },
    texts: (name) => values(name).filter((v): v is string => typeof v === 'string'),
    file: (name) => {
      const first = values(name)[0];
      return first instanceof File && first.size > 0 ? first : null;
    },
    files: (name) =>
      values(name).flatMap((value, index) => (value instanceof File && (value.size > 0 || value.name) ? [{ index, file: value }] : [])),
  };
}

/** Any origin, for checking that a path stays on whatever site it is resolved against. */
const PROBE_ORIGIN = 'https://probe.invalid';

/**
 * The one test for a redirect target the visitor chose (`next` after signing in, `back` after
 * a form): the value is resolved as a browser resolves a Location header (the WHATWG URL
 * parser, which drops tabs and newlines and reads `\` as `/`) against the site's address, and
 * kept only when it stays on the site. The answer is a path with its query and fragment, in
 * the parser's normalised form (so never a control character), or `fallback`.
 */
export function safeNext(c: AppContext, next: string | undefined | null, fallback = '/'): string {
  if (!next) return fallback;
  const site = new URL(c.var.kernel.config.baseUrl);
  let url: URL;
  try {
    url = new URL(next, site);
  } catch {
    return fallback;
  }
  if (url.origin !== site.origin) return fallback;
  const path = url.pathname + url.search + url.hash;
  // `/.//host` normalises to the path `//host`, which a browser would read as another site.
  if (path.length > 500 || new URL(path, PROBE_ORIGIN).origin !== PROBE_ORIGIN) return fallback;
  return path;
}

/** `path` (from safeNext) pointing at the element `id` on its page: any anchor it had is replaced. */
export function withAnchor(path: string, id: string): string {
  const hash = path.indexOf('#');
  return `${hash === -1 ? path : path.slice(0, hash)}#${id}`;
}

export function tooLarge(maxBytes: number): UserError {
  return new UserError(413, 'too_large', `What you sent is larger than this server accepts (${Math.round(maxBytes / 1048576)} MB).`);
}
