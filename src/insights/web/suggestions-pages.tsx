import { Hono } from 'hono';
import { UserError } from '../../platform/errors.ts';
import { FollowButton } from '../../social/index.ts';
import type { AsideCard } from '../../web/capability.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField } from '../../web/forms.tsx';
import { Avatar, flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm, safeNext } from '../../web/request.ts';
import type { InsightsService } from '../service.ts';
import type { Suggestion } from '../suggestions.ts';
import { insightsPage } from './section.tsx';

const PATH = '/insights/suggestions';

/** At most this many people just followed stay on the page (`?keep=`), each where they were. */
const KEEP_MAX = 20;

/**
 * Who to follow (Insights section): suggestions with their reasons, a Follow and a Dismiss button
 * each. Plain forms: Follow comes back to the same card (`?keep=<ids>#suggestion-<id>`: the
 * people just followed stay in the list, saying "Following"); with scripts the card changes in
 * place (app.js).
 */
export function suggestionsPages(service: InsightsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(PATH, async (c) => {
    const viewer = requireViewer(c);
    const keep = keptIds(c.req.query('keep'));
    const suggestions = await service.suggestions.suggest(viewer, 10, new Set(keep));
    return insightsPage(c, { title: 'Who to follow' }, <SuggestionList c={c} suggestions={suggestions} keep={keep} />);
  });

  app.post(`${PATH}/:actorId/dismiss`, async (c) => {
    const viewer = requireViewer(c);
    const actorId = Number(c.req.param('actorId'));
    if (!Number.isSafeInteger(actorId) || actorId <= 0) throw UserError.notFound('There is no such person to dismiss.');
    const form = await readForm(c);
    await service.suggestions.dismiss(viewer, actorId);
    const name = form.text('name');
    flash(c, name ? `${name} will not be suggested again.` : 'They will not be suggested again.');
    return c.redirect(safeNext(c, form.text('back'), PATH), 303);
  });
  return app;
}

/** How many people the card beside Home suggests. */
const SHOWN = 3;

/** "Who to follow" beside Home and Explore: the viewer's best three suggestions, each with a Follow button (a plain form). */
export function whoToFollowCard(service: InsightsService): AsideCard {
  return {
    name: 'who-to-follow',
    title: 'Who to follow',
    places: ['home', 'explore'],
    order: 10,
    membersOnly: true,
    async render(c) {
      const suggestions = await service.suggestions.suggest(requireViewer(c), SHOWN);
      const here = new URL(c.req.url);
      const back = here.pathname + here.search;
      if (suggestions.length === 0)
        return (
          <p>
            Find peers who do what you do in <a href="/people">Explore</a>.
          </p>
        );
      return (
        <>
          <ul class="context-list context-people">
            {suggestions.map(({ actor, reasons }) => (
              <li class="context-person">
                <Avatar url={actor.avatarUrl} name={actor.displayName} size={40} />
                <div class="context-person__who">
                  <a href={actor.local ? `/@${actor.handle}` : `/@${actor.acct}`}>{actor.displayName}</a>
                  <span class="meta">{reasons[0] ? reasons[0][0]!.toUpperCase() + reasons[0].slice(1) : `@${actor.acct}`}</span>
                </div>
                <FollowButton c={c} acct={actor.acct} name={actor.displayName} back={back} />
              </li>
            ))}
          </ul>
          <p class="context-card__more">
            <a href={PATH}>More suggestions</a>
          </p>
        </>
      );
    },
  };
}

/** The ids in `?keep=` (comma-separated), the valid ones, at most KEEP_MAX. */
function keptIds(value: string | undefined): number[] {
  const ids = (value ?? '')
    .split(',')
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
  return [...new Set(ids)].slice(-KEEP_MAX);
}

/** This page, keeping `keep` and `id` (the person acted on), at that person's card. */
function backTo(keep: number[], id: number): string {
  return `${PATH}?keep=${[...keep.filter((k) => k !== id), id].slice(-KEEP_MAX).join(',')}#suggestion-${id}`;
}

function SuggestionList({ c, suggestions, keep }: { c: AppContext; suggestions: Suggestion[]; keep: number[] }) {
  return (
    <>
      <p>
        People you may want to learn from, and why. The more you follow, post with hashtags and take part in chats, the better these get.
        Dismiss someone and they will not come back.
      </p>
      {suggestions.length === 0 ? (
        <div class="callout">
          <p>No suggestions yet: there is not enough to go on.</p>
          <p>
            Add your role and a few passions to <a href="/settings/profile">your profile</a>, follow a few people from the{' '}
            <a href="/people">directory</a>, or join a <a href="/chats">chat</a>; suggestions appear here as soon as there is something to
            go on.
          </p>
        </div>
      ) : (
        <ul class="people-list suggestions" aria-label="Suggested people">
          {suggestions.map((s) => (
            <li>
              <SuggestionCard c={c} suggestion={s} keep={keep} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function SuggestionCard({ c, suggestion, keep }: { c: AppContext; suggestion: Suggestion; keep: number[] }) {
  const { actor, reasons, following } = suggestion;
  const profile = actor.local ? `/@${actor.handle}` : `/@${actor.acct}`;
  const back = backTo(keep, actor.id);
  const follow = (action: 'follow' | 'unfollow', label: string) => (
    <form method="post" action={`/@${actor.acct}/${action}`} class="inline-form" data-inline>
      <CsrfField token={c.var.csrf} />
      <input type="hidden" name="back" value={back} />
      <button type="submit" class={action === 'follow' ? 'button--small' : 'button--secondary button--small'}>
        {label} <span class="visually-hidden">{actor.displayName}</span>
      </button>
    </form>
  );
  return (
    <article class="person-card" aria-labelledby={`suggestion-${actor.id}-name`} id={`suggestion-${actor.id}`} data-inline-region>
      <Avatar url={actor.avatarUrl} name={actor.displayName} size={56} />
      <div>
        <h2 id={`suggestion-${actor.id}-name`}>
          <a href={profile}>{actor.displayName}</a>
        </h2>
        <p class="meta">@{actor.acct}</p>
        {actor.roleLabel || actor.location ? <p>{[actor.roleLabel, actor.location].filter(Boolean).join(' · ')}</p> : null}
        {reasons.length > 0 ? (
          <ul class="suggestion-reasons" aria-label={`Why ${actor.displayName}`}>
            {reasons.map((r) => (
              <li>{r[0]!.toUpperCase() + r.slice(1)}</li>
            ))}
          </ul>
        ) : null}
        <div class="actions">
          {following === 'accepted' ? (
            <>
              <span class="badge">Following</span>
              {follow('unfollow', 'Unfollow')}
            </>
          ) : following === 'pending' ? (
            <>
              <span class="badge">Requested</span>
              {follow('unfollow', 'Cancel request')}
            </>
          ) : (
            follow('follow', 'Follow')
          )}
          <form method="post" action={`${PATH}/${actor.id}/dismiss`} class="inline-form">
            <CsrfField token={c.var.csrf} />
            <input type="hidden" name="back" value={keep.length ? `${PATH}?keep=${keep.join(',')}` : PATH} />
            <input type="hidden" name="name" value={actor.displayName} />
            <button type="submit" class="button--secondary button--small">
              Dismiss <span class="visually-hidden">{actor.displayName}</span>
            </button>
          </form>
        </div>
      </div>
    </article>
  );
}
