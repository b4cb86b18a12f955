// Caulk Lab's service worker: after one visit the page, its lessons, baked results and a CPU
// run work with the network off. scripts/build-web.sh fills in VERSION (a hash of the content
// of every file of the build) and FILES (every file of the build, relative to this worker).
//
// One cache per build, caulk-<VERSION>, filled whole at install: a page is served by one
// build's files only, so new JavaScript never meets an old wasm. A new build's worker waits
// (no skipWaiting) until no page of the old build is open, or until a page asks it to take
// over ('activate', sent when the user chooses to reload into the new build), then deletes
// the old caches. The scripts and the wasm also carry content-hashed names
// (scripts/web-assets.py), so the HTTP cache cannot mix builds either. Same-origin GETs of the build's files come from the cache (the query string
// ignored); anything else goes to the network, falling back to the cache when offline.

const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `caulk-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })))));
});

self.addEventListener('message', (event) => {
  if (event.data === 'activate') self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('caulk-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The build file a request asks for (relative to the worker's folder), or null. */
function buildFile(request) {
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  const rel = url.pathname.slice(scope.pathname.length) || 'index.html';
  return FILES.includes(rel) ? rel : null;
}

self.addEventListener('fetch', (event) => {
  const file = buildFile(event.request);
  if (file) {
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(file).then((hit) => hit ?? fetch(event.request))),
    );
    return;
  }
  if (event.request.method !== 'GET') return;
  event.respondWith(fetch(event.request).catch(() => caches.match(event.request).then((hit) => hit ?? Response.error())));
});
