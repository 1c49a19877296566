/** Reads whole-number options (`--feeds 10_000`), failing with the usage text when one is wrong. */
export function wholeNumbers(usage: string) {
  return (name: string, value: string, min: number): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}\n\n${usage}`);
    return n;
  };
}

/** The options of every benchmark that runs on both databases, for `parseArgs` (spread in). */
export const DATABASE_OPTIONS = {
  'sqlite-only': { type: 'boolean', default: false },
  'postgres-only': { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
