import type { CohortCheckpointKind } from '../db/schema.ts';
import { STAGE_LABELS, STAGES, type Stage } from './stages.ts';

/** A cohort's checkpoints (cohorts.ts) as the instructor and the students read them: in words, with where to do each. */

export interface Checkpoint {
  id: number;
  kind: CohortCheckpointKind;
  /** How many; for `stage`, the index in STAGES. */
  target: number;
  /** `follow`: how many must have a role other than the student's (0 otherwise). */
  outsideRole: number;
  /** The stage asked for (`stage` only). */
  stage: Stage | null;
  /** What to do, in words addressed to the student. */
  label: string;
  /** A short column heading (dashboard and CSV). */
  short: string;
  /** Where to go to do it. */
  href: string;
  linkText: string;
}

// ---- words ----------------------------------------------------------------------------------

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describe(
  kind: CohortCheckpointKind,
  target: number,
  outsideRole: number,
): Pick<Checkpoint, 'label' | 'short' | 'href' | 'linkText'> {
  switch (kind) {
    case 'follow':
      return {
        label: `Follow at least ${plural(target, 'person', 'people')}${outsideRole > 0 ? `, including at least ${outsideRole} whose role differs from yours` : ''}`,
        short: `Follow ${target}${outsideRole > 0 ? ` (${outsideRole} outside role)` : ''}`,
        href: '/insights/suggestions',
        linkText: 'Find people to follow',
      };
    case 'join_chat':
      return {
        label: target === 1 ? 'Take part in a chat (post in it)' : `Take part in at least ${target} chats (post in them)`,
        short: `Chats ${target}`,
        href: '/chats',
        linkText: 'See the chats',
      };
    case 'reply':
      return {
        label: `Reply to at least ${plural(target, 'person', 'different people')}`,
        short: `Reply to ${target}`,
        href: '/stream',
        linkText: 'Open your stream',
      };
    case 'article':
      return {
        label: target === 1 ? 'Publish an article (your reflection)' : `Publish at least ${target} articles`,
        short: `Articles ${target}`,
        href: '/articles/new',
        linkText: 'Write an article',
      };
    case 'stage': {
      const stage = STAGES[target] ?? 'connection';
      return {
        label: `Reach the ${STAGE_LABELS[stage].toLowerCase()} stage`,
        short: `Stage: ${STAGE_LABELS[stage].toLowerCase()}`,
        href: '/insights',
        linkText: 'See your stage',
      };
    }
    case 'bookmarks':
      return {
        label: `Save at least ${plural(target, 'bookmark', 'bookmarks')}`,
        short: `Bookmarks ${target}`,
        href: '/bookmarks/new',
        linkText: 'Save a bookmark',
      };
    case 'collection':
      return {
        label: target === 1 ? 'Make a public collection' : `Make at least ${target} public collections`,
        short: `Public collections ${target}`,
        href: '/collections',
        linkText: 'Make a collection',
      };
  }
}

export function toCheckpoint(row: { id: number; kind: CohortCheckpointKind; target: number; outside_role: number | null }): Checkpoint {
  const outsideRole = row.kind === 'follow' ? (row.outside_role ?? 0) : 0;
  return {
    id: row.id,
    kind: row.kind,
    target: row.target,
    outsideRole,
    stage: row.kind === 'stage' ? (STAGES[row.target] ?? 'connection') : null,
    ...describe(row.kind, row.target, outsideRole),
  };
}
