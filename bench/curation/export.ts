import { escapeHtml } from '../../src/platform/sanitize.ts';
import { mixSeed, Random, WeightedSampler, zipfWeights } from '../lib/random.ts';

/**
 * A generated Netscape bookmark export, as a librarian's browser or Diigo account would hold
 * after years of use: bookmarks in topic folders (which the import turns into tags), titles
 * made of the field's words, 1–5 tags each from a vocabulary where a few tags are very common
 * (Zipf), notes on about a third, dates over eight years, and a share of duplicates (the same
 * page saved again, with tracking parameters, a fragment or an upper-case host).
 */

const WORDS = `library libraries librarian school public academic reading readers literacy story storytime
books picture graphic novels comics manga poetry fiction nonfiction biography history science maths
genre genrefication shelving catalog cataloguing metadata collection weeding displays signage labels
students teachers teens children families parents toddlers community outreach programs makerspace coding
robotics digital media information inquiry research citation sources databases search evaluation news
misinformation privacy censorship challenges intellectual freedom banned advocacy budget funding grants
board policy standards curriculum lessons classroom collaboration co-teaching assessment rubric
professional development conference webinar network mentoring leadership wellbeing burnout trauma
social work case management child welfare foster care family support youth mental health resilience
accessibility inclusion diversity equity multilingual bilingual immigrants refugees seniors volunteers
summer reading challenge awards nominations reviews recommendations lists podcasts audiobooks ebooks
circulation statistics data survey report toolkit guide template checklist handbook tips ideas`.split(/\s+/);

const TAGS = `readingpromotion genrefication weeding makerspace storytime teens advocacy censorship
infolit medialiteracy misinformation privacy accessibility inclusion diversity graphicnovels picturebooks
poetry stem coding robotics research citation databases collectiondevelopment cataloguing displays
programming outreach familyliteracy earlyliteracy summerreading ebooks audiobooks podcasts budget grants
policy standards curriculum collaboration assessment profdev conferences webinars mentoring leadership
wellbeing burnout traumainformed socialwork childwelfare fostercare youthwork mentalhealth multilingual
refugees seniors volunteers awards reviews booklists statistics surveys toolkits templates`.split(/\s+/);

const FOLDERS = [
  'School library',
  'Public library',
  'Teaching',
  'Social work',
  'Reading lists',
  'Advocacy',
  'Technology',
  'Professional development',
  'Research',
  'Programs',
];

const SITES = [
  'www.ala.org',
  'www.slj.com',
  'www.libraryjournal.com',
  'blog.example-librarian.org',
  'www.edutopia.org',
  'www.readingrockets.org',
  'www.socialworker.org',
  'www.childwelfare.gov',
  'americanlibrariesmagazine.org',
  'www.ifla.org',
  'teachinglibrarian.example.net',
  'www.commonsensemedia.org',
  'news.example.com',
  'medium.com',
  'www.youtube.com',
  'docs.google.com',
  'padlet.com',
  'www.nytimes.com',
  'www.theguardian.com',
  'www.npr.org',
  'journals.example.edu',
  'www.scholastic.com',
  'www.booklistonline.com',
  'bookriot.com',
];

const NOTES = [
  'Share with the department before the next meeting.',
  'Good example for the parent newsletter.',
  'Read the comments too: useful pushback.',
  'Use in the grade 7 research unit.',
  'Compare with what we did last year; our numbers were similar.',
  'Ask the district office about funding this.',
  'Template we could adapt for the summer reading challenge.',
  'Recommended by a colleague in the #tlchat conversation.',
  'Long read, worth it. The second half is about burnout in small teams.',
  'Cite this in the advocacy letter to the board.',
];

export interface GeneratedExport {
  html: string;
  /** <A> entries written. */
  entries: number;
  /** Of them, repeats of a page written before (another form of the same address). */
  duplicates: number;
  /** Distinct pages (what an import should keep). */
  distinct: number;
  /** Words and tags for the searches. */
  words: readonly string[];
  tags: readonly string[];
}

function slug(words: string[]): string {
  return words
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '');
}

function title(random: Random, sampler: WeightedSampler): string {
  const n = random.between(3, 9);
  const words = Array.from({ length: n }, () => WORDS[sampler.sample(random)]!);
  words[0] = words[0]![0]!.toUpperCase() + words[0]!.slice(1);
  return words.join(' ');
}

/** Another spelling of the same address: tracking parameters, a fragment, an upper-case host, an explicit default port. */
function variant(random: Random, url: string): string {
  const u = new URL(url);
  switch (random.int(4)) {
    case 0:
      u.searchParams.set('utm_source', 'newsletter');
      u.searchParams.set('utm_medium', 'email');
      return u.toString();
    case 1:
      return `${url}#comments`;
    case 2:
      return url.replace(u.hostname, u.hostname.toUpperCase());
    default:
      return `${u.protocol}//${u.hostname}:443${u.pathname}${u.search}`;
  }
}

export function generateExport(count: number, duplicateShare: number, seed: number): GeneratedExport {
  const wordSampler = new WeightedSampler(zipfWeights(WORDS.length, 0.9));
  const tagSampler = new WeightedSampler(zipfWeights(TAGS.length, 1.0));
  const now = Date.UTC(2026, 10, 1) / 1000;
  const start = now - 8 * 365 * 86_400;
  const written: string[] = [];
  const folders: string[][] = FOLDERS.map(() => []);
  const loose: string[] = [];
  let duplicates = 0;
  for (let i = 0; i < count; i++) {
    const r = new Random(mixSeed(seed, i));
    let url: string;
    if (written.length > 0 && r.chance(duplicateShare)) {
      url = variant(r, written[r.int(written.length)]!);
      duplicates++;
    } else {
      const site = SITES[r.int(SITES.length)]!;
      const words = Array.from({ length: r.between(2, 6) }, () => WORDS[wordSampler.sample(r)]!);
      url = `https://${site}/${r.chance(0.5) ? `${2018 + r.int(8)}/${String(1 + r.int(12)).padStart(2, '0')}/` : ''}${slug(words)}-${i}${r.chance(0.15) ? `?id=${r.int(100000)}` : ''}`;
      written.push(url);
    }
    const tags = new Set<string>();
    const tagCount = r.between(1, 5);
    while (tags.size < tagCount) tags.add(TAGS[tagSampler.sample(r)]!);
    const added = Math.floor(start + r.next() * (now - start));
    const modified = r.chance(0.3) ? added + r.int(86_400 * 400) : added;
    const note = r.chance(0.3) ? `\n<DD>${escapeHtml(NOTES[r.int(NOTES.length)]!)}` : '';
    const line = `<DT><A HREF="${escapeHtml(url)}" ADD_DATE="${added}" LAST_MODIFIED="${Math.min(modified, now)}" TAGS="${[...tags].join(',')}" PRIVATE="${r.chance(0.8) ? 1 : 0}">${escapeHtml(title(r, wordSampler))}</A>${note}\n`;
    if (r.chance(0.6)) folders[r.int(FOLDERS.length)]!.push(line);
    else loose.push(line);
  }
  const parts = [
    '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<!-- This is an automatically generated file.\n     It will be read and overwritten.\n     DO NOT EDIT! -->\n',
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n',
    `<DT><H3 ADD_DATE="${start}" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>\n<DL><p>\n`,
    ...FOLDERS.flatMap((name, f) => [`<DT><H3 ADD_DATE="${start}">${escapeHtml(name)}</H3>\n<DL><p>\n`, ...folders[f]!, '</DL><p>\n']),
    '</DL><p>\n',
    ...loose,
    '</DL><p>\n',
  ];
  return { html: parts.join(''), entries: count, duplicates, distinct: count - duplicates, words: WORDS, tags: TAGS };
}
