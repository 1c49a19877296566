import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import type { HomeService } from '../service.ts';

/** The home page, the about page, and the places later capabilities will fill. */
export function homePages(service: HomeService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => (c.var.viewer ? memberHome(c) : visitorHome(c)));

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

function memberHome(c: AppContext) {
  const viewer = c.var.viewer!;
  return renderPage(
    c,
    // "Home" is the member's home timeline (/stream); this page is where to start.
    { title: 'Start here', heading: `Welcome back, ${viewer.displayName}` },
    <>
      <p>Your learning network grows one connection at a time. Some places to start:</p>
      <ul>
        <li>
          <a href="/people">Find peers</a> by role, passion and place.
        </li>
        <li>
          <a href="/settings/profile">Complete your profile</a> so they can find you.
        </li>
        <li>
          <a href={`/@${viewer.handle}`}>See your profile</a> as others see it.
        </li>
      </ul>
      <StagesIntro />
    </>,
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
