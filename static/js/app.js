// The coach's pages: tooltips, focus and announcements after htmx swaps, and the
// forms' error summary. No inline script anywhere (the CSP forbids it): everything is here.
(function () {
  "use strict";

  // Bootstrap tooltips (hover and keyboard focus) on the violation badges, again after swaps.
  function tooltips(root) {
    if (!window.bootstrap) return;
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }

  // One polite live region (#live-region in base.html) says what a swap did. Emptied first, so
  // the same words twice ("Done: …") are announced twice.
  function announce(text) {
    var region = document.getElementById("live-region");
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function makeFocusable(el) {
    if (!el.matches("a[href], button, input, select, textarea, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    return el;
  }

  // After a swap the focused button has often been replaced, and focus would fall to <body>.
  // Focus goes to the first [data-focus-after-swap] in what was swapped in, else to the swapped
  // element itself; its data-announce (else the text of its alerts) goes to the live region.
  // An outerHTML swap of several elements settles each of them: they are handled together.
  var settled = [];
  function afterSwaps() {
    var roots = settled.filter(function (el) { return el instanceof Element && el.isConnected; });
    settled = [];
    // A part that polls itself ([data-poll], e.g. a batch's progress) never takes focus: the
    // coach may be elsewhere on the page. It only says its data-announce, once it has one.
    roots = roots.filter(function (root) {
      if (!root.matches("[data-poll]")) return true;
      announce(root.getAttribute("data-announce"));
      return false;
    });
    if (!roots.length) return;
    var target = null;
    roots.some(function (root) {
      target = root.matches("[data-focus-after-swap]") ? root : root.querySelector("[data-focus-after-swap]");
      return target !== null;
    });
    makeFocusable(target || roots[0]).focus({ preventScroll: false });
    var message = "";
    roots.some(function (root) {
      var holder = root.matches("[data-announce]") ? root : root.querySelector("[data-announce]");
      message = holder ? holder.getAttribute("data-announce") : "";
      return message !== "";
    });
    if (!message) {
      roots.forEach(function (root) {
        var alerts = root.matches(".alert") ? [root] : root.querySelectorAll(".alert");
        alerts.forEach(function (alert) { message += " " + alert.textContent; });
      });
    }
    announce(message);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!settled.length) window.setTimeout(afterSwaps, 0);
    settled.push(event.target);
    tooltips(event.target);
  });

  // The error summary of a form page (templates/_form_errors.html) takes focus on load, and
  // its links focus the field they name (a plain #anchor would only scroll to it).
  function errorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector('label[for="' + field.id + '"]');
      (label || field).scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  }

  // "Type the password again" notes (templates/_form_fields.html) are read with their field.
  function describedNotes() {
    document.querySelectorAll("[data-describes]").forEach(function (note) {
      var field = document.getElementById(note.getAttribute("data-describes"));
      if (!field) return;
      var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (ids.indexOf(note.id) === -1) ids.push(note.id);
      field.setAttribute("aria-describedby", ids.join(" "));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tooltips(document);
    describedNotes();
    errorSummary();
  });
})();
