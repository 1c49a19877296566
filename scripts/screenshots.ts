/**
 * `npm run screenshots`: pictures of Commonroom for the README, in docs/screenshots/.
 *
 * Starts a server on a new SQLite database in a temporary folder (never the developer's data
 * nor DATABASE_URL), loads the demo community, opens a chat that is live now, signs in as a demo
 * member in Chromium (Debian's, or CHROMIUM_PATH) and saves the first screen (the viewport, not
 * the whole page) of Home, a live chat room, Explore (the directory) and My PLN, on a desktop
 * (1280×800) and a phone (390×844), light and dark: 16 PNGs, reduced to a palette to stay small.
 * Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { DEMO_PASSWORD, loadDemo } from '../src/app/demo/demo.ts';
import { startServer } from '../src/app/process.ts';
import { createServices, type Services, viewerByHandle } from '../src/app/services.ts';
import { loadConfig } from '../src/platform/config.ts';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');
const MEMBER = 'mslibrarian';
const MINUTE = 60_000;

const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} as const;

/** A one-off chat that began ten minutes ago, with two questions asked and a few answers: the live room. */
async function openLiveChat(services: Services): Promise<string> {
  const host = await viewerByHandle(services, MEMBER);
  const now = services.clock.now();
  const begun = new Date(Math.floor((now - 10 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE);
  const series = await services.chats.series.create(
    host,
    {
      hashtag: 'StorytimeSwap',
      title: 'Storytime swap',
      description: 'Picture books, songs and rhymes that work with a room full of toddlers: bring one, take three.',
      timeZone: 'UTC',
      recurrence: { freq: 'once' },
      startDate: begun.toISOString().slice(0, 10),
      time: begun.toISOString().slice(11, 16),
      durationMinutes: 60,
    },
    now - 60 * MINUTE,
  );
  const [chat] = await services.chats.occurrences.list(host, series.slug, { when: 'upcoming', now });
  if (!chat) throw new Error('the live chat was not planned');
  await services.chats.occurrences.update(host, series.slug, chat.date, { topic: 'Books that never fail at storytime' });
  for (const text of ['Which picture book never fails you?', 'A song or rhyme to settle the room?', 'How do you welcome first-timers?'])
    await services.chats.questions.add(host, series.slug, chat.date, { text });
  await services.chats.occurrences.start(host, series.slug, chat.date, chat.startsAt);
  const answers: Array<[handle: string, question: number, text: string]> = [
    ['marcus_storytime', 1, 'A1 “Press Here” by Hervé Tullet. Every single time, the whole room presses.'],
    ['anjali_reads', 1, 'A1: “We Don’t Eat Our Classmates”. The gasp at the end is worth it.'],
    ['teenservices_tova', 1, 'A1 Not storytime any more for me, but “Bark, George” was my go-to for years.'],
    ['marcus_storytime', 2, 'A2 “Open, shut them” with a whisper at the end: the room goes quiet with you.'],
    ['lis_student_maya', 2, 'A2: first time here! I have only ever watched storytimes; taking notes on all of these.'],
  ];
  let asked = 0;
  for (const [n, [handle, question, text]] of answers.entries()) {
    while (asked < question)
      await services.chats.questions.release(host, series.slug, chat.date, ++asked, chat.startsAt + (asked - 1) * 4 * MINUTE);
    const author = await viewerByHandle(services, handle);
    await services.social.posts.create(author, { text: `${text} #StorytimeSwap` }, [], { at: chat.startsAt + (n + 1) * MINUTE });
  }
  return new URL(chat.url).pathname;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-screenshots-'));
  const config = loadConfig({ file: null, env: { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  const services = await createServices(config);
  const server = await startServer(services, { jobs: false });
  const url = `http://127.0.0.1:${server.port}`;
  Object.assign(config, { baseUrl: url });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  try {
    await loadDemo(services);
    const room = await openLiveChat(services);
    const pages = [
      ['home', '/stream'],
      ['chat', room],
      ['explore', '/people'],
      ['my-pln', '/insights'],
    ] as const;
    mkdirSync(OUT, { recursive: true });
    let total = 0;
    for (const [size, options] of Object.entries(SIZES)) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({
          ...options,
          colorScheme,
          baseURL: url,
          locale: 'en-US',
          timezoneId: 'America/New_York',
        });
        // Nothing but this server: no fonts or images from elsewhere.
        await context.route(
          (u) => u.origin !== url,
          (route) => route.abort('blockedbyclient'),
        );
        const page = await context.newPage();
        await page.goto('/login');
        await page.getByLabel('Email or handle').fill(MEMBER);
        await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL((u) => u.pathname === '/');
        for (const [name, path] of pages) {
          const response = await page.goto(path);
          if (response?.status() !== 200) throw new Error(`${path} answered ${response?.status()}`);
          await page.evaluate(() => document.fonts.ready);
          const png = await sharp(await page.screenshot())
            .png({ palette: true, colours: 128, compressionLevel: 9, effort: 10 })
            .toBuffer();
          const file = `${name}-${size}-${colorScheme}.png`;
          writeFileSync(join(OUT, file), png);
          total += png.length;
          console.log(`${file.padEnd(28)} ${(png.length / 1024).toFixed(0).padStart(4)} KB`);
        }
        await context.close();
      }
    }
    console.log(`${'together'.padEnd(28)} ${(total / 1024).toFixed(0).padStart(4)} KB in docs/screenshots/`);
  } finally {
    await browser.close();
    await server.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
