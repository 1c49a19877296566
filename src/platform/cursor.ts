import { UserError } from './errors.ts';

/**
 * Opaque page cursors for keyset pagination: the sort key of the last row, as base64url JSON.
 * A cursor that does not decode to the expected shape is a 400, never a silent first page.
 */
export function encodeCursor(values: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor<const T extends ReadonlyArray<'string' | 'number'>>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  const message = 'That page link is invalid or out of date. Go back to the first page.';
  const invalid = () => new UserError(400, 'invalid_cursor', message, { issues: [{ path: 'cursor', message }] });
  let values: unknown;
  try {
    if (cursor.length > 500 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(values) || values.length !== shape.length) throw invalid();
  shape.forEach((type, i) => {
    const value: unknown = values[i];
    if (type === 'number' ? !Number.isSafeInteger(value) : typeof value !== 'string') throw invalid();
  });
  return values as { [K in keyof T]: T[K] extends 'number' ? number : string };
}

/** Escapes % and _ for a LIKE pattern used with `escape '\\'`. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
