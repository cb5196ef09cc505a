/* Pulse: draw the playbook's Mermaid flowcharts with the mermaid.js the app serves (no CDN).
   Each pre.mermaid gets data-drawn="true" once drawn, or "error" (and a console error). */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var blocks = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
  if (blocks.length === 0) { return; }
  function mark(value) {
    blocks.forEach(function (b) { b.setAttribute("data-drawn", value); });
  }
  if (typeof window.mermaid === "undefined") {
    mark("error");
    console.error("mermaid.js did not load from /static/vendor/mermaid.min.js");
    return;
  }
  window.mermaid.initialize({startOnLoad: false, securityLevel: "strict", flowchart: {htmlLabels: true}});
  window.mermaid.run({nodes: blocks}).then(function () {
    mark("true");
  }).catch(function (err) {
    mark("error");
    console.error("mermaid could not draw the flowchart: " + err);
  });
});
