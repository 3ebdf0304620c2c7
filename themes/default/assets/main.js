// Default theme script. Loaded in <head> without defer so the saved
// large-text / high-contrast mode is applied before the first paint (no
// flash); everything that touches the page waits for DOMContentLoaded.
// The site is fully readable without it: the mode button stays hidden.
(function () {
  "use strict";
  var root = document.documentElement;
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

  // Live reload for `serve`: the page's <html data-livereload="/__livereload">
  // names an EventSource endpoint that sends "reload" after a good rebuild and
  // "error:<text>" after a failed one. The error text is shown as text, never
  // parsed as HTML.
  function setupLiveReload() {
    var url = root.dataset.livereload;
    if (!url || !window.EventSource) return;
    var overlay = null;
    var es = new EventSource(url);
    es.onmessage = function (e) {
      var data = String(e.data);
      if (data === "reload") {
        window.location.reload();
      } else if (data.indexOf("error:") === 0) {
        showError(data.slice(6).replace(/^\s+/, ""));
      }
    };
    function showError(text) {
      if (!overlay) {
        overlay = document.createElement("div");
        overlay.className = "lr-overlay";
        overlay.setAttribute("role", "alert");
        var h = document.createElement("h2");
        h.textContent = "构建失败（修改内容后会自动重新构建）";
        overlay.appendChild(h);
        overlay.appendChild(document.createElement("pre"));
        document.body.appendChild(overlay);
      }
      overlay.querySelector("pre").textContent = text;
    }
  }

  function ready() {
    setupModeToggle();
    setupLiveReload();
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
