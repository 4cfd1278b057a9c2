/**
 * The workers' app's service worker (scope /scan/), written to dist/scan/sw.js with VERSION and
 * SHELL prepended at build time (vite.config.ts). It keeps the app usable where there is no
 * signal (a mine, a tunnel):
 * - the app shell (page, scripts, ZXing's WebAssembly, manifest, icons) is precached on install;
 * - the JWKS, config.json and verdicts (GET of a code URI as JSON) are network-first: the
 *   server's answer when online, else the last one stored, marked with the time it was stored
 *   (x-traceseal-stored-at), so the app checks signatures with the keys it saw last, says a
 *   verdict is old, and knows the service did not answer;
 * - nothing is cached for POST (reports queue in IndexedDB inside the app instead).
 * Plain JavaScript: it runs as it is, without a build of its own.
 */
const SHELL_CACHE = `scan-shell-${VERSION}`;
const DATA_CACHE = 'scan-data';
const JWKS_PATH = '/.well-known/jwks.json';
/** The header a stored verdict carries when it is served instead of the network's. */
const STORED_AT = 'x-traceseal-stored-at';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL_CACHE);
      await shell.addAll(SHELL);
      const data = await caches.open(DATA_CACHE);
      try {
        await data.add(JWKS_PATH);
      } catch {
        // Offline at install: the app fetches the keys on its next start.
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('scan-shell-') && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

const isVerdict = (url, request) =>
  (/^\/01\/[^/]+\/10\/[^/]+\/21\/[^/]+$/.test(url.pathname) || /^\/00\/[^/]+$/.test(url.pathname)) &&
  (request.headers.get('accept') ?? '').includes('application/json');

/** The network's answer, stored for later; when the network fails, the stored one, marked as such. */
const networkFirst = async (request) => {
  const data = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      const headers = new Headers(response.headers);
      headers.set(STORED_AT, new Date().toISOString());
      const body = await response.clone().arrayBuffer();
      await data.put(request, new Response(body, { status: response.status, statusText: response.statusText, headers }));
    }
    return response;
  } catch (error) {
    const stored = (await data.match(request, { ignoreVary: true })) ?? (await caches.match(request, { ignoreVary: true }));
    if (stored === undefined) throw error;
    return stored;
  }
};

/** Precached first (the shell), else the network; a fetched asset is kept for the next offline start. */
const shellFirst = async (request) => {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached !== undefined) return cached;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).pathname.startsWith('/scan/assets/')) {
    const shell = await caches.open(SHELL_CACHE);
    await shell.put(request, response.clone());
  }
  return response;
};

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === JWKS_PATH || url.pathname === '/scan/config.json' || isVerdict(url, request)) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === 'navigate' && (url.pathname === '/scan' || url.pathname.startsWith('/scan/'))) {
    // The page is network-first (a new build shows at once), the precached one offline.
    event.respondWith(fetch(request).catch(async () => (await caches.match('/scan/index.html')) ?? Response.error()));
  } else if (url.pathname.startsWith('/scan/')) {
    event.respondWith(shellFirst(request));
  }
});
