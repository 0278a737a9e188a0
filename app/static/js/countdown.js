// Keeps "Closes in …" current without a reload. The server computes the same text from its own
// clock; this only refreshes it between page loads. Not a live region, so screen readers are not
// interrupted every 30 seconds.
(function () {
  "use strict";
  function plural(n, unit) { return n + " " + unit + (n === 1 ? "" : "s"); }
  function describe(ms) {
    if (ms <= 0) { return "Bidding has closed. Reload the page for the current status."; }
    var s = Math.floor(ms / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var parts = [];
    if (d) { parts.push(plural(d, "day")); }
    if (h) { parts.push(plural(h, "hour")); }
    if (m && parts.length < 2) { parts.push(plural(m, "minute")); }
    return "Closes in " + (parts.slice(0, 2).join(", ") || "under a minute");
  }
  function tick() {
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var text = el.querySelector(".countdown-text");
      if (text) { text.textContent = describe(new Date(el.dataset.deadline) - new Date()); }
    });
  }
  tick();
  setInterval(tick, 30000);
})();
