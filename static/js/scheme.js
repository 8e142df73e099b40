// Bootstrap's colour mode follows the system's scheme, as tokens.css does. Loaded blocking in
// the head (not deferred like app.js), so the page is drawn in its scheme from the first paint:
// no light flash for a dark system, and no colour transitions running after load (axe once read
// the buttons' colours halfway through one).
(function () {
  "use strict";
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function applyScheme() {
    document.documentElement.setAttribute("data-bs-theme", dark && dark.matches ? "dark" : "light");
  }
  applyScheme();
  if (dark && dark.addEventListener) dark.addEventListener("change", applyScheme);
})();
