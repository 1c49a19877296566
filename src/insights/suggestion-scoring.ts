import { roleLabel } from '../accounts/index.ts';
import { listWords, num } from './common.ts';
import { COMPLEMENTS, type Known, type Signals } from './suggestion-signals.ts';

/**
 * Who to follow, step two: ranking the candidates the signals gave (suggestion-signals.ts) and
 * saying why in words. Pure: no database here.
 */

const WEIGHTS = {
  friendsOfFriends: 3,
  followsYou: 12,
  passion: 1.5,
  relatedPassion: 1,
  tag: 0.8,
  tagMax: 3,
  chat: 1.5,
  sameRole: 0.6,
  complementaryRole: 0.4,
  lackingRole: 0.5,
  samePlace: 1.2,
  lackingPlace: 0.2,
  popularity: 1,
} as const;

/** A network "has few" of a role or place when under this share of the people followed (and it has at least MIN_NETWORK people). */
const FEW_SHARE = 0.1;
const MIN_NETWORK = 5;
const DAY = 86_400_000;

/**
 * The passions a candidate shares with the viewer: the same ones (by stem: the viewer's names),
 * and related ones (the candidate's name, and the viewer's passion it relates to).
 */
export interface SharedPassions {
  same: string[];
  related: Array<{ name: string; via: string }>;
}

/** A candidate's profile, as scoring and the reasons read it. */
export interface Profile {
  id: number | string;
  role: string | null;
  role_other: string | null;
  location: string | null;
  location_key: string | null;
  followers_count: number | string;
  last_post_at: number | string | null;
}

/** A candidate with its score and what the reasons say about role, place and activity. */
export interface Scored<P extends Profile> {
  p: P;
  s: Signals;
  score: number;
  sameRole: boolean;
  complementary: boolean;
  lackingRole: boolean;
  samePlace: boolean;
  lackingPlace: boolean;
  lastPost: number | null;
}

/** Cheap pre-ranking on the counts alone keeps the profile load bounded: the best `max` ids. */
export function preRank(signals: Map<number, Signals>, max: number): number[] {
  const cheap = (s: Signals) =>
    (s.followsYou ? WEIGHTS.followsYou : 0) +
    WEIGHTS.friendsOfFriends * Math.log1p(s.fof) +
    WEIGHTS.passion * s.passions +
    WEIGHTS.tag * s.tags.size +
    WEIGHTS.chat * s.chats.size +
    (s.fromPool ? 0.5 : 0);
  return [...signals.entries()]
    .sort((a, b) => cheap(b[1]) - cheap(a[1]) || b[0] - a[0])
    .slice(0, max)
    .map(([id]) => id);
}

/**
 * Scores every candidate from its signals, the passions it shares with the viewer, its role and
 * place (favouring what the network has few of), its reach and how lately it posted; best first.
 */
export function score<P extends Profile>(
  profiles: P[],
  signals: Map<number, Signals>,
  passionsOf: Map<number, SharedPassions>,
  known: Known,
  now: number,
): Array<Scored<P>> {
  const roleCounts = new Map<string, number>();
  const placeCounts = new Map<string, number>();
  for (const r of known.accepted) {
    if (r.role) roleCounts.set(r.role, (roleCounts.get(r.role) ?? 0) + 1);
    if (r.location_key) placeCounts.set(r.location_key, (placeCounts.get(r.location_key) ?? 0) + 1);
  }
  const size = known.accepted.length;
  const few = (counts: Map<string, number>, key: string) => size >= MIN_NETWORK && (counts.get(key) ?? 0) / size < FEW_SHARE;
  const myRole = known.role;
  const complements = new Set(myRole ? (COMPLEMENTS[myRole] ?? []) : []);

  return profiles
    .map((p) => {
      const s = signals.get(num(p.id))!;
      let score = 0;
      if (s.fof > 0) score += WEIGHTS.friendsOfFriends * Math.log1p(s.fof);
      if (s.followsYou) score += WEIGHTS.followsYou;
      const shared = passionsOf.get(num(p.id));
      score += WEIGHTS.passion * (shared?.same.length ?? 0) + WEIGHTS.relatedPassion * (shared?.related.length ?? 0);
      let tagScore = 0;
      for (const n of s.tags.values()) tagScore += WEIGHTS.tag * Math.log1p(n);
      score += Math.min(WEIGHTS.tagMax, tagScore);
      score += WEIGHTS.chat * s.chats.size;
      const sameRole = Boolean(p.role && p.role === myRole && p.role !== 'other');
      const complementary = Boolean(p.role && complements.has(p.role));
      const lackingRole = Boolean(p.role && p.role !== 'other' && few(roleCounts, p.role));
      if (sameRole) score += WEIGHTS.sameRole;
      else if (complementary) score += WEIGHTS.complementaryRole;
      if (lackingRole) score += WEIGHTS.lackingRole;
      const samePlace = Boolean(p.location_key && p.location_key === known.placeKey);
      const lackingPlace = Boolean(p.location_key && !samePlace && few(placeCounts, p.location_key));
      if (samePlace) score += WEIGHTS.samePlace;
      else if (lackingPlace) score += WEIGHTS.lackingPlace;
      score += WEIGHTS.popularity * Math.log1p(num(p.followers_count));
      // Active people are worth following; silent accounts much less.
      const lastPost = p.last_post_at === null ? null : num(p.last_post_at);
      const activity = lastPost === null ? 0.7 : now - lastPost < 14 * DAY ? 1.15 : now - lastPost < 90 * DAY ? 1 : 0.8;
      return { p, s, score: score * activity, sameRole, complementary, lackingRole, samePlace, lackingPlace, lastPost };
    })
    .sort((a, b) => b.score - a.score || num(b.p.id) - num(a.p.id));
}

/** Why, in words, strongest first. `tagName` names the hashtags of the candidate's signals. */
export function reasons(x: Scored<Profile>, passions: SharedPassions, tagName: Map<number, string>, now: number): string[] {
  const sharedPassions = passions.same;
  const { p, s } = x;
  const label = roleLabel(p.role, p.role_other);
  const a = label ? article(label) : null;
  const reasons: string[] = [];
  if (s.followsYou) reasons.push('follows you');
  if (s.fof > 0) reasons.push(s.fof === 1 ? '1 person you follow follows them' : `${s.fof} people you follow follow them`);
  if (sharedPassions.length > 0)
    reasons.push(`shares your passion${sharedPassions.length > 1 ? 's' : ''}: ${listWords(sharedPassions.slice(0, 3))}`);
  // "also into Early literacy (like your Storytime)": one reason for each of the viewer's passions, two at most.
  const byVia = new Map<string, string[]>();
  for (const r of passions.related) byVia.set(r.via, [...(byVia.get(r.via) ?? []), r.name]);
  for (const [via, names] of [...byVia].slice(0, 2)) reasons.push(`also into ${listWords(names.slice(0, 3))} (like your ${via})`);
  const tags = [...s.tags.entries()]
    .sort((m, n) => n[1] - m[1])
    .map(([t]) => tagName.get(t))
    .filter((t): t is string => Boolean(t));
  if (tags.length > 0) reasons.push(`posts about ${listWords(tags.slice(0, 3).map((t) => `#${t}`))}`);
  const chats = [...s.chats].slice(0, 2);
  if (chats.length > 0) reasons.push(`you were both in ${listWords(chats.map((c) => `#${c}`))}`);
  if (label && x.lackingRole) reasons.push(`${a} ${label.toLowerCase()} (your network has few)`);
  else if (label && x.sameRole) reasons.push(`also ${a} ${label.toLowerCase()}`);
  else if (label && x.complementary) reasons.push(`${a} ${label.toLowerCase()}, a role that works with yours`);
  if (p.location && x.samePlace) reasons.push(`also in ${p.location}`);
  else if (p.location && x.lackingPlace) reasons.push(`in ${p.location} (few people you follow are there)`);
  if (x.lastPost !== null && now - x.lastPost < 14 * DAY) reasons.push('posted in the last two weeks');
  // Someone suggested only because few others could be (a new server): say what is known of them.
  if (reasons.length === 0) reasons.push(label ? `${a} ${label.toLowerCase()} here` : 'a member here');
  return reasons;
}

/** "a" or "an" before a role ("an author", "a public librarian"). */
function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
