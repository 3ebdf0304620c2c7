// Service worker: keeps the pages a reader visited, the assets and the
// calculator's engine readable offline. Not bundled: the generator
// (generator/offline) writes it to the site root as /sw.js, after a first line
// that sets self.PG = {version, precache, offline}:
//   version   content hash of the build: the cache name, so a new build
//             replaces the old cache (its visited pages are fetched afresh);
//   precache  paths under the site root stored at install (assets, engine,
//             calculator page, offline page, open data);
//   offline   the page shown for pages not saved, e.g. "offline/".
// HTML and /data/ are network-first (never stale when online), with the saved
// copy as fallback; hashed files (assets/) are cache-first; the search index
// is not handled (network and HTTP cache only: search needs the network).
/* global self, caches, fetch, Response, Request, URL */
(function () {
  "use strict";
  var PG = self.PG;
  var SCOPE = self.registration.scope; // ends with "/"
  var PREFIX = "policyguide|" + SCOPE + "|";
  var CACHE = PREFIX + PG.version;
  var MAX_REFRESH = 200; // visited pages carried over to a new build

  function inScope(u) { return u.indexOf(SCOPE) === 0; }
  function rel(u) { return u.slice(SCOPE.length); }
  function hashed(path) { return /^assets\//.test(path); }
  function isIndex(path) { return /^search\/[^\/]+\.(json|bin)$/.test(path); }
  function isPage(path) {
    return !/^(assets|data)\//.test(path) && !isIndex(path) && (path === "" || /\/$/.test(path) || /\.html$/.test(path));
  }
  function key(u) { // pages are saved without their query (?q=…)
    var x = new URL(u);
    x.search = "";
    x.hash = "";
    return x.href;
  }

  self.addEventListener("install", function (e) {
    e.waitUntil(caches.open(CACHE).then(function (c) {
      return Promise.all(PG.precache.map(function (p) {
        return fetch(new Request(SCOPE + p, { cache: "reload" })).then(function (r) {
          if (r.ok) return c.put(SCOPE + p, r);
        });
      }));
    }).then(function () { return self.skipWaiting(); }));
  });

  self.addEventListener("activate", function (e) {
    e.waitUntil(caches.keys().then(function (names) {
      var old = names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; });
      return Promise.all(old.map(function (n) {
        return caches.open(n).then(function (c) { return c.keys(); }).then(function (reqs) {
          // Visited pages stay available offline: fetch them afresh into the
          // new cache (never copy the old bytes: they belong to the old build).
          var pages = reqs.map(function (r) { return r.url; })
            .filter(function (u) { return inScope(u) && isPage(rel(u)); }).slice(0, MAX_REFRESH);
          return Promise.all(pages.map(save)).then(function () { return caches.delete(n); });
        });
      }));
    }).then(function () { return self.clients.claim(); }));
  });

  function save(u) {
    return fetch(new Request(u, { cache: "no-cache" })).then(function (r) {
      if (r.ok && r.type === "basic") {
        return caches.open(CACHE).then(function (c) { return c.put(key(u), r); });
      }
    }).catch(function () { /* offline: the page is simply not saved */ });
  }

  // A page asks to be saved (its first load happened before the worker ran).
  self.addEventListener("message", function (e) {
    var d = e.data || {};
    if (d.save && inScope(d.save) && isPage(rel(key(d.save)))) {
      e.waitUntil(caches.open(CACHE).then(function (c) { return c.match(key(d.save)); }).then(function (hit) {
        if (!hit) return save(d.save);
      }));
    }
  });

  self.addEventListener("fetch", function (e) {
    var req = e.request;
    if (req.method !== "GET" || !inScope(req.url)) return;
    var path = rel(key(req.url));
    // The search index is left to the network and the HTTP cache: its
    // files are many and content-hashed, and a search must not wait for the
    // worker (it may be busy storing the engine on a first visit).
    if (isIndex(path)) return;
    if (req.mode === "navigate" || isPage(path)) {
      e.respondWith(networkFirst(req, true));
    } else if (hashed(path) || PG.precache.indexOf(path) >= 0 && !/^data\//.test(path)) {
      e.respondWith(cacheFirst(req));
    } else {
      e.respondWith(networkFirst(req, false));
    }
  });

  function cacheFirst(req) {
    return caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) {
        return hit || fetch(req).then(function (r) {
          if (r.ok) c.put(req, r.clone());
          return r;
        });
      });
    });
  }

  function networkFirst(req, page) {
    return caches.open(CACHE).then(function (c) {
      return fetch(req).then(function (r) {
        if (r.ok && r.type === "basic") c.put(page ? key(req.url) : req, r.clone());
        return r;
      }).catch(function () {
        return c.match(page ? key(req.url) : req).then(function (hit) {
          if (hit) return hit;
          if (!page) return Response.error();
          return offlinePage(c);
        });
      });
    });
  }

  // The offline page, served at the address the reader asked for: a <base>
  // makes its relative links resolve as at its own address.
  function offlinePage(c) {
    var u = SCOPE + PG.offline;
    return c.match(u).then(function (hit) {
      if (!hit) return Response.error();
      return hit.text().then(function (html) {
        var base = '<base href="' + u.replace(/"/g, "%22") + '">';
        html = html.replace(/<head>/i, "<head>" + base);
        return new Response(html, {
          status: 200,
          headers: { "Content-Type": "text/html; charset=utf-8", "X-Policyguide-Offline": "1" },
        });
      });
    });
  }
})();
