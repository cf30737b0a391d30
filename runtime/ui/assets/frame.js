// Sizes the embedded report to its content, so the run page scrolls as one.
(function () {
  "use strict";
  var frame = document.getElementById("report");
  if (!frame) { return; }
  function fit() {
    var doc = frame.contentDocument;
    if (doc && doc.documentElement) {
      frame.style.height = doc.documentElement.scrollHeight + "px";
    }
  }
  frame.addEventListener("load", fit);
  window.addEventListener("resize", fit);
})();
