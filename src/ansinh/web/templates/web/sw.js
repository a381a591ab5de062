/* AnSinh's service worker (decision 0021, item 3): the field pages for a day without signal.
 *
 * - Static files of the field pages: kept when the worker installs (CONFIG.precache, pinned by
 *   CONFIG.version), answered from the phone first.
 * - Pages and lists: from the network first; an answer the server marks with the header
 *   CONFIG.header (common.offline.offline_page) is kept in the cache "ansinh-pages-<key>",
 *   the key standing for the logged-in user. Without signal the kept copy answers, marked
 *   data-served="cache" so the page shows when it was saved. Nothing else is ever kept:
 *   no POST, no answer without the header (another page, a login page, an error).
 * - One user's copies at a time: a new key drops every other user's cache; logging out (a
 *   POST to CONFIG.logout) drops them all, and so does any page seen while logged out.
 */
"use strict";
const CONFIG = {{ config }};
const STATIC_CACHE = "ansinh-static-" + CONFIG.version;
const PAGES = "ansinh-pages-";
const META = "ansinh-meta";
const META_USER = "/__ansinh/user";
// a page waits this long for a weak signal before its copy is shown (the network answer,
// when it comes, still refreshes the copy)
const PATIENCE_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then((cache) => cache.addAll(CONFIG.precache.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((k) => k.startsWith("ansinh-static-") && k !== STATIC_CACHE)
        .map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function currentUser() {
  return caches.open(META)
    .then((meta) => meta.match(META_USER))
    .then((r) => (r ? r.text() : ""));
}

function forgetAll() {
  return caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith(PAGES) || k === META).map((k) => caches.delete(k))));
}

function becomeUser(key) {
  return currentUser().then((known) => {
    if (known === key) return;
    return caches.keys()
      .then((keys) => Promise.all(keys
        .filter((k) => k.startsWith(PAGES) && k !== PAGES + key)
        .map((k) => caches.delete(k))))
      .then(() => caches.open(META))
      .then((meta) => meta.put(META_USER, new Response(key)));
  });
}

/* Keep a copy of an answer the server marked as a field page; resolves to its saved time. */
function keep(request, response) {
  const key = response.headers.get(CONFIG.header);
  if (!key || !response.ok || response.type !== "basic") return Promise.resolve(null);
  const saved = new Date().toISOString();
  return response.clone().blob().then((body) => {
    const headers = new Headers(response.headers);
    headers.set("X-AnSinh-Saved-At", saved);
    if ((headers.get("Content-Type") || "").indexOf("text/html") === 0) {
      return body.text().then((html) => {
        const m = /<title>([^<]*)<\/title>/.exec(html);
        headers.set("X-AnSinh-Title", encodeURIComponent(m ? m[1].trim() : request.url));
        return new Response(html, { status: response.status, headers: headers });
      });
    }
    return new Response(body, { status: response.status, headers: headers });
  }).then((copy) => becomeUser(key)
    .then(() => caches.open(PAGES + key))
    .then((cache) => cache.put(request.url, copy))
    .then(() => saved));
}

/* The current user's copy of a page, marked as shown from the phone (null when none). */
function fromCopy(request) {
  return currentUser().then((key) => {
    if (!key) return null;
    return caches.open(PAGES + key).then((cache) => cache.match(request.url)).then((copy) => {
      if (!copy) return null;
      if ((copy.headers.get("Content-Type") || "").indexOf("text/html") !== 0) return copy;
      return copy.text().then((html) => new Response(
        html.replace('data-served="network"', 'data-served="cache"'),
        { status: copy.status, headers: copy.headers }));
    });
  });
}

function noSignal(request) {
  if (request.mode !== "navigate") return Response.error();
  return caches.match(CONFIG.offline).then((page) => page || Response.error());
}

function networkFirst(event) {
  const request = event.request;
  let kept = Promise.resolve();
  const network = fetch(request).then((response) => {
    kept = keep(request, response).catch(() => null);
    // the answer waits for its copy, so a page that asks right after loading finds it kept
    return kept.then(() => response);
  });
  event.waitUntil(network.then(() => kept, () => null));
  const patience = new Promise((resolve) => setTimeout(resolve, PATIENCE_MS))
    .then(() => (request.mode === "navigate" ? fromCopy(request) : null))
    .then((copy) => copy || network);
  return Promise.race([network, patience])
    .catch(() => fromCopy(request).then((copy) => copy || noSignal(request)));
}

function staticFile(event) {
  const request = event.request;
  return caches.open(STATIC_CACHE).then((cache) => cache.match(request).then((hit) => {
    if (hit) return hit;
    return fetch(request).then((response) => {
      if (response.ok) cache.put(request, response.clone());
      return response;
    }).catch(() => cache.match(request).then((again) => again || Response.error()));
  }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // never kept; a logout drops every copy before the server ends the session
    if (url.pathname === CONFIG.logout) event.waitUntil(forgetAll());
    return;
  }
  if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(staticFile(event));
    return;
  }
  event.respondWith(networkFirst(event));
});

/* Messages from ansinh/offline.js:
 *   {type: "save", urls: [...], since: ISO} keep these pages unless kept since that time;
 *                                           answers {type: "saved", saved: {url: ISO}}
 *   {type: "forget"}                         drop every user's copies (a page seen logged out)
 *   {type: "list"}                           answers {type: "list", pages: [{url, title, saved}]}
 */
self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  const reply = (body) => (port ? port.postMessage(body) : event.source && event.source.postMessage(body));
  if (data.type === "forget") {
    event.waitUntil(forgetAll().then(() => reply({ type: "forgotten" })));
  } else if (data.type === "save") {
    event.waitUntil(save(data.user, data.urls || [], data.since).then((saved) => reply({ type: "saved", saved: saved })));
  } else if (data.type === "list") {
    event.waitUntil(listCopies().then((pages) => reply({ type: "list", pages: pages })));
  }
});

function save(user, urls, since) {
  const saved = {};
  return Promise.all(urls.map((url) => {
    const absolute = new URL(url, self.location.origin).href;
    return currentUser()
      .then((key) => (key && key === user ? caches.open(PAGES + key).then((c) => c.match(absolute)) : null))
      .then((copy) => {
        const at = copy && copy.headers.get("X-AnSinh-Saved-At");
        if (at && (!since || at >= since)) { saved[url] = at; return; }
        return fetch(absolute, { credentials: "same-origin" })
          .then((response) => keep(new Request(absolute), response))
          .then((at2) => { if (at2) saved[url] = at2; })
          .catch(() => null);
      });
  })).then(() => saved);
}

function listCopies() {
  return currentUser().then((key) => {
    if (!key) return [];
    return caches.open(PAGES + key).then((cache) => cache.keys().then((requests) => Promise.all(
      requests.map((r) => cache.match(r).then((copy) => ({
        url: r.url,
        title: copy.headers.get("X-AnSinh-Title"),
        saved: copy.headers.get("X-AnSinh-Saved-At"),
      }))))))
      .then((pages) => pages.filter((p) => p.title)
        .map((p) => ({ url: p.url, title: decodeURIComponent(p.title), saved: p.saved })));
  });
}
