/* The service worker: keeps the app's files and the inspection pages for use without signal.
   Pages marked by the server (X-Offline-Cache: yes) are stored as they are opened; the JSON API is never
   cached (the page's own queue in IndexedDB handles submissions made offline). Version {{ version }}. */
const STATIC = 'safety-static-{{ version }}';
const PAGES = 'safety-pages-v1';
const ASSETS = {{ assets|tojson }};
const OFFLINE = {{ offline_url|tojson }};

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll([...ASSETS, OFFLINE])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('safety-static-') && k !== STATIC).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

async function fromNetworkThenCache(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.headers.get('X-Offline-Cache') === 'yes') {
      const cache = await caches.open(PAGES);
      await cache.put(request.url.split('#')[0], response.clone());
    }
    return response;
  } catch (offline) {
    const kept = await caches.match(request, {ignoreSearch: true, ignoreVary: true});
    return kept || (await caches.match(OFFLINE)) || Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (url.pathname.startsWith('/static/pages/')) {
    // Versioned addresses (?v=<hash>) never change; a module's own imports come without the version.
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)
      .catch(() => caches.match(request, {ignoreSearch: true}).then((kept) => kept || Response.error()))));
  } else if (request.mode === 'navigate') {
    event.respondWith(fromNetworkThenCache(request));
  }
});
