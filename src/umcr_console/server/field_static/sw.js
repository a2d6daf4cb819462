// The field page's service worker (issue 24): keeps the page's own files so the
// page opens with no signal. It never touches /api/: answers hold personal data
// and must not be stored; what the team does offline is queued by the page
// itself (IndexedDB, field.js) and sent when the signal returns.
"use strict";
const CACHE = "umcr-field-v1";
const SHELL = ["/field/", "/field/field.js", "/field/field.css", "/field/manifest.json"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!SHELL.includes(url.pathname)) return;
  // Network first (a new version arrives at once), the kept copy without signal.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request))
  );
});
