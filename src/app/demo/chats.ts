import type { Viewer } from '../../platform/viewer.ts';
import type { Services } from '../services.ts';

/**
 * The demo's chats: #libchat, a weekly chat of school and public librarians with two past
 * chats (questions, answers in every style people write them, highlights, first-timers) and
 * the next one prepared with six questions and a few RSVPs; and #PLNcon, a one-day conference
 * backchannel with named sessions, coming up. Everything goes through the chats service, with
 * the clock moved to when things happened.
 */

const WEEK = 7 * 86_400_000;
const MINUTE = 60_000;

export const DEMO_CHAT = {
  hashtag: 'LibChat',
  title: 'Librarians’ weekly chat',
  description:
    'School, public and academic librarians compare notes every Wednesday evening (Eastern). Newcomers welcome: introduce yourself, answer with A1, A2 …',
  host: 'mslibrarian',
  moderator: 'bookcartbrian',
  timeZone: 'America/New_York',
  weekday: 3,
  time: '20:00',
  past: [
    {
      topic: 'Genrefication, one year on',
      questions: [
        'What made you decide to genrefy (or not)?',
        'How did students react in the first month?',
        'What would you do differently?',
        'Which genre labels worked best?',
      ],
      answers: [
        ['anjali_reads', 'A1: Circulation of fiction had flatlined. Genre sections were my last idea before weeding half the collection.'],
        ['mr_tanaka', 'a1) Our middle schoolers kept asking for "books like this one" and I could never point to a shelf.'],
        ['teenservices_tova', 'A1 - We did not genrefy the YA room, we made displays instead. Still undecided!'],
        ['anjali_reads', 'A2: Lines at the desk shrank. They browse now instead of asking me for the mystery section.'],
        ['marcus_storytime', 'A2 The little ones loved the stickers more than the books at first 😄'],
        ['lis_student_maya', 'A2: As a student I am curious: did anyone measure it? #LibChat first time here!'],
        ['mr_tanaka', 'A3: Label before you move books. We moved 4,000 books twice.'],
        ['anjali_reads', 'A3 Involve the student library aides from day one; they know where things "should" go.'],
        ['teenservices_tova', 'A4: Realistic fiction needed sub-labels: sports, family, friendship.'],
      ],
      highlights: [0, 6],
    },
    {
      topic: 'Reaching teens who never come in',
      questions: ['Where do your teens actually spend time?', 'One program that surprised you?', 'How do you hear what teens want?'],
      answers: [
        ['teenservices_tova', 'A1: The skate park and the bus shelter outside school. We put a book box there.'],
        ['youth_coord_rafa', 'A1 Discord servers and the rec centre after 4pm.'],
        ['mr_tanaka', 'a1) the cafeteria, so the library goes to lunch on Fridays'],
        ['teenservices_tova', 'A2: A repair café. Teens fixed bikes and went home with manga.'],
        ['anjali_reads', 'A2 - Open mic night. Poetry circulation doubled the next month.'],
        ['diego_lis', 'A3: A teen advisory board with a real budget, even a small one.'],
        ['youth_coord_rafa', 'A3 Ask them to run the Instagram for a week.'],
      ],
      highlights: [3, 5],
    },
  ],
  next: {
    topic: 'Author visits on a shoestring',
    questions: [
      'Have you hosted a virtual author visit? How did it go?',
      'How do you pay for visits, or do you?',
      'What prepares students best before a visit?',
      'Tech tips: what went wrong and how did you fix it?',
      'Which authors were wonderful with kids online?',
      'One thing you will try this year?',
    ],
    rsvps: ['anjali_reads', 'mr_tanaka', 'lis_student_maya', 'jamie_writes', 'amina_author'],
  },
} as const;

export async function loadDemoChats(services: Services, now = Date.now()): Promise<{ series: number; pastChats: number; posts: number }> {
  const chats = services.chats;
  const viewers = new Map<string, Viewer>();
  const as = async (handle: string): Promise<Viewer> => {
    let viewer = viewers.get(handle);
    if (!viewer) {
      const row = await services.database.db
        .selectFrom('members')
        .innerJoin('actors', 'actors.id', 'members.actor_id')
        .select('members.id')
        .where('actors.acct', '=', handle)
        .executeTakeFirstOrThrow();
      viewer = (await services.accounts.viewerForMember(row.id))!;
      viewers.set(handle, viewer);
    }
    return viewer;
  };
  const host = await as(DEMO_CHAT.host);
  // Planned as if made three weeks ago, so that two of its chats are in the past.
  const created = now - 3 * WEEK;
  const startDate = new Date(created).toISOString().slice(0, 10);
  const series = await chats.series.create(
    host,
    {
      hashtag: DEMO_CHAT.hashtag,
      title: DEMO_CHAT.title,
      description: DEMO_CHAT.description,
      timeZone: DEMO_CHAT.timeZone,
      recurrence: { freq: 'weekly', weekday: DEMO_CHAT.weekday },
      startDate,
      time: DEMO_CHAT.time,
      durationMinutes: 60,
    },
    created,
  );
  await chats.series.addModerator(host, series.slug, DEMO_CHAT.moderator);
  const all = await chats.occurrences.list(host, series.slug, { when: 'upcoming', now: created, limit: 10 });
  const past = all.filter((c) => c.endsAt < now).slice(-DEMO_CHAT.past.length);
  let posts = 0;
  for (const [i, chat] of past.entries()) {
    const script = DEMO_CHAT.past[i]!;
    await chats.occurrences.update(host, series.slug, chat.date, { topic: script.topic });
    for (const text of script.questions) await chats.questions.add(host, series.slug, chat.date, { text });
    await chats.occurrences.start(host, series.slug, chat.date, chat.startsAt);
    const ids: number[] = [];
    let asked = 0;
    for (const [n, [handle, text]] of script.answers.entries()) {
      const number = Number(/^a\s?(\d)/i.exec(text)?.[1] ?? 1);
      while (asked < number)
        await chats.questions.release(host, series.slug, chat.date, ++asked, chat.startsAt + (asked - 1) * 12 * MINUTE + MINUTE);
      const at = chat.startsAt + (number - 1) * 12 * MINUTE + (3 + n) * MINUTE;
      const post = await services.social.posts.create(await as(handle), { text: `${text} #${DEMO_CHAT.hashtag}` }, [], { at });
      ids.push(post.id);
      posts++;
    }
    for (const index of script.highlights) await chats.moderation.setHighlighted(host, series.slug, chat.date, ids[index]!, true);
    await chats.occurrences.end(host, series.slug, chat.date, chat.endsAt);
  }
  // An earlier week that fell inside the planning window did not happen.
  for (const chat of all.filter((c) => c.endsAt < now && !past.includes(c))) await chats.occurrences.cancel(host, series.slug, chat.date);
  const next = all.find((c) => c.startsAt > now);
  if (next) {
    await chats.occurrences.update(host, series.slug, next.date, { topic: DEMO_CHAT.next.topic, questionInterval: 8 });
    for (const text of DEMO_CHAT.next.questions) await chats.questions.add(host, series.slug, next.date, { text });
    for (const handle of DEMO_CHAT.next.rsvps) await chats.rsvps.rsvp(await as(handle), series.slug, next.date, true);
  }

  // A conference backchannel two weeks from now, with its sessions.
  const conference = new Date(now + 14 * 86_400_000).toISOString().slice(0, 10);
  const backchannel = await chats.series.create(
    host,
    {
      kind: 'backchannel',
      hashtag: 'PLNcon',
      title: 'PLN Conference 2027',
      description:
        'One day of talks on personal learning networks for librarians, teachers and social workers. Post from the sessions you attend, read the ones you missed.',
      timeZone: 'America/Chicago',
      recurrence: { freq: 'once' },
      startDate: conference,
      time: '09:00',
      durationMinutes: 8 * 60,
    },
    now,
  );
  const day = (await chats.occurrences.list(host, backchannel.slug, { when: 'upcoming', now }))[0]!;
  const sessions = [
    ['Keynote: Nobody learns alone', 'Why a learning network beats a job title.'],
    ['Hashtag chats 101', 'Hosting your first chat.'],
    ['Social work and technology', 'Ethics of online networks for practitioners.'],
  ] as const;
  for (const [i, [label, text]] of sessions.entries()) {
    const startsAt = new Date(day.startsAt + i * 2 * 3600_000).toISOString();
    const endsAt = new Date(day.startsAt + (i * 2 + 1) * 3600_000).toISOString();
    await chats.questions.add(host, backchannel.slug, day.date, { label, text, startsAt, endsAt });
  }
  return { series: 2, pastChats: past.length, posts };
}
