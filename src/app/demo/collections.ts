import type { CollectionKind, CollectionVisibility } from '../../db/schema.ts';
import type { Viewer } from '../../platform/viewer.ts';
import type { Services } from '../services.ts';
import { DEMO_MEMBERS } from './members.ts';

/**
 * The demo's starter kits and collections, built through the collections service as members
 * would build them: three public starter kits of demo members, each person with a note on why
 * they are worth following, and two public collections of links (one with a collaborator),
 * followed by a few members.
 */

interface DemoCollection {
  kind: CollectionKind;
  owner: string;
  title: string;
  description: string;
  visibility: CollectionVisibility;
  collaborators?: string[];
  /** People (`person`) or links (`url`), each with a note; `by` adds it as a collaborator. */
  entries: Array<{ person: string; note: string; by?: string } | { url: string; title: string; note: string; by?: string }>;
  followers?: string[];
}

export const DEMO_COLLECTIONS: DemoCollection[] = [
  {
    kind: 'starter_kit',
    owner: 'dana',
    title: 'Public librarians to follow',
    description:
      'New to public libraries, or the only children’s or teen librarian in your branch? Start with these people: they share what they try, what fails and what works.',
    visibility: 'public',
    entries: [
      {
        person: 'teenservices_tova',
        note: 'Teen services with graphic novels and a makerspace; honest write-ups of every programme, attendance numbers included.',
      },
      { person: 'marcus_storytime', note: 'Storytime ideas every week, and how to make early literacy inclusive in a busy city branch.' },
      {
        person: 'ngaio',
        note: 'Community outreach done with the community, not for it. Her posts on bilingual collections are a masterclass.',
      },
      {
        person: 'priya_ps',
        note: 'Open educational resources and telehealth corners in libraries: practical, and she shares her templates.',
      },
      {
        person: 'sam_circdesk',
        note: 'The view from the circulation desk: readers’ advisory, challenged books and what patrons really ask.',
      },
      { person: 'youth_coord_rafa', note: 'Coordinates youth services across a whole association; good on early literacy partnerships.' },
      { person: 'director_hassan', note: 'A library director who explains budgets and advocacy in plain words.' },
      { person: 'lukas_bib', note: 'Makerspaces and coding clubs in a German city library (his profile is for members only).' },
    ],
  },
  {
    kind: 'starter_kit',
    owner: 'mslibrarian',
    title: 'School library advocacy',
    description:
      'People who make the case for school libraries and librarians: to principals, boards and parents. Follow them before your next budget meeting.',
    visibility: 'public',
    collaborators: ['ellen_k12'],
    entries: [
      { person: 'ellen_k12', note: 'Fights book challenges with evidence and kindness; her board-meeting notes are worth reading twice.' },
      { person: 'principal_pat', note: 'A principal who funds her librarians: hear how administrators think about libraries.' },
      { person: 'bookcartbrian', note: 'Shows what a secondary library adds, one makerspace project at a time.' },
      { person: 'anjali_reads', note: 'Inclusive collections and author visits at an international school.' },
      { person: 'mr_tanaka', note: 'Media literacy lessons that teachers ask to repeat: the best argument for a librarian.' },
      { person: 'dana', note: 'Runs this server for a library association; knows who is doing advocacy well.' },
      { person: 'jamie_writes', note: 'An author who shows up for libraries facing challenges.', by: 'ellen_k12' },
    ],
    followers: ['lis_student_maya', 'diego_lis'],
  },
  {
    kind: 'starter_kit',
    owner: 'dr_whitfield',
    title: 'Social work and technology',
    description: 'Social workers and educators thinking hard about telehealth, data and digital tools in practice: ethics first.',
    visibility: 'public',
    entries: [
      { person: 'grace_msw', note: 'Child welfare, trauma-informed practice and telehealth from a county children’s services team.' },
      {
        person: 'fiona_telehealth',
        note: 'Rural telehealth in the Highlands: what works when the connection does not. She approves followers.',
      },
      { person: 'kwame_sw', note: 'Technology in family support work in Accra; careful about data and consent.' },
      { person: 'schoolsw_jordan', note: 'School social work, restorative practices and digital citizenship with students.' },
      { person: 'priya_ps', note: 'A public librarian who set up telehealth rooms: the library side of the story.' },
      { person: 'msw_student_lea', note: 'An MSW student writing thoughtfully about ethics in field placements.' },
    ],
    followers: ['msw_student_lea', 'grace_msw'],
  },
  {
    kind: 'collection',
    owner: 'mslibrarian',
    title: 'Genrefication: how-tos and stories',
    description: 'Everything I read before genrefying our elementary collection, in the order I would read it again.',
    visibility: 'public',
    collaborators: ['ellen_k12'],
    entries: [
      {
        url: 'https://genrefy.example.org/start',
        title: 'Should you genrefy? A decision guide',
        note: 'Start here. The questions to answer before you move a single book.',
      },
      {
        url: 'https://genrefy.example.org/labels',
        title: 'Free spine labels for twelve genres',
        note: 'Printable labels; we used these and kids found them straight away.',
      },
      {
        url: 'https://blog.example.org/rosa/genrefication-week-one',
        title: 'Genrefication, week one',
        note: 'My own notes: what took longer than planned (everything).',
      },
      {
        url: 'https://middleschool.example.org/genre-signage',
        title: 'Signage that middle schoolers read',
        note: 'Middle school signage that works: big, funny, and changed every term.',
        by: 'ellen_k12',
      },
      {
        url: 'https://research.example.org/genre-circulation-study',
        title: 'Circulation before and after: a small study',
        note: 'For your principal: numbers from ten school libraries.',
      },
    ],
    followers: ['lis_student_maya', 'bookcartbrian', 'anjali_reads'],
  },
  {
    kind: 'collection',
    owner: 'grace_msw',
    title: 'Trauma-informed practice: a reading list',
    description: 'Short, practical reading for new child-welfare workers and the librarians and teachers who work with them.',
    visibility: 'public',
    collaborators: ['schoolsw_jordan'],
    entries: [
      {
        url: 'https://practice.example.org/trauma-informed-basics',
        title: 'Trauma-informed care: the basics in ten pages',
        note: 'Give this to every new colleague in their first week.',
      },
      {
        url: 'https://practice.example.org/telehealth-safety',
        title: 'Safety planning over video calls',
        note: 'What changes when the family is on a screen, with a checklist.',
      },
      {
        url: 'https://schools.example.org/restorative-circles',
        title: 'Restorative circles in middle school',
        note: 'How our district runs circles, with scripts.',
        by: 'schoolsw_jordan',
      },
      {
        url: 'https://library.example.org/calm-corners',
        title: 'Calm corners in the public library',
        note: 'A library-side view: quiet spaces for children in crisis.',
      },
    ],
    followers: ['msw_student_lea', 'dr_whitfield', 'fiona_telehealth'],
  },
];

/** Every handle names a demo member (checked before anything is written). */
export function checkDemoCollections(): void {
  const handles = new Set(DEMO_MEMBERS.map((m) => m.handle));
  for (const c of DEMO_COLLECTIONS) {
    const people = [
      c.owner,
      ...(c.collaborators ?? []),
      ...(c.followers ?? []),
      ...c.entries.flatMap((e) => ('person' in e ? [e.person] : [])),
      ...c.entries.flatMap((e) => (e.by ? [e.by] : [])),
    ];
    for (const handle of people)
      if (!handles.has(handle)) throw new Error(`demo collection “${c.title}” names @${handle}, who is not a demo member`);
    for (const e of c.entries)
      if (e.by && !c.collaborators?.includes(e.by))
        throw new Error(`demo collection “${c.title}”: @${e.by} adds an entry without collaborating`);
  }
}

export async function loadDemoCollections(services: Services): Promise<{ kits: number; collections: number }> {
  checkDemoCollections();
  const { collections } = services.curation;
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
  for (const c of DEMO_COLLECTIONS) {
    const owner = await as(c.owner);
    const created = await collections.create(owner, c.kind, { title: c.title, description: c.description, visibility: c.visibility });
    for (const helper of c.collaborators ?? []) await collections.collaborators.add(owner, created.id, helper);
    for (const follower of c.followers ?? []) await collections.following.follow(await as(follower), created.id);
    for (const e of c.entries) {
      const by = e.by ? await as(e.by) : owner;
      if ('person' in e) await collections.entries.add(by, created.id, { kind: 'person', acct: e.person, note: e.note });
      else await collections.entries.add(by, created.id, { kind: 'link', url: e.url, title: e.title, note: e.note });
    }
  }
  return {
    kits: DEMO_COLLECTIONS.filter((c) => c.kind === 'starter_kit').length,
    collections: DEMO_COLLECTIONS.filter((c) => c.kind === 'collection').length,
  };
}
