// Live reload for `serve`, in one place: bundled into main.js for every page,
// and served alone by serve (/__livereload.js) for its "build failed" page.
// The page's <html data-livereload="/__livereload"> names an EventSource
// endpoint that sends "reload" after a good rebuild and "error:<text>" after
// a failed one. The error text is shown as text, never parsed as HTML.
// Pages built without serve have no data-livereload: nothing happens.
(function () {
  "use strict";
  var root = document.documentElement;
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupLiveReload);
  } else {
    setupLiveReload();
  }
})();
