import { Hono } from 'hono';
import { UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { FolderView } from '../folders.ts';
import type { RiverScope } from '../items.ts';
import type { FeedsService } from '../service.ts';
import type { SubscriptionView } from '../sources.ts';
import { ItemCard } from './item-views.tsx';
import { backTo, sourcesPage } from './section-views.tsx';

/**
 * The reader: the river of items (everything, a folder, a source, starred) beside the member's
 * sources, with search, "show read items too" and marking read. Every action is a form, so it
 * all works without JavaScript; with it, j/k/o/s/m move through the river (see app.js).
 */

function scopeFromQuery(c: AppContext): { scope: RiverScope; label: string | null } {
  const folder = Number(c.req.query('folder'));
  const source = Number(c.req.query('source'));
  if (Number.isSafeInteger(folder) && folder > 0) return { scope: { kind: 'folder', folderId: folder }, label: null };
  if (Number.isSafeInteger(source) && source > 0) return { scope: { kind: 'source', subscriptionId: source }, label: null };
  return { scope: { kind: 'all' }, label: 'All sources' };
}

function scopeValue(scope: RiverScope): string {
  return scope.kind === 'folder' ? `folder:${scope.folderId}` : scope.kind === 'source' ? `source:${scope.subscriptionId}` : scope.kind;
}

function riverHref(scope: RiverScope, extra: Record<string, string> = {}): string {
  const base = scope.kind === 'starred' ? '/sources/starred' : '/sources';
  const params = new URLSearchParams(extra);
  if (scope.kind === 'folder') params.set('folder', String(scope.folderId));
  if (scope.kind === 'source') params.set('source', String(scope.subscriptionId));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

function Shortcuts() {
  return (
    <details class="shortcuts" id="shortcuts">
      <summary>Keyboard shortcuts</summary>
      <dl>
        <dt>
          <kbd>j</kbd> / <kbd>k</kbd>
        </dt>
        <dd>next / previous item</dd>
        <dt>
          <kbd>o</kbd>
        </dt>
        <dd>open the item</dd>
        <dt>
          <kbd>s</kbd>
        </dt>
        <dd>star or unstar</dd>
        <dt>
          <kbd>m</kbd>
        </dt>
        <dd>mark read or unread</dd>
        <dt>
          <kbd>?</kbd>
        </dt>
        <dd>show or hide this list</dd>
      </dl>
    </details>
  );
}

function Sidebar({ subs, folders, scope }: { subs: SubscriptionView[]; folders: FolderView[]; scope: RiverScope }) {
  const total = subs.reduce((n, s) => n + s.unread, 0);
  const current = (match: boolean) => (match ? 'page' : undefined);
  const SourceLink = ({ s }: { s: SubscriptionView }) => (
    <li>
      <a href={`/sources?source=${s.id}`} aria-current={current(scope.kind === 'source' && scope.subscriptionId === s.id)}>
        {s.title}
      </a>
      {s.unread ? (
        <span class="count">
          {' '}
          {s.unread}
          <span class="visually-hidden"> unread</span>
        </span>
      ) : null}
      {s.problem ? (
        <span class="source-problem" title={s.problem}>
          {' '}
          ⚠<span class="visually-hidden"> {s.problem}</span>
        </span>
      ) : null}
    </li>
  );
  return (
    <nav class="reader__nav" aria-label="Your sources">
      <ul>
        <li>
          <a href="/sources" aria-current={current(scope.kind === 'all')}>
            All sources
          </a>
          {total ? (
            <span class="count">
              {' '}
              {total}
              <span class="visually-hidden"> unread</span>
            </span>
          ) : null}
        </li>
        <li>
          <a href="/sources/starred" aria-current={current(scope.kind === 'starred')}>
            Starred
          </a>
        </li>
      </ul>
      {folders.map((f) => (
        <section aria-labelledby={`folder-${f.id}`}>
          <h2 class="reader__folder" id={`folder-${f.id}`}>
            <a href={`/sources?folder=${f.id}`} aria-current={current(scope.kind === 'folder' && scope.folderId === f.id)}>
              {f.name}
            </a>
            {f.unread ? (
              <span class="count">
                {' '}
                {f.unread}
                <span class="visually-hidden"> unread</span>
              </span>
            ) : null}
          </h2>
          <ul>
            {subs
              .filter((s) => s.folder?.id === f.id)
              .map((s) => (
                <SourceLink s={s} />
              ))}
          </ul>
        </section>
      ))}
      {subs.some((s) => !s.folder) ? (
        <section aria-labelledby="folder-none">
          <h2 class="reader__folder" id="folder-none">
            {folders.length ? 'Not in a folder' : 'Sources'}
          </h2>
          <ul>
            {subs
              .filter((s) => !s.folder)
              .map((s) => (
                <SourceLink s={s} />
              ))}
          </ul>
        </section>
      ) : null}
    </nav>
  );
}

async function riverPage(service: FeedsService, c: AppContext, scope: RiverScope, heading: string | null) {
  const viewer = requireViewer(c);
  const unreadOnly = scope.kind !== 'starred' && c.req.query('show') !== 'all';
  const q = c.req.query('q')?.trim() || undefined;
  const subs = await service.sources.list(viewer);
  const folders = await service.folders.list(viewer, subs);
  const page = await service.items.river(viewer, { scope, unreadOnly: unreadOnly && !q, q, cursor: c.req.query('cursor') });
  const title =
    heading ??
    (scope.kind === 'folder'
      ? folders.find((f) => f.id === scope.folderId)?.name
      : scope.kind === 'source'
        ? subs.find((s) => s.id === scope.subscriptionId)?.title
        : null) ??
    'Sources';
  const back = c.req.path + (new URL(c.req.url).search || '');
  const next = page.nextCursor
    ? riverHref(scope, { ...(unreadOnly ? {} : { show: 'all' }), ...(q ? { q } : {}), cursor: page.nextCursor })
    : null;
  const source = scope.kind === 'source' ? subs.find((s) => s.id === scope.subscriptionId) : undefined;
  return sourcesPage(
    c,
    { title: q ? `Search: ${q}` : title, heading: null },
    <div class="reader">
      <Sidebar subs={subs} folders={folders} scope={scope} />
      <div class="reader__main">
        <h1>{q ? `Search: ${q}` : title}</h1>
        {source?.problem ? (
          <div class="callout" role="status">
            <p>{source.problem}</p>
            <form method="post" action={`/sources/subscriptions/${source.id}/refresh`} class="inline-form">
              <CsrfField token={c.var.csrf} />
              <input type="hidden" name="back" value={back} />
              <button type="submit">Try again now</button>
            </form>
          </div>
        ) : null}
        {subs.length === 0 ? (
          <p class="callout">
            You follow no sources yet. <a href="/sources/manage">Add a blog, a journal, a podcast or a Mastodon profile</a> by pasting its
            address.
          </p>
        ) : (
          <div class="reader__tools">
            <form method="get" action={scope.kind === 'starred' ? '/sources/starred' : '/sources'} role="search" class="inline-form">
              {scope.kind === 'folder' ? <input type="hidden" name="folder" value={String(scope.folderId)} /> : null}
              {scope.kind === 'source' ? <input type="hidden" name="source" value={String(scope.subscriptionId)} /> : null}
              <label for="reader-q">Search items</label> <input id="reader-q" name="q" type="search" value={q ?? ''} maxlength={200} />{' '}
              <button type="submit">Search</button>
            </form>
            {scope.kind !== 'starred' && !q ? (
              <>
                <p class="inline-form">
                  {unreadOnly ? (
                    <a href={riverHref(scope, { show: 'all' })}>Show read items too</a>
                  ) : (
                    <a href={riverHref(scope)}>Show unread only</a>
                  )}
                </p>
                <form method="post" action="/sources/mark-read" class="inline-form">
                  <CsrfField token={c.var.csrf} />
                  <input type="hidden" name="scope" value={scopeValue(scope)} />
                  <input type="hidden" name="back" value={back} />
                  <label for="mark-older">Mark read</label>{' '}
                  <select id="mark-older" name="olderThan">
                    <option value="">everything here</option>
                    <option value="day">older than a day</option>
                    <option value="week">older than a week</option>
                  </select>{' '}
                  <button type="submit">Mark read</button>
                </form>
              </>
            ) : null}
          </div>
        )}
        <Shortcuts />
        {page.items.length ? (
          <div class="river" data-river>
            {page.items.map((item) => (
              <ItemCard c={c} item={item} back={back} />
            ))}
          </div>
        ) : subs.length ? (
          <p class="empty">
            {q
              ? 'No items match.'
              : scope.kind === 'starred'
                ? 'No starred items. Star an item to keep it here.'
                : unreadOnly
                  ? 'All read. Nothing new here.'
                  : 'No items yet.'}
          </p>
        ) : null}
        {next ? (
          <p class="pager">
            <a href={next} rel="next">
              Older items
            </a>
          </p>
        ) : null}
      </div>
    </div>,
  );
}

export function riverPages(service: FeedsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/sources', async (c) => {
    if (!c.var.viewer) throw new UserError(401, 'unauthenticated', 'Sign in to read your sources.');
    const { scope, label } = scopeFromQuery(c);
    return riverPage(service, c, scope, label);
  });
  app.get('/sources/starred', async (c) => {
    if (!c.var.viewer) throw new UserError(401, 'unauthenticated', 'Sign in to read your sources.');
    return riverPage(service, c, { kind: 'starred' }, 'Starred');
  });

  app.post('/sources/mark-read', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const scopeText = form.text('scope');
    const match = /^(all|folder:\d+|source:\d+)$/.exec(scopeText);
    if (!match) throw UserError.field('scope', 'Unknown scope.', 400);
    const [kind, id] = scopeText.split(':');
    const scope: RiverScope =
      kind === 'folder'
        ? { kind: 'folder', folderId: Number(id) }
        : kind === 'source'
          ? { kind: 'source', subscriptionId: Number(id) }
          : { kind: 'all' };
    const older = form.text('olderThan');
    await service.items.markAllRead(viewer, scope, older === 'day' || older === 'week' ? older : undefined);
    flash(c, older ? `Items older than a ${older} marked read.` : 'All marked read.');
    return c.redirect(backTo(c, form.text('back')), 303);
  });
  return app;
}
