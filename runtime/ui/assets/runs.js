// Follows the runs in progress listed in the runs table: polls each one's
// /api/runs/{id}; once one is recorded (the API then answers with the
// run's summary, which has no list of stages) the page reloads, unless
// runs are ticked for comparison, when only that row's status changes.
(function () {
  "use strict";
  var rows = document.querySelectorAll("#runs tbody tr[data-run]");
  var live = [];
  rows.forEach(function (row) {
    if (row.querySelector("td.status-running")) { live.push(row); }
  });
  if (live.length === 0) { return; }
  function ticked() {
    return document.querySelector('#runs input[name="runs"]:checked') !== null;
  }
  function poll(row) {
    var id = row.getAttribute("data-run");
    fetch("/api/runs/" + encodeURIComponent(id), { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (Array.isArray(s.stages)) {
          window.setTimeout(function () { poll(row); }, 2000);
          return;
        }
        if (!ticked()) {
          window.location.reload();
          return;
        }
        var cell = row.querySelector("td.status-running");
        if (cell && s.status) {
          cell.textContent = s.status;
          cell.className = "status-" + s.status;
        }
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, 4000); });
  }
  live.forEach(poll);
})();
