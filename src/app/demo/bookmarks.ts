import { BookmarkTransfer } from '../../curation/index.ts';
import { escapeHtml } from '../../platform/sanitize.ts';
import type { Viewer } from '../../platform/viewer.ts';
import type { Services } from '../services.ts';

/**
 * The demo's bookmarks: a few members keep the pages of their work, with notes and tags, some
 * public on their profile. They arrive the way a member's own would from a browser: as a
 * Netscape bookmark file through the import (so no page is fetched, and dates are kept), and
 * a few posts of the demo community are bookmarked with the post's Bookmark action. Like the
 * rest of the demo, every address is fictional (example.org and friends).
 */

interface DemoBookmark {
  url: string;
  title: string;
  tags: string[];
  note?: string;
  public?: boolean;
  /** How many days ago it was saved. */
  daysAgo: number;
}

export const DEMO_BOOKMARKS: Record<string, DemoBookmark[]> = {
  mslibrarian: [
    {
      url: 'https://standards.example.org/school-libraries',
      title: 'National school library standards',
      tags: ['standards', 'school libraries'],
      note: 'The framework I cite in every budget meeting.',
      public: true,
      daysAgo: 400,
    },
    {
      url: 'https://statelibrary.example.gov/pubs/crew-weeding-manual',
      title: 'CREW: A Weeding Manual for Modern Libraries',
      tags: ['weeding', 'collection development'],
      note: 'MUSTIE criteria, p. 57. Weeding day is in June.',
      public: true,
      daysAgo: 220,
    },
    {
      url: 'https://blog.example.org/rosa/genrefication-year-one',
      title: 'Genrefication, year one: the honest version',
      tags: ['genrefication', 'school libraries'],
      note: 'My own write-up: link it when people ask.',
      public: true,
      daysAgo: 35,
    },
    {
      url: 'https://graphicnovels.example.net/lists/early-readers',
      title: 'Graphic novels for early readers: a starter list',
      tags: ['graphic novels', 'readers advisory'],
      note: 'Order the first five for the K-2 shelf.',
      daysAgo: 18,
    },
    {
      url: 'https://makerspace.example.org/cardboard-challenge',
      title: 'The cardboard challenge: a makerspace on no budget',
      tags: ['makerspaces'],
      daysAgo: 9,
    },
  ],
  bookcartbrian: [
    {
      url: 'https://infolit.example.org/lateral-reading',
      title: 'Teaching lateral reading in one lesson',
      tags: ['information literacy', 'lesson plans'],
      note: 'Worked well with first years; 40 minutes.',
      public: true,
      daysAgo: 60,
    },
    {
      url: 'https://code.example.org/clubs/starter-kit',
      title: 'Starting a coding club: a starter kit',
      tags: ['coding clubs', 'makerspaces'],
      public: true,
      daysAgo: 120,
    },
    {
      url: 'https://makerspace.example.org/cardboard-challenge',
      title: 'The cardboard challenge',
      tags: ['makerspaces'],
      note: 'Where ours started.',
      public: true,
      daysAgo: 300,
    },
  ],
  grace_msw: [
    {
      url: 'https://socialwork.example.org/ethics/code',
      title: 'Code of ethics for social workers',
      tags: ['ethics', 'social work'],
      public: true,
      daysAgo: 500,
    },
    {
      url: 'https://traumainformed.example.org/supervision',
      title: 'Trauma-informed supervision for child welfare teams',
      tags: ['supervision', 'trauma-informed care'],
      note: 'Bring to the team day: the check-in questions on page 3.',
      daysAgo: 25,
    },
    {
      url: 'https://telehealth.example.org/home-visits',
      title: 'Virtual home visits: what we learned',
      tags: ['telehealth', 'child welfare'],
      note: 'Fiona’s team wrote this.',
      public: true,
      daysAgo: 12,
    },
  ],
  lis_student_maya: [
    {
      url: 'https://lisjournal.example.edu/articles/solo-librarians',
      title: 'The solo librarian: isolation and networks',
      tags: ['research', 'PLN'],
      note: 'For my literature review, chapter 2.',
      daysAgo: 40,
    },
    {
      url: 'https://libraryassociation.example.org/careers',
      title: 'Library careers: education and pathways',
      tags: ['careers'],
      daysAgo: 90,
    },
  ],
};

/** Posts of the demo community a member keeps (the start of the post's text). */
const DEMO_POST_BOOKMARKS: Array<[handle: string, postStart: string]> = [
  ['lis_student_maya', 'Genrefication, year one, the honest version'],
  ['bookcartbrian', 'Genrefication, year one, the honest version'],
];

const DAY = 86_400_000;

function netscapeFile(entries: DemoBookmark[], now: number): string {
  const lines = entries.map((b) => {
    const added = Math.floor((now - b.daysAgo * DAY) / 1000);
    const note = b.note ? `\n    <DD>${escapeHtml(b.note)}` : '';
    return `    <DT><A HREF="${escapeHtml(b.url)}" ADD_DATE="${added}" TAGS="${escapeHtml(b.tags.join(','))}" PRIVATE="${b.public ? 0 : 1}">${escapeHtml(b.title)}</A>${note}\n`;
  });
  return `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n${lines.join('')}</DL><p>\n`;
}

export async function loadDemoBookmarks(services: Services): Promise<{ bookmarks: number }> {
  const transfer = new BookmarkTransfer(services.curation.bookmarks);
  const now = Date.now();
  let bookmarks = 0;
  const viewerOf = async (handle: string): Promise<Viewer> => {
    const member = await services.accounts.memberByHandle(handle);
    if (!member) throw new Error(`demo bookmarks: no member @${handle}`);
    return {
      memberId: member.id,
      actorId: member.actor_id,
      handle: member.actor.handle,
      displayName: member.actor.display_name,
      avatarUrl: member.actor.avatar_url,
      isAdmin: member.is_admin === 1,
      timeZone: member.time_zone,
    };
  };
  for (const [handle, entries] of Object.entries(DEMO_BOOKMARKS)) {
    const file = Buffer.from(netscapeFile(entries, now));
    const summary = await transfer.importNetscape(
      await viewerOf(handle),
      (async function* () {
        yield new Uint8Array(file);
      })(),
    );
    if (summary.imported !== entries.length) throw new Error(`demo bookmarks of @${handle}: ${JSON.stringify(summary)}`);
    bookmarks += summary.imported;
  }
  for (const [handle, start] of DEMO_POST_BOOKMARKS) {
    const post = await services.database.db
      .selectFrom('posts')
      .select('id')
      .where('text', 'like', `${start}%`)
      .where('boost_of_id', 'is', null)
      .orderBy('id')
      .executeTakeFirst();
    if (!post) continue;
    await services.curation.bookmarks.bookmarkPost(await viewerOf(handle), post.id);
    bookmarks++;
  }
  return { bookmarks };
}
