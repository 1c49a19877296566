import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CliError, usage } from '../platform/cli.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import { HttpClient } from '../platform/http.ts';
import type { Opened } from '../web/capability.ts';
import { fetchFeed } from './fetch.ts';
import { type FeedDocument, NotAFeedError, parseFeed } from './parse.ts';
import type { FeedsService } from './service.ts';

export const FEED_HELP = `
  commonroom feed parse <file|url>
      Prints a feed (RSS, Atom, RDF or JSON Feed) as JSON Feed 1.1 on stdout.
  commonroom feed import-opml <file> --member <handle>
      Subscribes a member to every source in an OPML file (folders kept; already followed ones skipped).`;

/** `commonroom feed parse …`: needs no database. */
export async function feedParseCommand(config: Config, version: string, args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const target = positionals[0];
  if (!target || positionals.length > 1) throw usage('feed parse needs one file or URL');
  let document: FeedDocument;
  if (/^https?:\/\//i.test(target)) {
    const http = new HttpClient({ userAgent: `Commonroom/${version} (+${config.baseUrl})`, allowPrivate: config.fetchAllowPrivate });
    const outcome = await fetchFeed(http, target, { etag: null, lastModified: null }, { maxBytes: config.feedMaxBytes });
    if (outcome.kind !== 'ok')
      throw new CliError(
        `${target}: ${outcome.kind === 'error' ? outcome.message : outcome.kind === 'gone' ? 'the site says the feed is gone (410)' : 'no content'}`,
      );
    document = outcome.document;
  } else {
    let bytes: Buffer;
    try {
      bytes = await readFile(target);
    } catch (error) {
      throw new CliError(`${target}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    try {
      document = parseFeed(bytes, { checkWellFormed: true });
    } catch (error) {
      if (error instanceof NotAFeedError) throw new CliError(`${target}: ${error.message}`);
      throw error;
    }
  }
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/** `commonroom feed import-opml <file> --member <handle>` */
export async function feedImportCommand(open: () => Promise<Opened<FeedsService>>, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { member: { type: 'string' } } });
  const file = positionals[0];
  if (!file || !values.member) throw usage('feed import-opml needs a file and --member <handle>');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CliError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    const { service, viewer: viewerOf } = await open();
    const viewer = await viewerOf(values.member.replace(/^@/, ''));
    const result = await service.opml.import(viewer, bytes);
    console.log(
      `Imported ${result.added} source${result.added === 1 ? '' : 's'} for @${viewer.handle}; ${result.alreadyFollowed} already followed; ${result.folders.length} folder${result.folders.length === 1 ? '' : 's'}.`,
    );
    for (const s of result.skipped) console.log(`Skipped “${s.text}”: ${s.reason}.`);
  } catch (error) {
    if (error instanceof UserError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}
