import sharp from 'sharp';
import type { Viewer } from '../../platform/viewer.ts';
import type { Services } from '../services.ts';

/**
 * The demo's articles: two members' blog posts, published through the articles service as the
 * members would (each announced in the author's stream), with a few comments, which are
 * replies to the announcing post. One quotes a demo post, one shows an uploaded image.
 */

export const DEMO_ARTICLES = [
  {
    author: 'mslibrarian',
    title: 'Genrefication, one year on',
    summary:
      'We moved 4,000 books into genre sections last summer. What changed for our students, what I would do differently, and the labels that worked.',
    markdown: `Last summer I did the thing everyone on #LibChat either loves or dreads: I genrefied our whole fiction collection. A year later, here is what I learned.

# Why we did it

Fiction circulation had flatlined. Students kept asking for "a book like this one", and I could not point them to a shelf.

# What changed

{chart}

- **Browsing came back.** Lines at the desk shrank; students go straight to *Mystery* or *Sports*.
- **Reluctant readers found a door in.** Graphic novels and sports stories sit next to each other now.
- **Holds went up** for series that used to hide between the A and Z of the old shelves.

# What I would do differently

1. Label before you move a single book. We moved 4,000 books twice.
2. Involve the student library aides from day one: they know where things "should" go.
3. Keep a spreadsheet of every genre call, so that the next librarian can follow it.

# Labels that worked

Realistic fiction needed sub-labels: *sports*, *family*, *friendship*. "Fantasy" and "Science fiction" stayed apart, after a heated student vote.

If you are thinking about it, the [genrefication guide](https://blog.example.org/rosa/genrefication-guide) has our label list. Questions welcome in the comments!`,
    comments: [
      ['anjali_reads', 'Saving this for our summer project. Did you change the spine labels or only the shelf signs?'],
      ['mslibrarian', '@anjali_reads Both! Coloured spine stickers first, shelf signs after. The stickers did most of the work.'],
      ['mr_tanaka', 'The "label before you move" tip would have saved me a week. Thank you for writing this up.'],
    ],
  },
  {
    author: 'grace_msw',
    title: 'A calm corner in the library: notes from a social worker',
    summary: 'What happened when our county’s children’s services and the public library built a quiet space together.',
    markdown: `Child welfare work can feel lonely: I am the only social worker in my county who writes about practice. So this is me, thinking out loud.

# The idea

Families we work with often wait in loud offices. Our public library offered a corner instead: soft seating, picture books, and a librarian who knows the children by name.

{quote}

# What we learned

- **Trauma-informed does not mean clinical.** Lighting, noise and choice matter more than posters.
- **Librarians are natural partners.** They already practise welcome without questions.
- **Write it down.** Our visit notes now mention where a child felt safe.

I would love to hear from other social workers working with libraries.`,
    comments: [
      [
        'schoolsw_jordan',
        'We are trying the same with two school libraries. The point about choice is so true: let the child pick the seat.',
      ],
      ['priya_ps', 'As a public librarian: thank you for seeing us as partners. Happy to share our sensory kit list.'],
    ],
  },
] as const;

export async function loadDemoArticles(services: Services): Promise<{ articles: number; comments: number }> {
  const db = services.database.db;
  const start = Date.now();
  const viewers = new Map<string, Viewer>();
  const as = async (handle: string): Promise<Viewer> => {
    let viewer = viewers.get(handle);
    if (!viewer) {
      const row = await db
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

  let comments = 0;
  for (const demo of DEMO_ARTICLES) {
    const author = await as(demo.author);
    // Drafted first (images are uploaded to a saved draft), then filled in and published.
    const draft = await services.curation.articles.create(author, { title: demo.title, summary: demo.summary });
    const chart = demo.markdown.includes('{chart}')
      ? (
          await services.curation.articles.uploadImage(
            author,
            draft.id,
            await chartPng(),
            'Bar chart of fiction checkouts per month: about 300 before genrefication, about 520 after.',
          )
        ).markdown
      : '';
    const quote = demo.markdown.includes('{quote}') ? await quotedPost(services, 'schoolsw_jordan', 'calm corner') : '';
    await services.curation.articles.update(author, draft.id, {
      markdown: demo.markdown.replace('{chart}', chart).replace('{quote}', quote),
    });
    const article = await services.curation.articles.publish(author, draft.id);
    for (const [who, text] of demo.comments) {
      await services.social.posts.create(await as(who), { text, visibility: 'public', replyToId: article.postId! });
      comments++;
    }
  }
  // The announcing posts link to the articles here: no preview card to fetch (the post shows the article's own card).
  await db.deleteFrom('jobs').where('kind', '=', 'social.card').where('created_at', '>=', start).execute();
  return { articles: DEMO_ARTICLES.length, comments };
}

/** The address of a member's public post about `topic` (from the demo's social life), which the article then quotes. */
async function quotedPost(services: Services, handle: string, topic: string): Promise<string> {
  const post = await services.database.db
    .selectFrom('posts')
    .innerJoin('actors', 'actors.id', 'posts.actor_id')
    .select('posts.id')
    .where('actors.acct', '=', handle)
    .where('posts.visibility', '=', 'public')
    .where('posts.reply_to_id', 'is', null)
    .where('posts.boost_of_id', 'is', null)
    .where('posts.deleted_at', 'is', null)
    .where('posts.content_warning', 'is', null)
    .where('posts.text', 'like', `%${topic}%`)
    .orderBy('posts.id', 'desc')
    .executeTakeFirst();
  return post ? `${services.config.baseUrl}/@${handle}/${post.id}` : '';
}

/** A small bar chart (made here: the demo fetches nothing). */
async function chartPng(): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="260">
    <rect width="100%" height="100%" fill="#f7f4ee"/>
    <rect x="90" y="${230 - 300 / 3}" width="110" height="${300 / 3}" fill="#8aa6b8"/>
    <rect x="280" y="${230 - 520 / 3}" width="110" height="${520 / 3}" fill="#1d5c80"/>
    <line x1="60" y1="230" x2="440" y2="230" stroke="#333" stroke-width="2"/>
  </svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
