// Polls a run in progress and updates its stage graph and stage table;
// reloads the page once the run has a manifest (the API then answers with
// the run's summary, which has no list of stages).
(function () {
  "use strict";
  var table = document.getElementById("stages");
  if (!table) { return; }
  var id = table.getAttribute("data-run");
  var note = document.getElementById("live");
  function update(st) {
    var sel = '[data-stage="' + CSS.escape(st.name) + '"]';
    var row = table.querySelector("tr" + sel);
    if (row) {
      var cell = row.querySelector("td.status");
      cell.textContent = st.status;
      cell.className = "status status-" + st.status;
    }
    var node = document.querySelector("svg.dag g" + sel);
    if (node) {
      node.setAttribute("class", "node status-" + st.status);
      var sub = node.querySelector("text.sub");
      if (sub) { sub.textContent = st.kind + " · " + st.status; }
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
