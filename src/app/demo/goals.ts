import type { Services } from '../services.ts';

/**
 * The demo's learning goals: three members each name a goal tagged with hashtags the demo
 * posts use, so their goal pages show experts, chats and collections, and a note or two. The
 * goals are dated three weeks back, so the demo's recent follows, posts and replies count as
 * progress.
 */

const DAY = 86_400_000;

export const DEMO_GOALS: ReadonlyArray<{
  member: string;
  title: string;
  description: string;
  tags: string[];
  notes: Array<[daysAgo: number, text: string]>;
}> = [
  {
    member: 'mslibrarian',
    title: 'Host virtual author visits',
    description: 'Two video visits with children’s authors this school year, one for each grade band.',
    tags: ['authorvisits', 'virtual visits', 'tlchat'],
    notes: [
      [12, 'Asked on #tlchat how others schedule across time zones: book the author first, then the classes.'],
      [4, 'Anjali shared her checklist. Need a backup plan for when the video drops.'],
    ],
  },
  {
    member: 'mr_tanaka',
    title: 'Learn new edtech apps',
    description: 'One new tool a month that helps students check sources.',
    tags: ['edtech', 'medialit', 'infolit'],
    notes: [[6, 'Tried two fact-checking apps with Year 9. Keep the one with the reading-level setting.']],
  },
  {
    member: 'anjali_reads',
    title: 'Genrefication',
    description: 'Plan the fiction genrefication for the summer.',
    tags: ['genrefication', 'graphicnovels'],
    notes: [[9, 'Read Rosa’s “one year on” article. Label before moving anything!']],
  },
];

export async function loadDemoGoals(services: Services): Promise<{ goals: number; notes: number }> {
  const db = services.database.db;
  const { goals } = services.insights;
  const now = Date.now();
  let notes = 0;
  for (const demo of DEMO_GOALS) {
    const member = await db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select(['members.id as memberId', 'actors.id as actorId'])
      .where('actors.acct', '=', demo.member)
      .executeTakeFirstOrThrow();
    const goal = await goals.create(member, { title: demo.title, description: demo.description, tags: demo.tags }, now - 21 * DAY);
    for (const [daysAgo, text] of demo.notes) {
      await goals.addNote(member, goal.id, { text }, now - daysAgo * DAY);
      notes++;
    }
  }
  return { goals: DEMO_GOALS.length, notes };
}
