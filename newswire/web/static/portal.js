// The portal's live wire: new stories arrive through an EventSource on the
// subscriber's stream (authenticated by the session cookie) and are added to the
// top of the list without a reload. Text is set with textContent, never as HTML.
(function () {
  "use strict";
  var list = document.getElementById("wire");
  var status = document.getElementById("live-status");
  if (!list || !window.EventSource) {
    if (status) status.textContent = "Live updates need JavaScript and EventSource; reload to see new stories.";
    return;
  }
  var base = list.getAttribute("data-base");

  function text(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = value;
    return el;
  }

  function headline(item) {
    var h = item.headlines || [];
    for (var i = 0; i < h.length; i++) if (h[i].role === "main") return h[i].value;
    if (h.length) return h[0].value;
    if (item.title) return item.title;
    return item.uri;
  }

  function when(value) {
    if (!value) return "";
    var d = new Date(value);
    return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function row(kind, item, seq) {
    var li = document.createElement("li");
    li.className = "story fresh";
    li.setAttribute("data-uri", item.uri);
    li.setAttribute("data-seq", seq);
    var urgent = item.urgency && item.urgency <= 2;
    li.appendChild(text("span", "when", when(item.versionCreated)));
    if (kind === "kill") {
      li.classList.add("killed");
      li.appendChild(text("span", "badge kill", "KILLED"));
    }
    if (kind === "correction") {
      li.classList.add("corrected");
      li.appendChild(text("span", "badge correction", "Correction"));
    }
    if (kind === "update") li.appendChild(text("span", "badge update", "Update"));
    if (urgent) {
      li.classList.add("flash");
      li.appendChild(text("span", "badge urgency", item.urgency === 1 ? "FLASH" : "URGENT"));
    }
    var link = text("a", "headline", headline(item));
    link.href = base + encodeURIComponent(item.uri);
    li.appendChild(link);
    if (kind === "kill" && item.edNote) li.appendChild(text("span", "note", item.edNote));
    var meta = [item.language, item.type !== "text" ? item.type : "", item.representationType === "partial" && kind !== "kill" ? "summary" : ""];
    li.appendChild(text("span", "meta", meta.filter(Boolean).join(" · ")));
    return li;
  }

  function show(kind, event) {
    var item;
    try { item = JSON.parse(event.data); } catch (e) { return; }
    if (!item || !item.uri) return;
    var old = list.querySelectorAll("li.story");
    for (var i = 0; i < old.length; i++) {
      if (old[i].getAttribute("data-uri") === item.uri) old[i].remove();
    }
    list.insertBefore(row(kind, item, event.lastEventId), list.firstChild);
    var empty = document.getElementById("empty");
    if (empty) empty.remove();
  }

  var source = new EventSource(list.getAttribute("data-stream"));
  ["publish", "update", "correction", "release", "kill"].forEach(function (kind) {
    source.addEventListener(kind, function (event) { show(kind, event); });
  });
  source.onopen = function () { status.textContent = "Live: new stories appear at the top."; status.className = "live on"; };
  source.onerror = function () { status.textContent = "Reconnecting to the live wire…"; status.className = "live off"; };
})();
