// A support thread's live updates: ask every few seconds whether the thread changed
// (If-None-Match with the thread's revision); the server answers 304 with no body while
// nothing did, or the thread's HTML with its new ETag. Paused while the tab is hidden.
// Without this script, reloading the page shows everything.
(function () {
  "use strict";
  var live = document.getElementById("live-thread");
  if (!live || !window.fetch) {
    return;
  }
  var url = live.getAttribute("data-poll-url");
  var etag = live.getAttribute("data-etag") || "";
  var every = (parseInt(live.getAttribute("data-poll-seconds"), 10) || 4) * 1000;
  var busy = false;

  function poll() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(url, {
      headers: { "If-None-Match": '"' + etag + '"', "Accept": "text/html" },
      cache: "no-store",
      credentials: "same-origin"
    }).then(function (response) {
      // A session that ended is sent to sign in: that page is not the thread.
      if (response.status !== 200 || response.redirected || !response.headers.get("ETag")) {
        return null;
      }
      var tag = response.headers.get("ETag");
      if (tag) {
        etag = tag.replace(/^W\//, "").replace(/"/g, "");
      }
      return response.text();
    }).then(function (html) {
      if (html) {
        live.innerHTML = html;
        live.setAttribute("data-etag", etag);
      }
    }).catch(function () {
      // A network hiccup: the next tick tries again.
    }).then(function () {
      busy = false;
    });
  }

  window.setInterval(poll, every);
  document.addEventListener("visibilitychange", poll);
}());
