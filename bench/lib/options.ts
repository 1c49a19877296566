/** Reads whole-number options (`--feeds 10_000`), failing with the usage text when one is wrong. */
export function wholeNumbers(usage: string) {
  return (name: string, value: string, min: number): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}\n\n${usage}`);
    return n;
  };
}
