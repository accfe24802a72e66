// web/sw.js - offline support. After one visit, every file of the app is in a
// cache named after the build (scripts/build-web.sh replaces __NETFORGE_BUILD__ with
// a hash of the site), so the site opens with the network off, and a new build
// replaces the old copy: install caches the new files, activate drops old caches.
'use strict';
const BUILD = '__NETFORGE_BUILD__';
const CACHE = `netforge-${BUILD}`;
const SHELL = [
  './', 'index.html', 'host.js', 'share.js', 'autosave.js', 'run.js', 'imagenet_labels.txt', 'netforge.js', 'netforge.wasm', 'sample.onnx',
  'manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: 'reload' skips the HTTP cache, so a new build never stores stale files.
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('netforge-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// Cache first for the app's own files (the query string is ignored: ?sample=0 is
// the same page); anything else goes to the network as usual.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const key = request.mode === 'navigate' ? 'index.html' : request;
    const hit = await cache.match(key, { ignoreSearch: true });
    return hit || fetch(request);
  })());
});
