// Ironstride's service worker, served at /sw.js so it may control every page. It keeps what an
// athlete needs in a basement gym: the phone pages (network first, the last copy when offline)
// and their CSS/JS (from the cache). Sets are not queued here but by the page itself in
// IndexedDB, so they survive a closed tab whether or not this worker is running.
const VERSION = "{{ version }}";
const STATIC_CACHE = "ironstride-static-" + VERSION;
const PAGES_CACHE = "ironstride-pages";
const PRECACHE = {{ precache|safe }};
const START_PAGES = {{ start_pages|safe }};
const PAGE_PREFIX = {{ page_prefix|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      // Today, so the gym's first offline reload has somewhere to land; best effort, as the
      // worker may install before anyone is logged in.
      .then(() => Promise.all(START_PAGES.map((url) => savePage(url).catch(() => undefined))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names
          .filter((name) => name.startsWith("ironstride-static-") && name !== STATIC_CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

async function savePage(request) {
  const cache = await caches.open(PAGES_CACHE);
  const response = await fetch(request);
  // Only a real page: never a login redirect or an error in place of the session.
  if (response.ok && !response.redirected) {
    await cache.put(request, response.clone());
  }
  return response;
}

function offlinePage() {
  return new Response(
    "<!doctype html><meta name=viewport content='width=device-width'><title>Offline</title>" +
    "<p style='font:16px sans-serif;padding:1rem'>You are offline and this page was not saved " +
    "on this phone. Open Today once you are back online.</p>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

async function networkFirst(request) {
  try {
    return await savePage(request);
  } catch (error) {
    const cache = await caches.open(PAGES_CACHE);
    return (await cache.match(request, { ignoreSearch: true, ignoreVary: true })) || offlinePage();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // sets go straight to the server
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(PAGE_PREFIX)) {
    event.respondWith(networkFirst(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
