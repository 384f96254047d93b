/* The report form (stats/report_form.html): the 无数据 box hides the value and shows its reason; after the live
   check (htmx) swaps a row's messages, the explanation box shows where a warning asks for it. */
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var box = ev.target.closest(".no-data-box");
    if (!box) return;
    var row = box.closest("tr");
    row.querySelector(".no-data-reason").classList.toggle("d-none", !box.checked);
    var input = row.querySelector(".value-input");
    if (input) { input.disabled = box.checked; if (box.checked) input.value = ""; }
    // 无数据: nothing to derive from; the figures come back with the value's next check.
    row.querySelectorAll(".figure-period, .figure-ytd").forEach(function (el) { if (box.checked) el.textContent = "—"; });
  });
  // The live check swaps the messages only, never the explanation being typed; the explanation box shows
  // where a warning asks for it, or where something is written in it already.
  document.body.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("#entry-table .check-cell").forEach(function (cell) {
      var box = cell.querySelector(".explanation");
      var input = box && box.querySelector("input");
      if (!box) return;
      var needed = cell.querySelector(".check-warning") || box.querySelector(".invalid-feedback") || (input && input.value.trim());
      box.classList.toggle("d-none", !needed);
    });
  });
})();
