/* Behaviour the templates ask for with data attributes, so that no template carries an inline script or event
   handler (the Content-Security-Policy runs scripts from this site's static files only):
   - data-autosubmit on a select or input: a change submits its form (the period and filter pickers);
   - data-confirm="…" on a form (asked on submit) or on a submit button (asked on click): the user confirms first;
   - data-check-all="NAME" on a checkbox ticks or clears every checkbox marked data-check="NAME" (a list's "this
     page"); data-check-count="NAME" shows how many are ticked, or data-total of a ticked data-check-every="NAME"
     checkbox ("all matching the filters");
   - the side menu's groups (#main-nav .nav-group): the ones the user folded stay folded on the next page (kept in
     localStorage), except the group of the page itself.
   htmx is configured in base.html's <meta name="htmx-config">: it evaluates nothing and adds no inline style. */
(function () {
  "use strict";

  document.addEventListener("change", function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest("[data-autosubmit]") : null;
    if (el && el.form) el.form.submit();
  });

  function boxes(name) {
    return document.querySelectorAll('input[type="checkbox"][data-check="' + name + '"]');
  }
  function recount(name) {
    var every = document.querySelector('input[data-check-every="' + name + '"]');
    var n = 0;
    boxes(name).forEach(function (box) { if (box.checked) n += 1; });
    if (every && every.checked) n = every.dataset.total;
    document.querySelectorAll('[data-check-count="' + name + '"]').forEach(function (el) {
      el.textContent = String(n);
    });
  }
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!el || !el.dataset) return;
    var name = el.dataset.checkAll || el.dataset.check || el.dataset.checkEvery;
    if (!name) return;
    if (el.dataset.checkAll) boxes(name).forEach(function (box) { box.checked = el.checked; });
    recount(name);
  });
  document.addEventListener("DOMContentLoaded", function () {
    // A page restored by the browser keeps its ticks: count them.
    document.querySelectorAll("[data-check-count]").forEach(function (el) { recount(el.dataset.checkCount); });
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target && ev.target.closest ? ev.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) ev.preventDefault();
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) ev.preventDefault();
  }, true);

  var FOLDED = "yuanqu.nav.folded";
  function folded() {
    try { return JSON.parse(window.localStorage.getItem(FOLDED) || "[]"); } catch (e) { return []; }
  }
  function remember(key, isFolded) {
    var keys = folded().filter(function (k) { return k !== key; });
    if (isFolded) keys.push(key);
    try { window.localStorage.setItem(FOLDED, JSON.stringify(keys)); } catch (e) { /* private mode: forget */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var keys = folded();
    document.querySelectorAll("#main-nav .nav-group").forEach(function (group) {
      var list = group.querySelector(".nav-group-items");
      var toggle = group.querySelector(".nav-group-toggle");
      if (!list || !toggle) return;
      if (keys.indexOf(group.dataset.group) >= 0 && !group.classList.contains("nav-group-current")) {
        list.classList.remove("show");
        toggle.classList.add("collapsed");
        toggle.setAttribute("aria-expanded", "false");
      }
      list.addEventListener("hidden.bs.collapse", function () { remember(group.dataset.group, true); });
      list.addEventListener("shown.bs.collapse", function () { remember(group.dataset.group, false); });
    });
  });
})();
