// The week board: drag a session card onto another day to move it there, at the same clock
// time. A drop only fills in the card's own "Move to…" form and submits it, so a drag and the
// keyboard path are one request (htmx swaps #week-body with the week judged again) and go
// through the same checks on the server. Listeners sit on the document, so they keep working
// after every swap.
(function () {
  "use strict";

  var dragged = null;

  function cardOf(target) {
    return target && target.closest ? target.closest(".board-card[draggable='true']") : null;
  }

  function columnOf(target) {
    return target && target.closest ? target.closest(".board .board-day[data-day]") : null;
  }

  function clearTargets() {
    document.querySelectorAll(".board-day.drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = cardOf(event.target);
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.session);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("drop-target")) {
      clearTargets();
      column.classList.add("drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!column) return;
    event.preventDefault();
    var key = event.dataTransfer.getData("text/plain") || (dragged && dragged.dataset.session);
    clearTargets();
    var form = key ? document.getElementById("move-" + key) : null;
    if (!form) return;
    var day = form.querySelector("select[name='day']");
    if (!day || day.value === column.dataset.day) return; // dropped where it was
    day.value = column.dataset.day;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });
})();
