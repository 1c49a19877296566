import { Temporal } from '@js-temporal/polyfill';

/**
 * A moment as Fedify's vocabulary wants it. Node 24 has no Temporal yet: Fedify uses the
 * polyfill at run time but declares the standard type, so the polyfill's Instant is cast to it.
 */
export const instant = (ms: number): globalThis.Temporal.Instant =>
  Temporal.Instant.fromEpochMilliseconds(ms) as unknown as globalThis.Temporal.Instant;
