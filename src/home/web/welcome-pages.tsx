import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { PASSIONS_MAX, PlaceFields, type Profile, profilePatchSchema, RoleFields } from '../../accounts/index.ts';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/viewer.ts';
import { Composer, FollowButton, PostCard } from '../../social/index.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { formatSpan, plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextField } from '../../web/forms.tsx';
import { Avatar, flash, type PageOptions, renderPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { HomeService } from '../service.ts';
import { FOLLOW_GOAL, INTRODUCTION_TAG, type Progress, STEPS, type StepKey, stepDone } from '../welcome.ts';

/**
 * The guided first ten minutes (/welcome): five short steps with visible progress, each
 * skippable, each action a plain form that comes back to the same place on the same step.
 */
export function welcomePages(service: HomeService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const welcome = service.welcome;

  app.get('/welcome', async (c) => {
    const viewer = requireViewer(c);
    const profile = await welcome.profile(viewer);
    return aboutPage(c, service, viewer, valuesOf(profile), {});
  });

  app.post('/welcome', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = {
      role: form.text('role'),
      roleOther: form.text('roleOther'),
      passions: [...form.texts('passion'), ...form.text('otherPassions').split(',')].map((p) => p.trim()).filter(Boolean),
      location: form.text('location'),
      timeZone: form.text('timeZone'),
    };
    try {
      const passions = [...new Map(values.passions.map((p) => [p.toLowerCase(), p])).values()];
      if (passions.length === 0) throw UserError.field('passions', 'Choose or type at least one passion: it is how peers find you.');
      const patch = parseInput(profilePatchSchema, { ...values, role: values.role || null, passions });
      await welcome.saveAbout(viewer, patch);
      return c.redirect(next('about'), 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return aboutPage(c, service, viewer, values, errors, status);
    }
  });

  app.get('/welcome/people', async (c) => {
    const viewer = requireViewer(c);
    const profile = await welcome.profile(viewer);
    const [progress, people] = await Promise.all([welcome.progress(viewer), welcome.people(viewer, profile)]);
    return stepPage(
      c,
      'people',
      progress,
      <>
        <p class="lede">
          {progress.follows >= FOLLOW_GOAL
            ? `You follow ${plural(progress.follows, 'person', 'people')}: a good start. Follow more whenever you like.`
            : `You follow ${progress.follows} of the ${FOLLOW_GOAL} people a good network starts with: peers who share your passions, in other roles and places too.`}
        </p>
        {people.kits.map(({ kit, passion, preview }) => (
          <section class="welcome-card" id={`kit-${kit.id}`} aria-labelledby={`kit-${kit.id}-title`}>
            <h2 id={`kit-${kit.id}-title`}>
              Starter kit: <a href={kit.url}>{kit.title}</a>
            </h2>
            <p class="meta">
              By {kit.owner.displayName}
              {passion ? ` · for ${passion.toLowerCase()}` : ''}
            </p>
            {kit.description ? <p>{kit.description}</p> : null}
            <ul class="avatar-row" aria-label={`People in ${kit.title}`}>
              {preview.people.slice(0, 8).map((p) => (
                <li>
                  <Avatar url={p.person.avatarUrl} name={p.person.displayName} size={32} />
                  <span class="visually-hidden">{p.person.displayName}</span>
                </li>
              ))}
            </ul>
            {preview.newPeople.length > 0 ? (
              <form method="post" action={`/welcome/kits/${kit.id}`} class="inline-form">
                <CsrfField token={c.var.csrf} />
                <button type="submit">
                  Follow all {plural(preview.newPeople.length, 'person', 'people')}
                  <span class="visually-hidden"> of {kit.title}</span>
                </button>
              </form>
            ) : (
              <p class="done">You follow everyone in this kit.</p>
            )}
          </section>
        ))}
        <section aria-labelledby="people-title" id="people">
          <h2 id="people-title">People for you</h2>
          {people.suggestions.length === 0 ? (
            <p>No one to suggest yet: this server is new. Invite a colleague, or look again after a chat.</p>
          ) : (
            <ul class="people-list">
              {people.suggestions.map(({ actor, reasons }) => (
                <li class="person-card" id={`person-${actor.id}`}>
                  <Avatar url={actor.avatarUrl} name={actor.displayName} size={48} />
                  <div>
                    <h3>
                      <a href={actor.url}>{actor.displayName}</a>
                    </h3>
                    <p class="meta">{[actor.roleLabel, actor.location].filter(Boolean).join(' · ') || `@${actor.acct}`}</p>
                    {reasons[0] ? <p>{reasons[0][0]!.toUpperCase() + reasons[0].slice(1)}</p> : null}
                  </div>
                  <FollowButton c={c} acct={actor.acct} name={actor.displayName} back="/welcome/people#people" />
                </li>
              ))}
            </ul>
          )}
        </section>
      </>,
    );
  });

  app.post('/welcome/kits/:id{[0-9]{1,15}}', async (c) => {
    const viewer = requireViewer(c);
    const result = await welcome.followKit(viewer, Number(c.req.param('id')));
    const asked = result.requested.length ? `, and asked ${plural(result.requested.length, 'person', 'people')}` : '';
    flash(c, `You now follow ${plural(result.followed.length, 'more person', 'more people')}${asked}.`);
    return c.redirect('/welcome/people', 303);
  });

  app.get('/welcome/chats', async (c) => {
    const viewer = requireViewer(c);
    const profile = await welcome.profile(viewer);
    const [progress, chats] = await Promise.all([welcome.progress(viewer), welcome.chats(viewer, profile)]);
    return stepPage(
      c,
      'chats',
      progress,
      <>
        <p class="lede">
          A chat is an hour on a hashtag, with questions: the quickest way to meet peers. Say you will come and you get a reminder.
        </p>
        {chats.length === 0 ? (
          <p>No chat is planned yet. Any member can start one from Chats.</p>
        ) : (
          <ul class="welcome-chats">
            {chats.map(({ series, chat, passion }) => (
              <li class="welcome-card" id={`chat-${chat.id}`}>
                <h2>
                  <a href={chat.url}>{series.title}</a>
                </h2>
                <p class="meta">
                  #{series.hashtag} ·{' '}
                  <time datetime={new Date(chat.startsAt).toISOString()}>
                    {formatSpan(chat.startsAt, chat.endsAt, profile.timeZone, series.timeZone)}
                  </time>
                  {passion ? ` · for ${passion.toLowerCase()}` : ''}
                </p>
                {chat.topic ? <p>{chat.topic}</p> : null}
                <form method="post" action="/welcome/chats/rsvp" class="inline-form">
                  <CsrfField token={c.var.csrf} />
                  <input type="hidden" name="slug" value={series.slug} />
                  <input type="hidden" name="date" value={chat.date} />
                  <input type="hidden" name="going" value={chat.going ? 'no' : 'yes'} />
                  <button
                    type="submit"
                    class={chat.going ? 'button--secondary button--small' : 'button--small'}
                    aria-pressed={chat.going ? 'true' : 'false'}
                  >
                    {chat.going ? 'Going' : 'I’ll be there'}
                    <span class="visually-hidden"> ({series.title})</span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </>,
    );
  });

  app.post('/welcome/chats/rsvp', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const chat = await welcome.rsvp(viewer, form.text('slug'), form.text('date'), form.text('going') !== 'no');
    flash(c, chat.going ? 'See you there: you will get a reminder 15 minutes before the start.' : 'You are no longer going.');
    return c.redirect(`/welcome/chats#chat-${chat.id}`, 303);
  });

  app.get('/welcome/sources', async (c) => {
    const viewer = requireViewer(c);
    const profile = await welcome.profile(viewer);
    const [progress, sources] = await Promise.all([welcome.progress(viewer), welcome.sources(viewer, profile)]);
    return sourcesPage(c, progress, profile, sources, {});
  });

  app.post('/welcome/sources', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    try {
      const result = await welcome.followSources(viewer, form.texts('source'));
      flash(
        c,
        `You follow ${plural(result.added + result.alreadyFollowed, 'source', 'sources')} from this list: new posts appear under Sources.`,
      );
      return c.redirect(next('sources'), 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      const profile = await welcome.profile(viewer);
      const [progress, sources] = await Promise.all([welcome.progress(viewer), welcome.sources(viewer, profile)]);
      return sourcesPage(c, progress, profile, sources, errors, status);
    }
  });

  app.get('/welcome/post', async (c) => {
    const viewer = requireViewer(c);
    const [progress, profile, conversation] = await Promise.all([
      welcome.progress(viewer),
      welcome.profile(viewer),
      welcome.conversation(viewer),
    ]);
    const about = [profile.roleLabel?.toLowerCase(), profile.location ? `in ${profile.location}` : null].filter(Boolean).join(' ');
    const passions = profile.passions.slice(0, 3).map((p) => p.name.toLowerCase());
    const prefill = `Hello! I'm ${profile.displayName}${about ? `, ${about}` : ''}.${passions.length ? ` I'm into ${passions.join(', ')}.` : ''} Glad to be here. #${INTRODUCTION_TAG}`;
    return stepPage(
      c,
      'post',
      progress,
      <>
        <p class="lede">
          Say hello: a few words about what you do and what you want to learn. #{INTRODUCTION_TAG} is where members welcome each other.
          Change anything you like.
        </p>
        <Composer c={c} back="/stream" prefill={prefill} />
        {conversation ? (
          <section aria-labelledby="conversation-title">
            <h2 id="conversation-title">Or join a conversation</h2>
            <PostCard c={c} post={conversation} back="/welcome/post" />
            <form method="post" action="/posts" class="stack" id="reply">
              <CsrfField token={c.var.csrf} />
              <input type="hidden" name="replyToId" value={String(conversation.id)} />
              <input type="hidden" name="back" value="/welcome/post" />
              <div class="field">
                <label for="reply-text">Your reply to {conversation.author.displayName}</label>
                <textarea
                  id="reply-text"
                  name="text"
                  rows={3}
                  maxlength={c.var.kernel.config.postMaxChars}
                >{`@${conversation.author.acct} `}</textarea>
              </div>
              <div class="actions">
                <button type="submit">Reply</button>
              </div>
            </form>
          </section>
        ) : null}
      </>,
    );
  });

  return app;
}

/** Where to go after a step: the next step, or Home after the last. */
function next(step: StepKey): string {
  const index = STEPS.findIndex((s) => s.key === step);
  return STEPS[index + 1]?.path ?? '/stream';
}

/** One step's page: the progress through the five steps, the step, and the way on (or to skip). */
function stepPage(c: AppContext, step: StepKey, progress: Progress, body: Child, options: Partial<PageOptions> = {}) {
  const index = STEPS.findIndex((s) => s.key === step);
  const current = STEPS[index]!;
  const done = stepDone(progress, step);
  return renderPage(
    c,
    { title: `${current.title} · Getting started`, heading: current.title, noindex: true, ...options },
    <>
      <nav class="welcome-steps" aria-label="Getting started">
        <p class="meta">
          Step {index + 1} of {STEPS.length}
        </p>
        <ol>
          {STEPS.map((s) => (
            <li class={stepDone(progress, s.key) ? 'done' : undefined}>
              <a href={s.path} aria-current={s.key === step ? 'step' : undefined}>
                {s.title}
                {stepDone(progress, s.key) ? <span class="visually-hidden"> (done)</span> : null}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      {body}
      {step === 'about' ? null : (
        <p class="actions welcome-next">
          <a class={done ? 'button' : 'button button--secondary'} href={next(step)}>
            {index + 1 === STEPS.length ? (done ? 'Go to Home' : 'Skip: go to Home') : done ? 'Next step' : 'Skip this step'}
          </a>
          <a href="/">Finish later</a>
        </p>
      )}
    </>,
  );
}

interface AboutValues {
  role: string;
  roleOther: string;
  passions: string[];
  location: string;
  timeZone: string;
}

function valuesOf(profile: Profile): AboutValues {
  return {
    role: profile.role ?? '',
    roleOther: profile.roleOther ?? '',
    passions: profile.passions.map((p) => p.name),
    location: profile.location ?? '',
    timeZone: profile.timeZone,
  };
}

async function aboutPage(
  c: AppContext,
  service: HomeService,
  viewer: Viewer,
  values: AboutValues,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  const [progress, community] = await Promise.all([service.welcome.progress(viewer), service.welcome.communityPassions()]);
  const chosen = new Set(values.passions.map((p) => p.toLowerCase()));
  const offered = [...new Set([...values.passions, ...community])];
  const offeredKeys = new Set(offered.map((p) => p.toLowerCase()));
  const typed = values.passions.filter((p) => !offeredKeys.has(p.toLowerCase()));
  return stepPage(
    c,
    'about',
    progress,
    <>
      <p class="lede">Three questions, so that peers who do what you do can find you, and you them.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/welcome" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <RoleFields values={values} errors={errors} label="What do you do?" />
        <fieldset class="field" id="passions">
          <legend>What are you passionate about?</legend>
          <p class="hint" id="passions-hint">
            Pick what the community talks about, or add your own (at most {PASSIONS_MAX}).
          </p>
          {errors.passions ? (
            <p class="error-message" id="passions-error">
              {errors.passions}
            </p>
          ) : null}
          <ul class="chips">
            {offered.map((name, i) => (
              <li>
                <input
                  type="checkbox"
                  class="chip__input"
                  id={`passion-${i}`}
                  name="passion"
                  value={name}
                  checked={chosen.has(name.toLowerCase())}
                />
                <label class="chip" for={`passion-${i}`}>
                  {name}
                </label>
              </li>
            ))}
          </ul>
          <TextField
            name="otherPassions"
            optional
            label="Other passions"
            value={typed.join(', ')}
            errors={errors}
            maxLength={600}
            list="passion-suggestions"
            hint="Separated by commas, e.g. “Storytime, Graphic novels”."
          />
          <datalist id="passion-suggestions">
            {community.map((p) => (
              <option value={p} />
            ))}
          </datalist>
        </fieldset>
        <PlaceFields values={values} errors={errors} locationLabel="Where are you?" />
        <div class="actions">
          <button type="submit">Save and continue</button>
          <a href={next('about')}>Skip this step</a>
        </div>
      </form>
    </>,
    { hasErrors: Object.keys(errors).length > 0, status },
  );
}

function sourcesPage(
  c: AppContext,
  progress: Progress,
  profile: Profile,
  sources: Awaited<ReturnType<HomeService['welcome']['sources']>>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  const rows = [...sources.starter, ...sources.community];
  return stepPage(
    c,
    'sources',
    progress,
    <>
      <p class="lede">
        The journals, associations and blogs {profile.roleLabel ? `${profile.roleLabel.toLowerCase()}s` : 'people here'} read. Their new
        posts arrive under Sources; untick what you don’t want.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/welcome/sources" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <fieldset class="field" id="sources">
          <legend>Sources to follow</legend>
          {errors.sources ? (
            <p class="error-message" id="sources-error">
              {errors.sources}
            </p>
          ) : null}
          <ul class="checklist">
            {rows.map((s, i) => (
              <li>
                <input type="checkbox" id={`source-${i}`} name="source" value={s.url} checked={!s.following} disabled={s.following} />
                <label for={`source-${i}`}>
                  {s.title}
                  <span class="meta">
                    {' '}
                    ·{' '}
                    {s.following
                      ? 'you follow it'
                      : 'followers' in s
                        ? `followed by ${s.followers} members`
                        : (s.audience ?? 'for everyone')}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        {rows.some((s) => !s.following) ? (
          <div class="actions">
            <button type="submit">Follow the ticked sources</button>
          </div>
        ) : null}
      </form>
    </>,
    { hasErrors: Object.keys(errors).length > 0, status },
  );
}
