// Commonroom's service worker (served at /sw.js by web/shell.tsx, which puts the asset version
// and the list of files to keep before this text). It keeps only the static assets and the
// offline page. Pages are always asked of the network, never stored: a private page (a timeline,
// settings) must not outlive the session, nor be shown to the next person on a shared device.
// Without network, a page shows /offline instead. The API and live streams are left alone.
const CACHE = `commonroom-${self.CR_VERSION}`;
const OFFLINE = '/offline';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(self.CR_PRECACHE.map((url) => new Request(url, { credentials: 'omit' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name.startsWith('commonroom-') && name !== CACHE).map((name) => caches.delete(name))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // Network first, and nothing stored: the cache only answers when the network fails.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE, { ignoreSearch: true })));
    return;
  }
  if (self.CR_PRECACHE.includes(url.pathname + url.search)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
