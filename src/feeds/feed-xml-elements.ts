/**
 * Which elements of each format hold text (their content is not parsed: HTML in them stays as
 * written), and which make an RSS item or an Atom entry worth keeping.
 */

/** Atom's text elements; inside RSS they carry the `atom:` prefix. */
const ATOM_TEXT = [
  'name',
  'uri',
  'url',
  'email',
  'category',
  'generator',
  'icon',
  'id',
  'link',
  'logo',
  'rights',
  'subtitle',
  'tagline',
  'title',
  'updated',
  'modified',
  'content',
  'published',
  'issued',
  'created',
  'summary',
];
const NAMESPACED_TEXT = new Set([
  'content:encoded',
  ...ATOM_TEXT.map((name) => `atom:${name}`),
  ...[
    'rating',
    'adult',
    'title',
    'description',
    'category',
    'hash',
    'credit',
    'copyright',
    'text',
    'restriction',
    'keywords',
    'comment',
    'response',
    'backlink',
    'license',
    'location',
    'param',
  ].map((name) => `media:${name}`),
  ...[
    'author',
    'title',
    'duration',
    'explicit',
    'episode',
    'season',
    'episodetype',
    'block',
    'summary',
    'subtitle',
    'keywords',
    'name',
    'email',
    'type',
    'new-feed-url',
    'complete',
    'applepodcastsverify',
  ].map((name) => `itunes:${name}`),
]);
const RSS_TEXT = new Set([
  ...[
    'title',
    'link',
    'description',
    'language',
    'copyright',
    'managingeditor',
    'webmaster',
    'pubdate',
    'lastbuilddate',
    'category',
    'generator',
    'docs',
    'cloud',
    'ttl',
    'rating',
    'hour',
    'day',
  ],
  ...['url', 'width', 'height', 'name', 'comments', 'enclosure', 'guid', 'source'],
  ...NAMESPACED_TEXT,
]);
const RDF_TEXT = new Set(['title', 'link', 'description', 'url', 'name', ...NAMESPACED_TEXT]);
const ATOM_TEXT_ELEMENTS = new Set([...ATOM_TEXT, ...NAMESPACED_TEXT]);

/** The elements of an RSS item and an Atom entry (what makes one worth keeping). */
export const RSS_ITEM_FIELDS = new Set([
  'title',
  'link',
  'description',
  'author',
  'category',
  'comments',
  'enclosure',
  'guid',
  'pubdate',
  'source',
]);
export const ATOM_ENTRY_FIELDS = new Set([
  'author',
  'category',
  'content',
  'contributor',
  'id',
  'link',
  'published',
  'issued',
  'created',
  'rights',
  'source',
  'summary',
  'title',
  'updated',
  'modified',
]);

/** The namespaces read here (beside the format's own). */
export const READ_PREFIXES = new Set(['atom', 'dc', 'dcterms', 'content', 'media', 'itunes']);

const isText = (names: ReadonlySet<string>) => (name: string) => names.has(name) || name.startsWith('dc:') || name.startsWith('dcterms:');

export const READ_OPTIONS = {
  rss: { primary: new Set(['rss']), leaf: isText(RSS_TEXT) },
  rdf: { primary: new Set(['rdf', 'rss']), leaf: isText(RDF_TEXT) },
  atom: { primary: new Set(['atom']), leaf: isText(ATOM_TEXT_ELEMENTS) },
} as const;
