import { Hono } from 'hono';
import { actorPath } from '../../social/index.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors } from '../../web/forms.tsx';
import { Avatar, flash, type PageOptions } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { CollectionsService } from '../collections.ts';
import { libraryPage } from '../section.tsx';
import type { KitPreview } from '../starter-kits.ts';
import { idParam, pathOf } from './collection-views.tsx';

/** "Follow all" of a starter kit: how it changes the member's network, then following the ticked people. */

function previewPage(c: AppContext, preview: KitPreview, errors: Errors = {}, status: PageOptions['status'] = 200) {
  const kit = preview.kit;
  const fresh = preview.people.filter((p) => p.status === 'new');
  const others = preview.people.filter((p) => p.status !== 'new');
  const statusWords = {
    following: 'you follow them',
    requested: 'you asked to follow them',
    self: 'this is you',
    blocked: 'one of you blocked the other',
  } as const;
  return libraryPage(
    c,
    { title: `Follow people from “${kit.title}”`, hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        <a href={pathOf(kit)}>Back to the starter kit</a>
      </p>
      <ErrorSummary errors={errors} />
      <section aria-labelledby="changes-heading">
        <h2 id="changes-heading">How this changes your network</h2>
        <p>
          Following this kit adds <strong>{plural(fresh.length, 'new person', 'new people')}</strong> to the people you follow.
        </p>
        {fresh.length > 0 ? (
          <>
            <p>
              {preview.rolesAdded.length > 0 ? (
                <>
                  Roles no one you follow has:{' '}
                  {preview.rolesAdded.map((r, i) => (
                    <>
                      {i > 0 ? ', ' : ''}
                      <strong>{r.label}</strong> ({r.count})
                    </>
                  ))}
                  .
                </>
              ) : (
                'It adds no roles your network lacks: you already follow people in each of these roles.'
              )}
            </p>
            <p>
              {preview.placesAdded.length > 0 ? (
                <>
                  Places new to your network:{' '}
                  {preview.placesAdded.map((r, i) => (
                    <>
                      {i > 0 ? ', ' : ''}
                      <strong>{r.label}</strong> ({r.count})
                    </>
                  ))}
                  .
                </>
              ) : (
                'It adds no places your network lacks.'
              )}
            </p>
          </>
        ) : null}
      </section>
      {fresh.length > 0 ? (
        <form method="post" action={`/starter-kits/${kit.id}/follow`} class="stack" novalidate>
          <CsrfField token={c.var.csrf} />
          <fieldset class="field" id="field-actorIds" aria-describedby="people-hint">
            <legend>People to follow</legend>
            <p class="hint" id="people-hint">
              Everyone is ticked. Untick anyone you do not want to follow. People who approve their followers get a request.
            </p>
            {fresh.map(({ person, note }) => (
              <div class="choice">
                <input
                  type="checkbox"
                  id={`person-${person.id}`}
                  name="actor"
                  value={String(person.id)}
                  checked
                  aria-describedby={note ? `person-${person.id}-note` : undefined}
                />
                <label for={`person-${person.id}`}>
                  {person.displayName} <span class="meta">@{person.acct}</span>
                  {[person.roleLabel, person.location].filter(Boolean).length > 0 ? (
                    <span class="meta"> · {[person.roleLabel, person.location].filter(Boolean).join(' · ')}</span>
                  ) : null}
                  {note ? (
                    <span class="hint" id={`person-${person.id}-note`}>
                      {' '}
                      — {note}
                    </span>
                  ) : null}
                </label>
              </div>
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit">Follow the ticked people</button>
            <a href={pathOf(kit)}>Cancel</a>
          </div>
        </form>
      ) : (
        <p class="callout">You already follow everyone in this kit you can follow.</p>
      )}
      {others.length > 0 ? (
        <section aria-labelledby="already-heading">
          <h2 id="already-heading">Already in your network, or left out</h2>
          <ul class="people-list">
            {others.map(({ person, status: s }) => (
              <li class="person-row">
                <Avatar url={person.avatarUrl} name={person.displayName} size={40} />
                <span>
                  <a href={actorPath(person)}>{person.displayName}</a>{' '}
                  <span class="meta">
                    @{person.acct} · {statusWords[s as keyof typeof statusWords]}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>,
  );
}

function followSummary(result: { followed: unknown[]; requested: unknown[]; skipped: unknown[] }): string {
  const parts = [];
  if (result.followed.length) parts.push(`You now follow ${plural(result.followed.length, 'more person', 'more people')}.`);
  if (result.requested.length)
    parts.push(`${plural(result.requested.length, 'follow request waits', 'follow requests wait')} for approval.`);
  if (result.skipped.length)
    parts.push(`${plural(result.skipped.length, 'person was', 'people were')} skipped (already followed or not possible).`);
  return parts.join(' ') || 'Nothing changed.';
}

export function starterKitPages(collections: CollectionsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/starter-kits/:id{[0-9]+}/follow', async (c) => {
    const viewer = requireViewer(c);
    return previewPage(c, await collections.kits.preview(viewer, idParam(c)));
  });
  app.post('/starter-kits/:id{[0-9]+}/follow', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const chosen = (await readForm(c)).texts('actor').map((v) => (/^\d+$/.test(v) ? Number(v) : -1));
    try {
      const result = await collections.kits.follow(
        viewer,
        id,
        chosen.filter((n) => n > 0),
      );
      flash(c, followSummary(result));
      return c.redirect(`/starter-kits/${id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return previewPage(c, await collections.kits.preview(viewer, id), errors, status);
    }
  });
  return app;
}
