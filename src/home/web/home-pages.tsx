import { Hono } from 'hono';
import { BaseUrlWarning } from '../../web/base-url-warning.tsx';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import type { HomeService } from '../service.ts';
import type { SetupItem } from '../setup.ts';
import { STEPS, stepDone } from '../welcome.ts';
import { StepsChecklist } from './welcome-views.tsx';

/** The home page, the about page, and the places later capabilities will fill. */
export function homePages(service: HomeService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => (c.var.viewer ? memberHome(c, service) : visitorHome(c)));

  app.get('/about', async (c) => {
    const { site } = c.var;
    return renderPage(
      c,
      { title: `About ${site.siteName}` },
      <>
        <p>{site.siteDescription}</p>
        <p>
          This server runs Commonroom, a self-hostable home for a professional learning network. It reads blogs and journals by RSS, Atom
          and JSON Feed, and connects to Mastodon and the rest of the fediverse, so your network is never locked in one place.
        </p>
        <p>
          Joining: <strong>{{ open: 'open to everyone', invite: 'by invitation', closed: 'closed' }[site.signupMode]}</strong>.
        </p>
      </>,
    );
  });

  for (const place of service.places) {
    app.get(place.href, (c) =>
      renderPage(
        c,
        { title: place.title },
        <>
          <p>{place.text}</p>
          <p class="callout">
            This part of {c.var.site.siteName} is being built. Meanwhile, find peers in <a href="/people">People</a>.
          </p>
        </>,
      ),
    );
  }

  return app;
}

function visitorHome(c: AppContext) {
  const { site } = c.var;
  return renderPage(
    c,
    { title: 'Welcome', heading: null },
    <>
      <section class="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">{site.siteName}</h1>
        <p>{site.siteDescription}</p>
        <div class="actions">
          {site.signupMode === 'closed' ? null : (
            <a class="button" href="/signup">
              Join {site.signupMode === 'invite' ? 'with an invitation' : 'now'}
            </a>
          )}
          <a class="button button--secondary" href="/people">
            Browse people
          </a>
          <a href="/login">Sign in</a>
        </div>
      </section>
      <StagesIntro />
    </>,
  );
}

async function memberHome(c: AppContext, service: HomeService) {
  const viewer = c.var.viewer!;
  const [progress, setup] = await Promise.all([
    service.welcome.progress(viewer),
    viewer.isAdmin ? service.setup.checklist(viewer, c.var.site) : null,
  ]);
  const steps = STEPS.map((s) => ({ ...s, done: stepDone(progress, s.key) }));
  const nextStep = steps.find((s) => !s.done);
  const started = steps.some((s) => s.done);
  return renderPage(
    c,
    // "Home" is the member's home timeline (/stream); this page is where to start.
    { title: 'Start here', heading: started ? `Start here, ${viewer.displayName}` : `Welcome, ${viewer.displayName}` },
    <>
      {setup ? <SetupChecklist c={c} items={setup} /> : null}
      <section class="welcome-card" aria-labelledby="getting-started">
        <h2 id="getting-started">{nextStep ? 'Your first ten minutes' : 'Your network is on its way'}</h2>
        <p>
          {nextStep
            ? `${steps.filter((s) => s.done).length} of ${steps.length} done. Each step takes a minute or two; skip any of them.`
            : 'You did every step. Home shows what your network shares; come back for twenty minutes a day.'}
        </p>
        <StepsChecklist progress={progress} />
        <p class="actions">
          {nextStep ? (
            <a class="button" href={nextStep.path}>
              {started ? `Continue: ${nextStep.title.toLowerCase()}` : 'Start'}
            </a>
          ) : (
            <a class="button" href="/stream">
              Go to Home
            </a>
          )}
        </p>
      </section>
      <StagesIntro />
    </>,
  );
}

/** The administrator's setup of a new server, with the public address warning first when it is missing. */
function SetupChecklist({ c, items }: { c: AppContext; items: SetupItem[] }) {
  const left = items.filter((i) => !i.done).length;
  if (left === 0) return null;
  return (
    <section class="welcome-card" aria-labelledby="setup-title">
      <h2 id="setup-title">Set up {c.var.site.siteName}</h2>
      <BaseUrlWarning c={c} />
      <p>
        {left} of {items.length} left. As an administrator, you decide what this server is for and who can join.
      </p>
      <ul class="checklist">
        {items.map((i) => (
          <li class={i.done ? 'done' : undefined}>
            <a href={i.href}>
              <strong>{i.title}</strong>
            </a>
            <span class="meta">{i.text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function StagesIntro() {
  return (
    <section aria-labelledby="stages-title">
      <h2 id="stages-title">How a learning network grows</h2>
      <ol class="stages">
        <li>
          <h3>Consumption</h3>
          <p>Follow blogs, journals and people. Lurking is how everyone starts.</p>
        </li>
        <li>
          <h3>Connection</h3>
          <p>Reply, follow back, join a hashtag chat. Find the others who do what you do.</p>
        </li>
        <li>
          <h3>Creation</h3>
          <p>Curate what you learn, remix ideas, write about your practice.</p>
        </li>
        <li>
          <h3>Contribution</h3>
          <p>Share, host a chat, welcome newcomers: give back to the network.</p>
        </li>
      </ol>
    </section>
  );
}
