import { mixSeed, Random, WeightedSampler, zipfWeights } from '../lib/random.ts';
import { FIRST_NAMES, GLUE, LAST_NAMES, LINK_SITES, RARE_WORDS, TAGS, WORDS } from './words.ts';

/**
 * Post texts and member names, derived from the seed and an id alone: the same post gets the
 * same text on every database without keeping a million strings in memory.
 */

const HASHTAG_SHARE = 0.2;
const LINK_SHARE = 0.08;
/** Posts with one of the rare words: ~1 in 2,500, so each of the ten shows up in ~40 posts per million. */
const RARE_WORD_SHARE = 0.0004;
const GLUE_SHARE = 0.3;

export interface PostText {
  text: string;
  /** Indexes into TAGS, without repeats. */
  tags: number[];
  url: string | null;
}

/** A member's handle: readable and unique (the number is the member's id). */
export function handleOf(member: number): string {
  const first = FIRST_NAMES[member % FIRST_NAMES.length]!;
  const last = LAST_NAMES[Math.floor(member / FIRST_NAMES.length) % LAST_NAMES.length]!;
  return `${first}_${last}${member + 1}`;
}

export function displayNameOf(member: number): string {
  const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const [first, last] = handleOf(member).replace(/\d+$/, '').split('_') as [string, string];
  return `${capital(first)} ${capital(last)}`;
}

export class TextGenerator {
  readonly #seed: number;
  readonly #words = new WeightedSampler(zipfWeights(WORDS.length, 1.0));
  readonly #tags = new WeightedSampler(zipfWeights(TAGS.length, 1.1));
  /** How many posts contain each word (WORDS then RARE_WORDS), for the report. */
  readonly #postsWith = new Map<string, number>();

  constructor(seed: number) {
    this.#seed = seed;
  }

  /** The text of post `id`; a reply starts with an @mention of the author it answers. */
  post(id: number, replyTo: string | null): PostText {
    const random = new Random(mixSeed(this.#seed, id));
    const words = new Set<string>();
    const sentences = Array.from({ length: random.chance(0.5) ? 2 : 1 }, () => this.#sentence(random, words));
    if (random.chance(RARE_WORD_SHARE)) {
      const rare = random.pick(RARE_WORDS);
      words.add(rare);
      sentences.push(`Today I learned about ${rare}.`);
    }
    const parts = replyTo ? [`@${replyTo}`, ...sentences] : sentences;
    const url = random.chance(LINK_SHARE)
      ? `${random.pick(LINK_SITES)}${random.pick(WORDS)}-${random.pick(WORDS)}-${random.between(100, 9999)}`
      : null;
    if (url) parts.push(url);
    const tags = random.chance(HASHTAG_SHARE) ? this.#pickTags(random) : [];
    if (tags.length) parts.push(tags.map((t) => `#${TAGS[t]}`).join(' '));
    for (const word of words) this.#postsWith.set(word, (this.#postsWith.get(word) ?? 0) + 1);
    return { text: parts.join(' '), tags, url };
  }

  /** Posts generated so far containing `word` (as a word of the text, not in a link or tag). */
  postsWith(word: string): number {
    return this.#postsWith.get(word) ?? 0;
  }

  #sentence(random: Random, used: Set<string>): string {
    const length = random.between(5, 16);
    const tokens: string[] = [];
    for (let i = 0; i < length; i++) {
      if (i > 0 && random.chance(GLUE_SHARE)) {
        tokens.push(random.pick(GLUE));
      } else {
        const word = WORDS[this.#words.sample(random)]!;
        used.add(word);
        tokens.push(word);
      }
    }
    const text = tokens.join(' ');
    return text[0]!.toUpperCase() + text.slice(1) + random.pick(['.', '.', '.', '!', '?']);
  }

  #pickTags(random: Random): number[] {
    const tags = new Set<number>();
    const n = random.between(1, 3);
    for (let i = 0; i < n; i++) tags.add(this.#tags.sample(random));
    return [...tags];
  }
}
