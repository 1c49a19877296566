/**
 * The one shape every feed becomes: a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1),
 * with a `_commonroom` extension saying where it came from and how it was read (parse.ts).
 */

export interface FeedAuthor {
  name?: string;
  /** The author's site, or a `mailto:` link when all the feed gives is an e-mail address. */
  url?: string;
  avatar?: string;
}

export interface FeedAttachment {
  url: string;
  mime_type: string;
  title?: string;
  size_in_bytes?: number;
  duration_in_seconds?: number;
}

export interface FeedItem {
  /** The item's own id (guid, atom:id), else its link, else a hash of its content. */
  id: string;
  url?: string;
  external_url?: string;
  title?: string;
  content_html?: string;
  content_text?: string;
  summary?: string;
  image?: string;
  date_published?: string;
  date_modified?: string;
  authors?: FeedAuthor[];
  tags?: string[];
  language?: string;
  attachments?: FeedAttachment[];
}

export interface FeedDocument {
  version: 'https://jsonfeed.org/version/1.1';
  title: string;
  home_page_url?: string;
  feed_url?: string;
  description?: string;
  icon?: string;
  favicon?: string;
  language?: string;
  authors?: FeedAuthor[];
  items: FeedItem[];
  /** JSON Feed extension: where the document came from and how it was read. */
  _commonroom: {
    format: 'rss' | 'atom' | 'rdf' | 'json';
    /** `2.0`, `1.0`, `0.91`, `0.3`, … when the document says. */
    format_version?: string;
    encoding: string;
    /** False when the document was not well-formed and was read leniently (only checked when asked). */
    well_formed?: boolean;
    /** What was wrong with the document but could be worked around. */
    warnings?: string[];
  };
}

export interface ParseOptions {
  /** The document's URL: relative links are resolved against it. */
  url?: string;
  /** The HTTP Content-Type header, for its charset. */
  contentType?: string;
  /** Also check XML well-formedness (costs a second pass). */
  checkWellFormed?: boolean;
}

/** Thrown when the bytes are not a feed at all. */
export class NotAFeedError extends Error {
  /** The document looks like an HTML page (so discovery may find a feed in it). */
  readonly looksLikeHtml: boolean;
  constructor(message: string, looksLikeHtml: boolean) {
    super(message);
    this.name = 'NotAFeedError';
    this.looksLikeHtml = looksLikeHtml;
  }
}
