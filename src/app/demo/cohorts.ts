import type { Viewer } from '../../platform/viewer.ts';
import type { Services } from '../services.ts';

/**
 * The demo's cohort: Mei Lin (prof_lin) teaches "LIS 520: Build your PLN", due three weeks from
 * now, with five students who joined on different days over the last two weeks, so their
 * replies, chats and articles since joining differ and the dashboard shows different states.
 * Everything goes through the cohorts service as the instructor and students would.
 *
 * The invite link is public demo data, like the demo password: /insights/cohorts/join/lis520-demo.
 */

export const DEMO_COHORT = {
  instructor: 'prof_lin',
  name: 'LIS 520: Build your PLN',
  description:
    'Over the term you build a professional learning network of your own, here and on the fediverse.\n\n' +
    'Follow people beyond your own corner of the field, take part in a chat, talk with people, and finish with a reflection article on what your network taught you.',
  token: 'lis520-demo',
  /** Students and how many days ago each joined. */
  students: [
    ['lis_student_maya', 13],
    ['diego_lis', 12],
    ['msw_student_lea', 9],
    ['ellen_k12', 5],
    ['sam_circdesk', 1],
  ],
} as const;

const DAY = 86_400_000;

const REFLECTION = `When the term started I followed six school librarians and read everything they posted without ever saying a word.

# What changed

- **I followed outside my corner.** A public librarian and a teacher now show up in my stream every day, and they see the same students from the other side of the desk.
- **I joined #tlchat.** Answering A1 in front of people I admire was terrifying for about ninety seconds.
- **I replied.** Most people answered back, kindly.

# What I will keep doing

Twenty minutes a day: read, answer one person, share one thing.`;

export async function loadDemoCohorts(services: Services): Promise<{ students: number }> {
  const db = services.database.db;
  const { cohorts } = services.insights;
  const as = async (handle: string): Promise<Viewer> => {
    const row = await db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select('members.id')
      .where('actors.acct', '=', handle)
      .executeTakeFirstOrThrow();
    return (await services.accounts.viewerForMember(row.id))!;
  };
  const now = Date.now();
  const instructor = await as(DEMO_COHORT.instructor);
  const due = new Date(now + 21 * DAY).toISOString().slice(0, 10);
  const cohort = await cohorts.create(instructor, { name: DEMO_COHORT.name, description: DEMO_COHORT.description, dueDate: due }, now);
  await cohorts.setCheckpoints(
    instructor,
    cohort.id,
    {
      checkpoints: [
        { kind: 'follow', target: 6, outsideRole: 3 },
        { kind: 'join_chat', target: 1 },
        { kind: 'reply', target: 3 },
        { kind: 'article', target: 1 },
        { kind: 'stage', stage: 'connection' },
      ],
    },
    now,
  );
  // Made two weeks ago for 30 days, so it still works today.
  await cohorts.createInvite(instructor, cohort.id, { expiresInDays: 30, maxUses: null }, now - 14 * DAY, DEMO_COHORT.token);
  for (const [handle, daysAgo] of DEMO_COHORT.students) {
    await cohorts.join(await as(handle), { token: DEMO_COHORT.token, consent: true }, now - daysAgo * DAY);
  }
  // Maya is nearly done: she has written her reflection.
  const maya = await as('lis_student_maya');
  const published = Date.now();
  const draft = await services.curation.articles.create(maya, {
    title: 'What my PLN taught me this term',
    summary: 'A reflection for LIS 520.',
  });
  await services.curation.articles.update(maya, draft.id, { markdown: REFLECTION });
  await services.curation.articles.publish(maya, draft.id);
  // The announcing post links to the article here: no preview card to fetch (as in articles.ts).
  await db.deleteFrom('jobs').where('kind', '=', 'social.card').where('created_at', '>=', published).execute();
  return { students: DEMO_COHORT.students.length };
}
