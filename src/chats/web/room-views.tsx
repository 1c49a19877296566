import type { UserError } from '../../platform/errors.ts';
import { Composer } from '../../social/index.ts';
import type { AppContext } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { CsrfField } from '../../web/forms.tsx';
import { renderPage } from '../../web/layout.tsx';
import { startsSoon } from '../occurrences.ts';
import type { Room, RoomPost } from '../room.ts';
import { Action, ChatPostItem, ChatState, ChatWhen, path, QuestionHeading, RsvpButton, tzOf } from './chat-views.tsx';

/** The live room of a chat, and its transcript once it ended. */

export function ModeratorTools({ c, room, post }: { c: AppContext; room: Room; post: RoomPost }) {
  const base = `/chats/${room.series.slug}/${room.chat.date}/posts/${post.id}`;
  return (
    <div class="chat-post__tools">
      <Action
        c={c}
        action={`${base}/highlight`}
        label={post.highlighted ? 'Remove highlight' : 'Highlight'}
        secondary
        hidden={{ on: post.highlighted ? 'no' : 'yes' }}
      />
      <Action
        c={c}
        action={`${base}/hide`}
        label={post.hidden ? 'Show again' : 'Hide'}
        secondary
        hidden={{ on: post.hidden ? 'no' : 'yes' }}
      />
    </div>
  );
}

export function PostList({ c, room, posts, label }: { c: AppContext; room: Room; posts: RoomPost[]; label: string }) {
  const moderator = room.series.role !== null;
  return (
    <ol class="chat-posts" aria-label={label} data-chat-posts>
      {posts.map((post) => (
        <ChatPostItem post={post} timeZone={tzOf(c)} tools={moderator ? <ModeratorTools c={c} room={room} post={post} /> : undefined} />
      ))}
    </ol>
  );
}

export function roomPage(c: AppContext, room: Room) {
  const { series, chat, current } = room;
  const viewer = c.var.viewer;
  const moderator = series.role !== null;
  const base = `/chats/${series.slug}/${chat.date}`;
  const released = room.questions.filter((q) => q.releasedAt !== null);
  const waiting = room.questions.filter((q) => q.releasedAt === null);
  // Said only while the timer will really ask them: before the start, or while its clock runs.
  const timed =
    chat.questionInterval !== null &&
    ((chat.state === 'scheduled' && waiting.length > 0) || (chat.state === 'live' && chat.nextReleaseAt !== null));
  const noPosts = room.otherPosts.length === 0 && room.questions.every((q) => q.answers.length === 0);
  return renderPage(
    c,
    { title: `#${series.hashtag}: ${series.title}, ${chat.date}`, heading: null, noindex: chat.state !== 'live' },
    <div
      class="chat-room"
      data-chat-room={`${base}/live`}
      data-moderator={moderator ? 'true' : undefined}
      data-chat-kind={series.kind}
      data-hashtag={series.hashtag}
    >
      <header class="chat-room__head">
        <h1>
          <a href={`/chats/${series.slug}`}>#{series.hashtag}</a>: {series.title}
        </h1>
        <p>
          <ChatState chat={chat} /> <ChatWhen chat={chat} timeZone={tzOf(c)} hostTimeZone={series.timeZone} />
          {chat.topic ? (
            <>
              {' '}
              · <strong>{chat.topic}</strong>
            </>
          ) : null}
        </p>
        <p class="meta">
          <span data-participants>{plural(room.participants, 'participant', 'participants')}</span> ·{' '}
          {plural(chat.rsvpCount, 'person', 'people')} said they would come
          {timed ? ` · a question every ${chat.questionInterval} minutes${chat.state === 'scheduled' ? ' from the start' : ''}` : ''}
        </p>
        {moderator && chat.state === 'live' && !timed ? (
          <p class="meta">
            {waiting.length
              ? 'You ask each question with the “Ask” button.'
              : 'No questions left to ask: add one with “Prepare questions”.'}
          </p>
        ) : null}
        <div class="actions">
          <RsvpButton c={c} series={series} chat={chat} back={base} />
          {moderator ? (
            <>
              {startsSoon(chat, c.var.kernel.clock.now()) ? <Action c={c} action={`${base}/start`} label="Start the chat now" /> : null}
              {chat.state === 'live' && waiting.length ? (
                <Action c={c} action={`${base}/release`} label={`Ask ${waiting[0]!.label} now`} />
              ) : null}
              {chat.state === 'live' ? (
                <Action
                  c={c}
                  action={`${base}/end`}
                  label="End the chat"
                  secondary
                  confirm="End the chat now? Later posts will not join it."
                />
              ) : null}
              <a href={`${base}/questions`}>Prepare questions</a>
            </>
          ) : null}
        </div>
        <p class="visually-hidden" role="status" aria-live="polite" data-live-status></p>
      </header>

      <section class="chat-room__current" aria-labelledby="current-question" data-current-question>
        <h2 id="current-question" class="visually-hidden">
          Current question
        </h2>
        {current ? (
          <div class="callout">
            <p class="chat-question__title">
              <span class="chat-question__label">{current.label}</span> {current.text}
            </p>
            {current.imageUrl ? <img class="chat-question__image" src={current.imageUrl} alt={current.imageAlt ?? ''} /> : null}
          </div>
        ) : (
          <p class="callout">
            {chat.state === 'live'
              ? 'The first question comes soon. Say hello and introduce yourself!'
              : chat.state === 'scheduled'
                ? 'The chat has not started yet.'
                : 'This chat was cancelled.'}
          </p>
        )}
      </section>

      {noPosts ? (
        <p class="chat-room__empty" data-chat-empty>
          No posts yet.{' '}
          {chat.state === 'live'
            ? `Posts with #${series.hashtag} appear here as they come, newest first.`
            : `Posts with #${series.hashtag} join the room while the chat is live.`}
        </p>
      ) : null}
      <div data-chat-questions>
        {[...released].reverse().map((q) => {
          const answers = room.questions.find((x) => x.id === q.id)!.answers;
          return (
            <section
              class={q.id === current?.id ? 'chat-question chat-question--current' : 'chat-question'}
              aria-labelledby={`question-${q.number}`}
              data-question={String(q.number)}
            >
              <QuestionHeading question={q} timeZone={tzOf(c)} />
              {answers.length ? null : (
                <p class="meta" data-no-answers>
                  No answers yet.
                </p>
              )}
              <PostList c={c} room={room} posts={[...answers].reverse()} label={`Answers to ${q.label}`} />
            </section>
          );
        })}
      </div>
      {/* Kept when empty (hidden): live posts that answer no question arrive in it. */}
      <section class="chat-question" aria-labelledby="other-posts" data-question="0" hidden={room.otherPosts.length === 0}>
        <h2 id="other-posts">{released.length ? 'Other posts' : 'Posts'}</h2>
        <PostList c={c} room={room} posts={[...room.otherPosts].reverse()} label="Other posts" />
      </section>
      {/* After the posts in the page, docked at the bottom of the screen (see app.css): the
          question and the newest answers come first, and the form is always at hand. */}
      {chat.state === 'live' && viewer ? (
        <section aria-labelledby="compose-answer" class="chat-room__composer">
          <h2 id="compose-answer">{current ? `Answer ${current.label}` : 'Join in'}</h2>
          <Composer c={c} back={base} prefill={room.prefill} />
        </section>
      ) : chat.state === 'live' ? (
        <p class="chat-room__composer">
          <a href={`/login?next=${encodeURIComponent(base)}`}>Sign in</a> to take part.
        </p>
      ) : null}
      {moderator ? (
        <template id="moderator-tools">
          <div class="chat-post__tools">
            <form method="post" class="inline-form" data-tool="highlight">
              <CsrfField token={c.var.csrf} />
              <input type="hidden" name="on" value="yes" />
              <button type="submit" class="button--secondary">
                Highlight
              </button>
            </form>
            <form method="post" class="inline-form" data-tool="hide">
              <CsrfField token={c.var.csrf} />
              <input type="hidden" name="on" value="yes" />
              <button type="submit" class="button--secondary">
                Hide
              </button>
            </form>
          </div>
        </template>
      ) : null}
    </div>,
  );
}

/** A button pressed at the wrong time (a start too early, an end twice): why, and the way back. */
export function refusedPage(c: AppContext, back: string, error: UserError) {
  return renderPage(
    c,
    { title: 'Not now', status: 409, noindex: true },
    <>
      <p class="callout">{error.message}</p>
      <p>
        <a href={back}>Back to the chat</a>
      </p>
    </>,
  );
}

export function transcriptPage(c: AppContext, room: Room) {
  const { series, chat } = room;
  const base = `/chats/${series.slug}/${chat.date}`;
  const all = [...room.questions.flatMap((q) => q.answers), ...room.otherPosts];
  const people = new Map(all.map((p) => [p.author.handle, p.author]));
  const highlighted = all.filter((p) => p.highlighted);
  return renderPage(
    c,
    { title: `#${series.hashtag}: ${series.title}, ${chat.date} (transcript)`, heading: null },
    <article class="chat-transcript" aria-labelledby="transcript-title">
      <h1 id="transcript-title">
        <a href={`/chats/${series.slug}`}>#{series.hashtag}</a>: {series.title}
      </h1>
      <p>
        <ChatState chat={chat} /> <ChatWhen chat={chat} timeZone={tzOf(c)} hostTimeZone={series.timeZone} />
        {chat.topic ? (
          <>
            {' '}
            · <strong>{chat.topic}</strong>
          </>
        ) : null}
      </p>
      <p>
        {plural(all.length, 'post', 'posts')},{' '}
        {plural(
          room.questions.reduce((n, q) => n + q.answers.length, 0),
          'answer',
          'answers',
        )}
        , {plural(people.size, 'participant', 'participants')}, {plural(highlighted.length, 'highlighted answer', 'highlighted answers')}.
      </p>
      <p>
        Download: <a href={`${base}/transcript.md`}>Markdown</a> · <a href={`${base}/transcript.html`}>HTML</a> ·{' '}
        <a href={`${base}/transcript.csv`}>CSV</a> · <a href={`${base}/transcript.json`}>JSON</a>
      </p>
      {room.questions.map((q) => (
        <section class="chat-question" aria-labelledby={`question-${q.number}`}>
          <QuestionHeading question={q} timeZone={tzOf(c)} />
          {q.answers.length ? <PostList c={c} room={room} posts={q.answers} label={`Answers to ${q.label}`} /> : <p>No answers.</p>}
        </section>
      ))}
      {room.otherPosts.length ? (
        <section class="chat-question" aria-labelledby="other-posts">
          <h2 id="other-posts">{room.questions.length ? 'Other posts' : 'Posts'}</h2>
          <PostList c={c} room={room} posts={room.otherPosts} label="Other posts" />
        </section>
      ) : null}
      <section aria-labelledby="participants">
        <h2 id="participants">Participants</h2>
        <ul class="tags">
          {[...people.values()].map((p) => (
            <li>
              <a class="tag" href={path(p.url)}>
                {p.displayName}
              </a>
            </li>
          ))}
        </ul>
      </section>
    </article>,
  );
}

// ---- forms -----------------------------------------------------------------------------------
