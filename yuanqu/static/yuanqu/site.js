/* Behaviour the templates ask for with data attributes, so that no template carries an inline script or event
   handler (the Content-Security-Policy runs scripts from this site's static files only):
   - data-autosubmit on a select or input: a change submits its form (the period and filter pickers);
   - data-confirm="…" on a form (asked on submit) or on a submit button (asked on click): the user confirms first.
   htmx is configured in base.html's <meta name="htmx-config">: it evaluates nothing and adds no inline style. */
(function () {
  "use strict";

  document.addEventListener("change", function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest("[data-autosubmit]") : null;
    if (el && el.form) el.form.submit();
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target && ev.target.closest ? ev.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) ev.preventDefault();
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) ev.preventDefault();
  }, true);
})();
