// Polls a run in progress and updates its stage graph and stage table;
// reloads the page once the run has a manifest (the API then answers with
// the run's summary, which has no list of stages).
(function () {
  "use strict";
  var table = document.getElementById("stages");
  if (!table) { return; }
  var id = table.getAttribute("data-run");
  var note = document.getElementById("live");
  // took writes a duration as the server does (records.FormatDuration).
  function took(ms) {
    if (ms < 1000) { return ms + "ms"; }
    if (ms < 60000) { return (ms / 1000).toFixed(1) + "s"; }
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s";
  }
  // metric writes a number with six significant digits, as the server does.
  function metric(v) {
    if (typeof v !== "number" || (Number.isInteger(v) && Math.abs(v) < 1e15)) { return String(v); }
    return String(Number(v.toPrecision(6)));
  }
  function fill(cell, lines) {
    cell.textContent = "";
    lines.forEach(function (line) {
      cell.appendChild(document.createTextNode(line));
      cell.appendChild(document.createElement("br"));
    });
  }
  function update(st) {
    var sel = '[data-stage="' + CSS.escape(st.name) + '"]';
    var row = table.querySelector("tr" + sel);
    // A running stage's progress, as it reports it: "running · 120/600 steps".
    var text = st.status;
    if (st.status === "running" && st.unit) {
      text += " · " + (st.done || 0) + (st.total ? "/" + st.total : "") + " " + st.unit;
    }
    if (row) {
      var cell = row.querySelector("td.status");
      cell.textContent = text;
      cell.className = "status status-" + st.status;
      if (st.duration_ms) { row.querySelector("td.took").textContent = took(st.duration_ms); }
      if (st.metrics) {
        fill(row.querySelector("td.metrics"), Object.keys(st.metrics).sort().map(function (k) {
          return k + " = " + metric(st.metrics[k]);
        }));
      }
      var log = row.querySelector("td.log");
      if (st.status !== "pending" && !log.querySelector("a")) {
        var a = document.createElement("a");
        a.href = "/runs/" + encodeURIComponent(id) + "/logs/" + encodeURIComponent(st.name);
        a.textContent = "log";
        log.appendChild(a);
      }
    }
    var node = document.querySelector("svg.dag g" + sel);
    if (node) {
      node.setAttribute("class", "node status-" + st.status);
      var sub = node.querySelector("text.sub");
      if (sub) {
        var state = st.status === "running" && st.total ? Math.floor(100 * (st.done || 0) / st.total) + "%" : st.status;
        sub.textContent = st.kind + " · " + state;
      }
    }
  }
  function tick() {
    fetch("/api/runs/" + encodeURIComponent(id), { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (!Array.isArray(s.stages)) {
          window.location.reload();
          return;
        }
        s.stages.forEach(update);
        if (note) { note.textContent = "live · updated " + new Date().toLocaleTimeString(); }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 2000); });
  }
  tick();
})();
