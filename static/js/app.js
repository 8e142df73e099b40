// Bootstrap tooltips (hover and keyboard focus) on the violation badges, again after htmx swaps.
function ironstrideTooltips(root) {
  if (!window.bootstrap) return;
  root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
    window.bootstrap.Tooltip.getOrCreateInstance(el);
  });
}
document.addEventListener("DOMContentLoaded", function () { ironstrideTooltips(document); });
document.addEventListener("htmx:afterSwap", function (event) { ironstrideTooltips(event.target); });
