// Default theme script. Loaded in <head> without defer so the saved
// large-text / high-contrast mode is applied before the first paint (no
// flash); everything that touches the page waits for DOMContentLoaded.
// The site is fully readable without it: the mode button stays hidden.
import "./livereload.js"; // serve's live reload (also served alone by serve for its error page)

(function () {
  "use strict";
  var root = document.documentElement;
  // The site root, from this script's own URL (<root>/assets/main-HASH.js):
  // the site may live under a path of its host.
  var script = document.currentScript;
  var siteRoot = script && script.src ? script.src.replace(/assets\/[^\/]*$/, "") : "";
  var KEY = "policyguide-mode";
  var LARGE = "mode-large";

  function saved() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null; // storage disabled (private mode, policy): default mode
    }
  }
  function save(v) {
    try {
      if (v) window.localStorage.setItem(KEY, v);
      else window.localStorage.removeItem(KEY);
    } catch (e) {
      /* the mode still applies to this page */
    }
  }

  if (saved() === "large") root.classList.add(LARGE);

  function setupModeToggle() {
    var btn = document.getElementById("mode-toggle");
    if (!btn) return;
    function sync() {
      btn.setAttribute("aria-pressed", root.classList.contains(LARGE) ? "true" : "false");
    }
    btn.addEventListener("click", function () {
      var on = !root.classList.contains(LARGE);
      root.classList.toggle(LARGE, on);
      save(on ? "large" : "");
      sync();
    });
    // Another tab switched the mode.
    window.addEventListener("storage", function (e) {
      if (e.key !== KEY) return;
      root.classList.toggle(LARGE, e.newValue === "large");
      sync();
    });
    sync();
    btn.hidden = false;
  }

  // Offline: register the service worker (sw.js at the site root, written
  // by the generator). Not under `serve` (live reload): a preview must never
  // show saved pages. The page that registered it was loaded before the
  // worker ran, so it asks the worker to save it.
  function setupOffline() {
    if (!siteRoot || root.dataset.livereload || !("serviceWorker" in navigator)) return;
    var sw = navigator.serviceWorker;
    sw.register(siteRoot + "sw.js", { scope: siteRoot, updateViaCache: "none" }).then(function () {
      return sw.ready;
    }).then(function (reg) {
      if (!sw.controller && reg.active) reg.active.postMessage({ save: window.location.href });
    }).catch(function () {
      /* no offline support (private mode, file://): the site works online */
    });
    listSaved();
  }

  // On the offline page: list the pages this browser has saved.
  function listSaved() {
    var list = document.getElementById("offline-list");
    var empty = document.getElementById("offline-empty");
    if (!list || !window.caches) return;
    var prefix = "policyguide|" + siteRoot + "|";
    var skip = /\/(assets|data)\/|\/offline\/$|\.(js|css|json|wasm|bin|ico|xml|txt)$/;
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(prefix) === 0; }).map(function (n) {
        return caches.open(n).then(function (c) {
          return c.keys().then(function (reqs) {
            return Promise.all(reqs.filter(function (r) {
              return r.url.indexOf(siteRoot) === 0 && !skip.test(r.url.slice(siteRoot.length - 1));
            }).map(function (r) {
              return c.match(r).then(function (res) { return res.text(); }).then(function (html) {
                var t = new DOMParser().parseFromString(html, "text/html").title;
                return { url: r.url, title: t || r.url };
              });
            }));
          });
        });
      }));
    }).then(function (lists) {
      var seen = {}, pages = [];
      lists.forEach(function (l) {
        l.forEach(function (p) {
          if (!seen[p.url]) { seen[p.url] = true; pages.push(p); }
        });
      });
      pages.sort(function (a, b) { return a.url < b.url ? -1 : a.url > b.url ? 1 : 0; });
      pages.forEach(function (p) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = p.url;
        a.textContent = p.title;
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = pages.length === 0;
      if (empty) empty.textContent = pages.length ? "共 " + pages.length + " 个页面：" : "这个浏览器还没有保存任何页面。";
    }).catch(function () {
      if (empty) empty.textContent = "无法读取已保存的页面。";
    });
  }

  function ready() {
    setupModeToggle();
    setupOffline();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

// 政策文件库: filter the table by year and status. Without JavaScript the
// form stays hidden and the whole table shows.
(function () {
  "use strict";
  function setup() {
    var form = document.querySelector("form[data-doc-filter]");
    if (!form) return;
    form.hidden = false;
    function apply() {
      var year = form.elements.year.value, status = form.elements.status.value;
      document.querySelectorAll("table.doc-list tbody[data-year]").forEach(function (tb) {
        var shown = 0;
        tb.querySelectorAll("tr[data-status]").forEach(function (tr) {
          var ok = (!year || tb.dataset.year === year) && (!status || tr.dataset.status === status);
          tr.hidden = !ok;
          if (ok) shown++;
        });
        tb.hidden = shown === 0;
      });
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
