/** Number formats and aligned plain-text tables for benchmark reports. */

export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

export const ms = (x: number): string => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0)) : '–');

export function duration(milliseconds: number): string {
  const s = milliseconds / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 2 : value < 100 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

export type Align = 'left' | 'right';

/**
 * Lays out rows under headers with columns padded to their widest cell. `align` gives each
 * column's alignment (numbers read best right-aligned); a row of one empty string is a rule.
 */
export function table(headers: string[], rows: string[][], align: Align[] = [], indent = '  '): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = indent + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map((r) => (r.length === 1 && r[0] === '' ? rule : line(r)))].join('\n');
}
