/* AnSinh visit log: keeps each visit in localStorage with a UUID made on the phone and sends
 * the queue whenever the signal is there. The server merges a visit it already has (same
 * UUID), so a re-send after a dropped answer never counts twice. No dependencies. */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var KEY = "ansinh.visits.queue";
  var MEMBER_KEY = "ansinh.visits.member." + form.dataset.day;
  var T = JSON.parse(document.getElementById("visit-log-text").textContent);
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var $ = function (id) { return document.getElementById(id); };
  var flushing = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); render(); }
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

  function flush() {
    if (flushing || !navigator.onLine) { render(); return Promise.resolve(); }
    var queue = load();
    if (!queue.length) { render(); return Promise.resolve(); }
    flushing = true;
    var item = queue[0];
    return fetch(form.dataset.syncUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(item)
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (resp.type === "opaqueredirect") { note(T.login, "refused"); throw new Error("login"); }
      if (type.indexOf("json") < 0) throw new Error("later");
      return resp.json().then(function (body) {
        store(load().filter(function (x) { return x.uuid !== item.uuid; }));
        var label = (item._label || "") + " – ";
        if (body.status === "refused") note(label + body.errors.join(" "), "refused");
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
  var findTimer;
  $("find").addEventListener("input", function () {
    clearTimeout(findTimer);
    var q = this.value;
    findTimer = setTimeout(function () {
      if (q.length < 2 || !navigator.onLine) return;
      fetch(form.dataset.peopleUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var box = $("people"); box.innerHTML = "";
          data.people.forEach(function (p) {
            var b = document.createElement("button");
            b.type = "button"; b.className = "outline"; b.dataset.testid = "person-choice";
            b.setAttribute("data-testid", "person-choice");
            b.textContent = p.name + " · " + p.born + " · " + p.hamlet;
            b.addEventListener("click", function () { pickPerson(p); });
            box.appendChild(b);
          });
        }).catch(function () {});
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
  flush();
  window.ansinhVisitQueue = { flush: flush, pending: function () { return load().length; } };
})();
