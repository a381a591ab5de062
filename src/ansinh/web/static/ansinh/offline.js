/* AnSinh offline copies, the page's side (decision 0021, item 3; the worker is /sw.js).
 *
 * Logged in: registers the service worker, asks it to keep this page (and the lists the page
 * names in data-offline-also) when the server marked it as a field page, and shows a banner
 * when the page is the phone's copy (the worker marks it data-served="cache"), saying when
 * it was saved. Logged out: drops every copy the phone holds, so the next user of a shared
 * phone never sees the last one's lists. The offline page lists the copies kept.
 * Texts come from <script id="offline-text" type="application/json"> (gettext, CSP-safe).
 */
(function () {
  "use strict";
  var body = document.body;
  if (!body || !("serviceWorker" in navigator) || !window.caches) return;
  var user = body.getAttribute("data-user") || "";
  var fallback = body.hasAttribute("data-offline-fallback");
  var textNode = document.getElementById("offline-text");
  var T = textNode ? JSON.parse(textNode.textContent) : {};

  function worker() {
    return navigator.serviceWorker.ready.then(function (reg) { return reg.active; });
  }
  function ask(message) {
    return worker().then(function (sw) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (e) { resolve(e.data); };
        sw.postMessage(message, [channel.port2]);
      });
    });
  }

  function banner() {
    var box = document.getElementById("offline-banner");
    if (!box || body.getAttribute("data-served") !== "cache") return;
    var text = document.getElementById("offline-banner-text");
    var reload = document.getElementById("offline-reload");
    function show() {
      var back = navigator.onLine;
      box.classList.toggle("back", back);
      text.textContent = back ? T.back : (T.cached || "").replace("{time}", body.getAttribute("data-saved-at"));
      reload.hidden = !back;
      reload.textContent = T.reload || "";
    }
    box.hidden = false;
    show();
    window.addEventListener("online", show);
    window.addEventListener("offline", show);
    reload.addEventListener("click", function (e) { e.preventDefault(); location.reload(); });
  }

  function forget() {
    // from the page as well as through the worker: the caches are the same origin's
    caches.keys().then(function (keys) {
      keys.forEach(function (k) {
        if (k.indexOf("ansinh-pages-") === 0 || k === "ansinh-meta") caches.delete(k);
      });
    });
  }

  function listSaved() {
    var list = document.getElementById("saved-pages");
    var retry = document.getElementById("offline-retry");
    if (retry) retry.addEventListener("click", function (e) { e.preventDefault(); location.reload(); });
    if (!navigator.serviceWorker.controller) { document.getElementById("no-saved-pages").hidden = false; return; }
    ask({ type: "list" }).then(function (answer) {
      var pages = (answer && answer.pages) || [];
      pages.forEach(function (p) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        // the title as the page's HTML has it (entities decoded), less the site's name
        var title = new DOMParser().parseFromString(p.title, "text/html").documentElement.textContent;
        a.href = p.url; a.textContent = title.replace(/ · AnSinh$/, "");
        li.appendChild(a);
        list.appendChild(li);
      });
      document.getElementById("no-saved-pages").hidden = pages.length > 0;
    });
  }

  if (fallback) { listSaved(); return; }
  if (!user) { forget(); return; }

  banner();
  navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/" }).then(function () {
    if (body.getAttribute("data-served") === "cache" || !body.hasAttribute("data-offline-page")) return;
    var urls = [location.href];
    document.querySelectorAll("[data-offline-also]").forEach(function (el) {
      urls.push(new URL(el.getAttribute("data-offline-also"), location.href).href);
    });
    var since = new Date(performance.timeOrigin || Date.now()).toISOString();
    return ask({ type: "save", user: user, urls: urls, since: since }).then(function (answer) {
      var at = answer && answer.saved && answer.saved[location.href];
      // the browser tests wait on this attribute before they cut the signal
      if (at) body.setAttribute("data-offline-saved", at);
    });
  }).catch(function () {});

  document.addEventListener("submit", function (e) {
    if (e.target.getAttribute("action") === "/logout/" || /\/logout\/$/.test(e.target.action || "")) forget();
  });
})();
