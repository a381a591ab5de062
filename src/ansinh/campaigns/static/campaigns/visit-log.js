/* AnSinh visit log: keeps each visit in localStorage with a UUID made on the phone and sends
 * the queue whenever the signal is there. The server merges a visit it already has (same
 * UUID), so a re-send after a dropped answer never counts twice. No dependencies.
 *
 * Offline for a day (decision 0021, item 3): the page itself may be the phone's copy (the
 * service worker, /sw.js); the queue is the logged-in user's own (its key names the user,
 * so a shared phone never sends one user's visits under another's login); a person is found
 * in the day's list kept on the phone when there is no signal; and a copy's old CSRF token is
 * replaced by a fresh one when the server refuses it. */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var USER = document.body.getAttribute("data-user") || "";
  var LEGACY_KEY = "ansinh.visits.queue";
  var KEY = LEGACY_KEY + "." + USER;
  // visits the server refused when they arrived (hours after they were logged, perhaps): kept
  // on the phone with the reasons until the member has looked at them
  var REFUSED_KEY = "ansinh.visits.refused." + USER;
  var MEMBER_KEY = "ansinh.visits.member." + form.dataset.day;
  var T = JSON.parse(document.getElementById("visit-log-text").textContent);
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var $ = function (id) { return document.getElementById(id); };
  var flushing = false;
  var dayList = null;

  // a queue kept before queues were per user is the first user's to log in on this phone
  var legacy = localStorage.getItem(LEGACY_KEY);
  if (legacy && USER) {
    try {
      var adopted = JSON.parse(legacy);
      localStorage.setItem(KEY, JSON.stringify(load().concat(adopted)));
    } catch (e) { /* unreadable: dropped */ }
    localStorage.removeItem(LEGACY_KEY);
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); render(); }
  function loadRefused() {
    try { return JSON.parse(localStorage.getItem(REFUSED_KEY) || "[]"); } catch (e) { return []; }
  }
  function storeRefused(list) { localStorage.setItem(REFUSED_KEY, JSON.stringify(list)); renderRefused(); }
  function renderRefused() {
    var list = loadRefused(), box = $("refused");
    box.innerHTML = "";
    $("refused-box").hidden = !list.length;
    list.forEach(function (r) {
      var li = document.createElement("li");
      var when = new Date(r.visited_at);
      li.textContent = (isNaN(when) ? "" : when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + " ") +
        r.label + " – " + r.errors.join(" ") + " ";
      var b = document.createElement("button");
      b.type = "button"; b.className = "outline secondary"; b.textContent = T.dismiss;
      b.setAttribute("data-testid", "dismiss-refused");
      b.addEventListener("click", function () {
        storeRefused(loadRefused().filter(function (x) { return x.uuid !== r.uuid; }));
      });
      li.appendChild(b);
      box.appendChild(li);
    });
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function render() {
    $("pending").textContent = load().length;
    var online = navigator.onLine;
    $("net").textContent = online ? T.online : T.offline;
    $("status").classList.toggle("offline", !online);
  }
  function note(text, cls) {
    var li = document.createElement("li");
    li.textContent = text; if (cls) li.className = cls;
    $("results").insertBefore(li, $("results").firstChild);
  }

  function send(item) {
    return fetch(form.dataset.syncUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(item)
    });
  }
  // A page shown from the phone's copy carries the token of the day it was saved; after a
  // new login that token is refused (Django's CSRF page, 403 and HTML): fetch a fresh one.
  function freshToken() {
    return fetch(form.dataset.tokenUrl, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (body) { csrf = body.token; });
  }

  function flush() {
    if (flushing || !navigator.onLine) { render(); return Promise.resolve(); }
    var queue = load();
    if (!queue.length) { render(); return Promise.resolve(); }
    flushing = true;
    var item = queue[0];
    return send(item).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (resp.status === 403 && type.indexOf("json") < 0) {
        return freshToken().then(function () { return send(item); });
      }
      return resp;
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (resp.type === "opaqueredirect") { note(T.login, "refused"); throw new Error("login"); }
      if (type.indexOf("json") < 0) throw new Error("later");
      return resp.json().then(function (body) {
        store(load().filter(function (x) { return x.uuid !== item.uuid; }));
        var label = (item._label || "") + " – ";
        if (body.status === "refused") {
          note(label + body.errors.join(" "), "refused");
          storeRefused(loadRefused().concat([{
            uuid: item.uuid, label: item._label || "?", visited_at: item.visited_at, errors: body.errors
          }]));
        }
        else note(label + body.message, body.status);
      });
    }).then(function () { flushing = false; return flush(); },
            function () { flushing = false; render(); });
  }

  function pickPerson(p) {
    $("person").value = p.id;
    $("person").dataset.quote = p.quote;
    $("picked").hidden = false;
    $("picked").textContent = p.name + " (" + p.born + ") " + p.hamlet;
    $("met_name").value = p.name;
    $("people").innerHTML = "";
    quote();
  }
  function fold(text) {
    return (text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim().toLowerCase();
  }
  function showPeople(people) {
    var box = $("people"); box.innerHTML = "";
    people.forEach(function (p) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "outline";
      b.setAttribute("data-testid", "person-choice");
      b.textContent = p.name + " · " + p.born + " · " + p.hamlet;
      b.addEventListener("click", function () { pickPerson(p); });
      box.appendChild(b);
    });
  }
  // the day's list: from the server with signal, from the phone's copy without (the worker)
  function loadDayList() {
    return fetch(form.dataset.dayListUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { dayList = data.people; })
      .catch(function () {});
  }
  function findInDayList(q) {
    var words = fold(q).split(" ");
    var hits = (dayList || []).filter(function (p) {
      return words.every(function (w) { return p.folded.indexOf(w) >= 0; });
    });
    showPeople(hits.slice(0, 10));
    var hint = document.createElement("small");
    hint.className = "muted"; hint.textContent = T.findOffline;
    $("people").insertBefore(hint, $("people").firstChild);
  }
  var findTimer;
  $("find").addEventListener("input", function () {
    clearTimeout(findTimer);
    var q = this.value;
    findTimer = setTimeout(function () {
      if (q.length < 2) return;
      if (!navigator.onLine) { findInDayList(q); return; }
      fetch(form.dataset.peopleUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { showPeople(data.people); })
        .catch(function () { findInDayList(q); });
    }, 250);
  });

  function quote() {
    var url = $("person").dataset.quote;
    if (!url || $("vsi-box").hidden) return;
    if (!navigator.onLine) { $("live-quote").textContent = T.quoteOffline; return; }
    var q = "?income=" + encodeURIComponent($("income").value) + "&method=" + encodeURIComponent($("method").value);
    fetch(url + q, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var holder = document.createElement("div"); holder.innerHTML = html;
      var fresh = holder.querySelector("#live-quote");
      if (fresh) $("live-quote").replaceWith(fresh);
    }).catch(function () {});
  }
  function toggles() {
    var outcome = (form.querySelector("[name=outcome]:checked") || {}).value;
    $("reason-box").hidden = outcome !== "refused";
    $("enrol-box").hidden = outcome !== "enrolled";
    $("vsi-box").hidden = outcome !== "enrolled" || !$("enrol_vsi").checked;
    quote();
  }
  form.addEventListener("change", function (e) {
    if (e.target.name === "outcome" || e.target.id === "enrol_vsi" || e.target.id === "method") toggles();
    if (e.target.name === "member") localStorage.setItem(MEMBER_KEY, e.target.value);
  });
  $("income").addEventListener("input", function () { clearTimeout(findTimer); findTimer = setTimeout(quote, 300); });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = {};
    new FormData(form).forEach(function (value, key) { if (key !== "csrfmiddlewaretoken") data[key] = value; });
    data.uuid = uuid();
    data.day = form.dataset.day;
    data.visited_at = new Date().toISOString();
    data._label = data.met_name || "?";
    var queue = load(); queue.push(data); store(queue);
    if (!navigator.onLine) note(data._label + " – " + T.queued, "queued");
    var member = form.member.value;
    form.reset(); form.member.value = member;
    $("person").value = ""; delete $("person").dataset.quote; $("picked").hidden = true;
    toggles();
    flush();
  });

  var saved = localStorage.getItem(MEMBER_KEY);
  if (saved && form.querySelector("[name=member] option[value='" + saved + "']")) form.member.value = saved;
  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  setInterval(flush, 5000);
  toggles();
  renderRefused();
  loadDayList();
  flush();
  window.ansinhVisitQueue = { flush: flush, pending: function () { return load().length; } };
})();
