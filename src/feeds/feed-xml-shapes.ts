/**
 * The shapes feed-xml.ts reads an RSS, RDF or Atom document into, for parse.ts's mapping to JSON
 * Feed: those of feedsmith, which parse.ts was first written against, keeping only what is read.
 */

export type Format = 'rss' | 'atom' | 'rdf';

export type XmlAttrs = { xml?: { base?: string | undefined; lang?: string | undefined } | undefined };

/** A person as feeds write one: a name, an e-mail address, a link. */
export interface Person {
  name?: string | undefined;
  email?: string | undefined;
  link?: string | undefined;
  uri?: string | undefined;
}

// Media RSS and iTunes: the parts of the namespaces a reader shows.
export interface MediaText {
  value?: string | undefined;
  type?: string | undefined;
}
export interface MediaContent {
  url?: string | undefined;
  type?: string | undefined;
  medium?: string | undefined;
  fileSize?: number | undefined;
  duration?: number | undefined;
  title?: MediaText | undefined;
  thumbnails?: Array<{ url?: string | undefined }> | undefined;
}
export interface MediaGroup {
  contents?: MediaContent[] | undefined;
  thumbnails?: Array<{ url?: string | undefined }> | undefined;
  title?: MediaText | undefined;
  description?: MediaText | undefined;
}
export interface MediaParts {
  media?:
    | {
        contents?: MediaContent[] | undefined;
        thumbnails?: Array<{ url?: string | undefined }> | undefined;
        groups?: MediaGroup[] | undefined;
        title?: MediaText | undefined;
        description?: MediaText | undefined;
        categories?: Array<{ name?: string | undefined; label?: string | undefined }> | undefined;
      }
    | undefined;
  itunes?: Itunes | undefined;
}
export interface Itunes {
  image?: string | undefined;
  duration?: number | undefined;
  summary?: string | undefined;
  author?: string | undefined;
  subtitle?: string | undefined;
  title?: string | undefined;
  keywords?: string[] | undefined;
}

export interface Dc {
  titles?: string[] | undefined;
  creators?: string[] | undefined;
  subjects?: string[] | undefined;
  descriptions?: string[] | undefined;
  dates?: string[] | undefined;
  languages?: string[] | undefined;
}
export interface DcTerms {
  issued?: string[] | undefined;
  created?: string[] | undefined;
  modified?: string[] | undefined;
  dates?: string[] | undefined;
}

export interface AtomLink {
  href?: string | undefined;
  rel?: string | undefined;
  type?: string | undefined;
  title?: string | undefined;
  length?: number | undefined;
}
export interface AtomText {
  value?: string | undefined;
  type?: string | undefined;
  src?: string | undefined;
  xml?: { base?: string | undefined; lang?: string | undefined } | undefined;
}
export interface AtomPerson {
  name?: string | undefined;
  uri?: string | undefined;
  email?: string | undefined;
}
export interface AtomCategory {
  term?: string | undefined;
  label?: string | undefined;
}

export type RssItem = MediaParts &
  XmlAttrs & {
    title?: string | undefined;
    link?: string | undefined;
    description?: string | undefined;
    authors?: Person[] | undefined;
    categories?: Array<{ name?: string | undefined }> | undefined;
    enclosures?: Array<{ url?: string | undefined; type?: string | undefined; length?: number | undefined }> | undefined;
    guid?: { value?: string | undefined; isPermaLink?: boolean | undefined } | undefined;
    pubDate?: string | undefined;
    content?: { encoded?: string | undefined } | undefined;
    dc?: Dc | undefined;
    dcterms?: DcTerms | undefined;
    atom?:
      | {
          links?: AtomLink[] | undefined;
          authors?: AtomPerson[] | undefined;
          updated?: string | undefined;
          published?: string | undefined;
          content?: AtomText | undefined;
          summary?: AtomText | undefined;
          categories?: AtomCategory[] | undefined;
        }
      | undefined;
  };

export type RssChannel = MediaParts &
  XmlAttrs & {
    title?: string | undefined;
    link?: string | undefined;
    description?: string | undefined;
    language?: string | undefined;
    managingEditor?: Person | undefined;
    image?: { url?: string | undefined } | undefined;
    items?: RssItem[] | undefined;
    dc?: Dc | undefined;
    atom?: { links?: AtomLink[] | undefined } | undefined;
  };

export type AtomEntry = MediaParts &
  XmlAttrs & {
    id?: string | undefined;
    title?: AtomText | undefined;
    summary?: AtomText | undefined;
    content?: AtomText | undefined;
    links?: AtomLink[] | undefined;
    authors?: AtomPerson[] | undefined;
    categories?: AtomCategory[] | undefined;
    published?: string | undefined;
    updated?: string | undefined;
    dc?: Dc | undefined;
    dcterms?: DcTerms | undefined;
  };

export type AtomDoc = MediaParts &
  XmlAttrs & {
    title?: AtomText | undefined;
    subtitle?: AtomText | undefined;
    links?: AtomLink[] | undefined;
    logo?: string | undefined;
    icon?: string | undefined;
    authors?: AtomPerson[] | undefined;
    entries?: AtomEntry[] | undefined;
    dc?: Dc | undefined;
  };
