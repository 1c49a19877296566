import { mixSeed, Random } from '../lib/random.ts';

/**
 * What the chat benchmark's people are called and what they write: derived from the seed and
 * an index alone, so every run and every database gets the same names and texts.
 */

/** A monotonic clock in milliseconds shared by every thread and process of the machine (CLOCK_MONOTONIC). */
export function now(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const FIRST = [
  'ana',
  'bo',
  'cy',
  'dee',
  'eli',
  'fay',
  'gus',
  'hal',
  'ivy',
  'jo',
  'kai',
  'lea',
  'max',
  'nia',
  'oz',
  'pia',
  'quin',
  'rae',
  'sam',
  'tess',
  'uma',
  'vic',
  'wes',
  'xia',
  'yuri',
  'zoe',
];
const LAST = ['reader', 'shelver', 'teacher', 'librarian', 'coach', 'writer', 'maker', 'curator', 'mentor', 'scholar'];

/** Member `i`'s handle (unique; member 0 is the host). */
export function handleOf(i: number): string {
  return i === 0 ? 'chathost' : `${FIRST[i % FIRST.length]}_${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i}`;
}

export function displayNameOf(i: number): string {
  if (i === 0) return 'Chat Host';
  const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  return `${capital(FIRST[i % FIRST.length]!)} ${capital(LAST[Math.floor(i / FIRST.length) % LAST.length]!)}`;
}

const OPENERS = ['We', 'In our library we', 'My students', 'Our team', 'This year we', 'Honestly, we', 'At my school we', 'Lately I'];
const VERBS = ['start with', 'lean on', 'love', 'rely on', 'keep coming back to', 'experiment with', 'build around', 'share'];
const THINGS = [
  'read-alouds every morning',
  'graphic novels for reluctant readers',
  'a fine-free policy',
  'student book clubs',
  'a makerspace cart',
  'lateral reading lessons',
  'podcasts made by students',
  'author visits over video',
  'a genrefied fiction section',
  'reading logs without points',
  'book tastings',
  'co-teaching with the science team',
  'databases instead of search engines',
  'a quiet corner with beanbags',
  'banned books displays',
  'open office hours for teachers',
  'audiobooks for multilingual learners',
  'citation scavenger hunts',
  'family literacy nights',
  'a lunch-time chess club',
];
const ENDINGS = [
  'and it works.',
  'and the kids notice.',
  'more than ever.',
  'every single week!',
  '— still learning though.',
  'and circulation doubled.',
  'with mixed results.',
  '?? Ask me how.',
];
const CHATTER = [
  'Hi all, joining from the back of the library tonight',
  'Great point, saving this thread',
  'Love this answer!',
  'Late to the chat, catching up now',
  'This is my first chat here, hello everyone',
  'So many ideas tonight, thank you',
  'Anyone have a link for that lesson?',
  'Same here, we tried it last spring',
];
const QUESTION_TOPICS = [
  'What is one reading habit you want every student to leave with',
  'How do you reach readers who say they hate reading',
  'Which tool changed your teaching this year',
  'How do you collaborate with classroom teachers',
  'What do you do about misinformation',
  'How do you measure the library’s impact',
  'What would you do with a surprise budget',
  'Which book should every teacher read',
  'How do you keep your own learning going',
  'What are you trying next month',
];

/** The text of question `n` (1-based). */
export function questionText(n: number): string {
  return `${QUESTION_TOPICS[(n - 1) % QUESTION_TOPICS.length]}${n > QUESTION_TOPICS.length ? ` (part ${Math.ceil(n / QUESTION_TOPICS.length)})` : ''}?`;
}

export interface ChatText {
  text: string;
  /** Whether it answers the current question ("A<n>: …"). */
  answer: boolean;
}

/**
 * Post `index` of a chat: mostly answers to question `question` ("A2: …"), sometimes chatter;
 * a few mention another participant or carry a link, as real chat posts do.
 */
export function chatPost(seed: number, index: number, question: number | null, hashtag: string, mention: string | null): ChatText {
  const random = new Random(mixSeed(seed, index));
  const answer = question !== null && random.chance(0.88);
  const body = answer
    ? `${random.pick(OPENERS)} ${random.pick(VERBS)} ${random.pick(THINGS)} ${random.pick(ENDINGS)}`
    : `${random.pick(CHATTER)}${random.pick(['!', '.', ' :)', ''])}`;
  const parts = [answer ? `A${question}: ${body}` : body];
  if (mention && random.chance(0.08)) parts.push(`cc @${mention}`);
  if (random.chance(0.04)) parts.push(`https://example.org/lessons/${random.between(100, 9999)}`);
  parts.push(`#${hashtag}`);
  return { text: parts.join(' '), answer };
}
