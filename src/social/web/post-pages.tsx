import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/viewer.ts';
import { type AppContext, type AppEnv, timeZoneOf } from '../../web/context.ts';
import { formatDateTime } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextField } from '../../web/forms.tsx';
import { flash, renderPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm, safeNext, withAnchor } from '../../web/request.ts';
import type { PostView } from '../hydrate.ts';
import { editInputSchema, postInputSchema } from '../post-schemas.ts';
import type { SocialService } from '../service.ts';
import { Composer, type ComposerValues } from './composer-views.tsx';
import { PostCard, postPath } from './post-views.tsx';

/** A post id from a URL segment, or 404. */
function postId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no such post.');
  return id;
}

/** Writing, reading, editing and acting on posts (bookmarking is curation's: curation/bookmark-pages.tsx). */
export function postPages(social: SocialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/compose', (c) => {
    requireViewer(c);
    return composePage(c, undefined, {}, {});
  });

  app.post('/posts', async (c) => {
    const viewer = requireViewer(c);
    const { config } = c.var.kernel;
    if (c.var.oversizedBody) {
      return composePage(
        c,
        undefined,
        {},
        {
          media: `The images are too large together: the limit is ${Math.round(config.maxUploadBytes / 1048576)} MB per request. Nothing was posted.`,
        },
        413,
      );
    }
    const form = await readForm(c);
    const files = form.files('media');
    const alts = form.texts('alt');
    const values: ComposerValues = {
      text: form.text('text'),
      contentWarning: form.text('contentWarning'),
      visibility: form.text('visibility'),
      alts,
    };
    const replyToId = form.text('replyToId') || undefined;
    try {
      const uploads = await Promise.all(
        files.map(async ({ index, file }) => ({ bytes: new Uint8Array(await file.arrayBuffer()), alt: alts[index] ?? '', index })),
      );
      const input = parseInput(postInputSchema, {
        text: values.text,
        contentWarning: values.contentWarning,
        visibility: values.visibility || 'public',
        replyToId,
      });
      const post = await social.posts.create(viewer, input, uploads);
      flash(c, post.replyTo ? 'Your reply was posted.' : 'Your post was published.');
      // A reply opens on its own page, with the conversation above it; a post goes back where it was written.
      const back = safeNext(c, form.text('back'));
      return c.redirect(post.replyTo ? `${postPath(post)}#post-${post.id}` : back === '/' ? '/stream' : back, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      let parent: PostView | undefined;
      if (replyToId) parent = await social.posts.get(viewer, Number(replyToId)).catch(() => undefined);
      return composePage(
        c,
        parent,
        values,
        remapMediaErrors(
          errors,
          files.map((f) => f.index),
        ),
        status,
      );
    }
  });

  /** A post's page: a member's at /@handle/id; a remote post's at /posts/id (`at` null), as postPath says. */
  const threadPage = async (c: AppContext, at: string | null) => {
    const id = postId(c.req.param('id') ?? '');
    const thread = await social.posts.thread(c.var.viewer, id);
    const { author } = thread.post;
    if (at === null ? author.local : !author.local || author.handle.toLowerCase() !== at.toLowerCase())
      return c.redirect(postPath(thread.post), 301);
    const back = postPath(thread.post);
    return renderPage(
      c,
      {
        title: `${thread.post.author.displayName}: “${excerpt(thread.post.text)}”`,
        heading: null,
        description: excerpt(thread.post.text, 160),
      },
      <>
        <h1 class="visually-hidden">Post by {thread.post.author.displayName}</h1>
        {thread.ancestors.length > 0 ? (
          <section aria-label="Earlier in the conversation">
            <ol class="thread thread--context">
              {thread.ancestors.map((p) => (
                <li>
                  <PostCard c={c} post={p} back={back} />
                </li>
              ))}
            </ol>
          </section>
        ) : null}
        <PostCard c={c} post={thread.post} back={back} focus />
        {c.var.viewer ? (
          <Composer
            c={c}
            replyTo={thread.post}
            back={back}
            prefill={replyPrefill(thread.post, c.var.viewer.handle)}
            autofocus={c.req.query('reply') !== undefined}
          />
        ) : (
          <p class="callout">
            <a href={`/login?next=${encodeURIComponent(back)}`}>Sign in</a> to reply.
          </p>
        )}
        <section aria-labelledby="replies-heading">
          <h2 id="replies-heading">Replies</h2>
          {thread.descendants.length === 0 ? <p>No replies yet.</p> : null}
          <ol class="thread">
            {thread.descendants.map((p) => (
              <li class={`thread__reply thread__reply--depth-${Math.min(p.depth, 4)}`}>
                <PostCard c={c} post={p} back={back} />
              </li>
            ))}
          </ol>
        </section>
      </>,
    );
  };

  app.get('/:at{@[A-Za-z0-9_]+}/:id{[0-9]+}', (c) => threadPage(c, c.req.param('at').slice(1)));
  app.get('/posts/:id', (c) => threadPage(c, null));

  app.get('/posts/:id/edit', async (c) => {
    const viewer = requireViewer(c);
    const post = await social.posts.get(viewer, postId(c.req.param('id')));
    if (!post.mine?.own) throw UserError.forbidden('You can only edit your own posts.');
    return editPage(c, post, { text: post.text, contentWarning: post.contentWarning ?? '' }, {});
  });

  app.post('/posts/:id/edit', async (c) => {
    const viewer = requireViewer(c);
    const id = postId(c.req.param('id'));
    const form = await readForm(c);
    const values = { text: form.text('text'), contentWarning: form.text('contentWarning') };
    try {
      const post = await social.posts.edit(viewer, id, parseInput(editInputSchema, values));
      flash(c, 'Your post was updated.');
      return c.redirect(postPath(post), 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return editPage(c, await social.posts.get(viewer, id), values, errors, status);
    }
  });

  app.get('/posts/:id/history', async (c) => {
    const id = postId(c.req.param('id'));
    const post = await social.posts.get(c.var.viewer, id);
    const versions = await social.posts.history(c.var.viewer, id);
    const tz = timeZoneOf(c);
    return renderPage(
      c,
      { title: 'Edit history' },
      <>
        <p>
          The current version is shown first, then earlier ones. <a href={postPath(post)}>Back to the post</a>.
        </p>
        <ol class="history">
          <li>
            <h2>Current, {formatDateTime(post.editedAt ?? post.createdAt, tz)}</h2>
            {post.contentWarning ? <p class="meta">Content warning: {post.contentWarning}</p> : null}
            <div class="post__content">{post.text}</div>
          </li>
          {versions.map((v) => (
            <li>
              <h2>{formatDateTime(v.at, tz)}</h2>
              {v.contentWarning ? <p class="meta">Content warning: {v.contentWarning}</p> : null}
              <div class="post__content">{v.text}</div>
            </li>
          ))}
        </ol>
      </>,
    );
  });

  const actions = {
    boost: (s, v, id) => s.posts.boost(v, id),
    unboost: (s, v, id) => s.posts.unboost(v, id),
    like: (s, v, id) => s.posts.like(v, id),
    unlike: (s, v, id) => s.posts.unlike(v, id),
    pin: (s, v, id) => s.posts.pin(v, id),
    unpin: (s, v, id) => s.posts.unpin(v, id),
    delete: (s, v, id) => s.posts.delete(v, id),
  } satisfies Record<string, (social: SocialService, viewer: Viewer, id: number) => Promise<void>>;
  const notices: Record<string, string> = {
    boost: 'Boosted to your followers.',
    unboost: 'Boost removed.',
    like: 'Liked.',
    unlike: 'Like removed.',
    pin: 'Featured on your profile.',
    unpin: 'No longer featured on your profile.',
    delete: 'Your post was deleted.',
  };

  app.post('/posts/:id/:action{boost|unboost|like|unlike|pin|unpin|delete}', async (c) => {
    const viewer = requireViewer(c);
    const id = postId(c.req.param('id'));
    const action = c.req.param('action') as keyof typeof actions;
    const back = safeNext(c, (await readForm(c)).text('back'));
    await actions[action](social, viewer, id);
    flash(c, notices[action]!);
    return c.redirect(action === 'delete' ? (back.match(/^\/@[^/]+\/\d+$/) ? '/stream' : back) : withAnchor(back, `post-${id}`), 303);
  });
  return app;
}

function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat || 'a post';
}

/** A reply starts by mentioning the author (and the people they mentioned), as people expect. */
function replyPrefill(post: PostView, me: string): string {
  const handles = new Set<string>();
  if (post.author.handle.toLowerCase() !== me.toLowerCase()) handles.add(`@${post.author.acct}`);
  for (const match of post.text.matchAll(/(?<![\w@])@([A-Za-z0-9_]+(?:@[A-Za-z0-9.-]+)?)/g)) {
    if (match[1]!.toLowerCase() !== me.toLowerCase()) handles.add(`@${match[1]}`);
  }
  return handles.size ? `${[...handles].join(' ')} ` : '';
}

/** Upload errors name the position among the files sent; the form shows them on the row the file came from. */
function remapMediaErrors(errors: Errors, rowOfUpload: number[]): Errors {
  const result: Errors = {};
  for (const [path, message] of Object.entries(errors)) {
    const match = /^media\.(\d+)\.(file|alt)$/.exec(path);
    result[match ? `media.${rowOfUpload[Number(match[1])] ?? match[1]}.${match[2]}` : path] = message;
  }
  return result;
}

function composePage(
  c: AppContext,
  replyTo: PostView | undefined,
  values: ComposerValues,
  errors: Errors,
  status: Parameters<typeof renderPage>[1]['status'] = 200,
) {
  return renderPage(
    c,
    { title: replyTo ? 'Reply' : 'New post', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      {replyTo ? <PostCard c={c} post={replyTo} back={postPath(replyTo)} /> : null}
      <Composer c={c} replyTo={replyTo} values={values} errors={errors} back={replyTo ? postPath(replyTo) : '/stream'} />
    </>,
  );
}

function editPage(
  c: AppContext,
  post: PostView,
  values: { text: string; contentWarning: string },
  errors: Errors,
  status: Parameters<typeof renderPage>[1]['status'] = 200,
) {
  return renderPage(
    c,
    { title: 'Edit post', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>Earlier versions stay visible in the post’s edit history. Images and audience cannot be changed.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/posts/${post.id}/edit`} class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <div class={`field${errors.text ? ' field--error' : ''}`}>
          <label for="field-text">Text</label>
          {errors.text ? (
            <p class="field-error" id="field-text-error">
              <span class="visually-hidden">Error: </span>
              {errors.text}
            </p>
          ) : null}
          <textarea
            id="field-text"
            name="text"
            rows={6}
            data-max-chars={String(c.var.kernel.config.postMaxChars)}
            aria-invalid={errors.text ? 'true' : undefined}
            aria-describedby={errors.text ? 'field-text-error' : undefined}
          >
            {values.text}
          </textarea>
        </div>
        <TextField name="contentWarning" label="Content warning" optional value={values.contentWarning} errors={errors} maxLength={200} />
        <div class="actions">
          <button type="submit">Save changes</button>
          <a href={postPath(post)}>Cancel</a>
        </div>
      </form>
    </>,
  );
}
