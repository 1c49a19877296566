/**
 * Which question a chat post answers, from its text: "A1: …", "A1 - …", "a1) …", "A 1. …",
 * after any leading @mentions. Backchannel posts name their session the same way with S:
 * "S2: …". Returns the number, or null when the post does not say.
 */
export function answerNumber(text: string, letter: 'A' | 'S'): number | null {
  const pattern = letter === 'A' ? ANSWER : SESSION;
  const match = pattern.exec(text);
  if (!match) return null;
  const n = Number(match[1]);
  return n >= 1 ? n : null;
}

// Leading mentions, the letter, an optional space, 1–3 digits, then punctuation, space or the end.
const PREFIX = String.raw`^\s*(?:@[\w.@-]+[\s,:]+)*`;
const AFTER = String.raw`(?=[\s:;.,)\]\-–—]|$)`;
const ANSWER = new RegExp(`${PREFIX}[Aa] ?(\\d{1,3})${AFTER}`);
const SESSION = new RegExp(`${PREFIX}[Ss] ?(\\d{1,3})${AFTER}`);

/** "Q3" for a chat's numbered question; a backchannel session's own name. */
export function questionLabel(kind: 'chat' | 'backchannel', number: number, label: string): string {
  return kind === 'backchannel' && label ? label : `${kind === 'chat' ? 'Q' : 'S'}${number}`;
}

/** What a participant types before an answer to question `number` ("A3 ", or "S2 " in a backchannel). */
export function answerPrefix(kind: 'chat' | 'backchannel', number: number): string {
  return `${kind === 'chat' ? 'A' : 'S'}${number} `;
}
