// Searchable pickers: <select data-picker="industry|enterprise|park|unit" data-picker-url="…"> becomes a Tom Select
// (vendor/tom-select) that asks the server as the user types: name, code, full pinyin or initials
// (yuanqu/core/pickers.py). The server decides what matches and in which order (vacant units first), so the
// browser neither filters nor re-sorts. Options are built as DOM nodes with textContent: nothing is parsed as HTML.
// Without JavaScript the select stays a plain select with its server-rendered options.
(function () {
  "use strict";

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }

  function setUp(select) {
    if (select.tomselect || typeof TomSelect === "undefined") { return; }
    var data = select.dataset;
    var base = data.pickerUrl;
    // Keep only the chosen options: the rest come from the server as the user types.
    Array.prototype.slice.call(select.options).forEach(function (option) {
      if (!option.selected && option.value !== "") { option.remove(); }
    });
    var multiple = select.multiple;
    new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      sortField: [{field: "$order"}],
      score: function () { return function () { return 1; }; },
      maxOptions: null,
      preload: "focus",
      loadThrottle: 250,
      placeholder: data.pickerPlaceholder || "",
      allowEmptyOption: !multiple,
      hidePlaceholder: false,
      hideSelected: true,
      plugins: multiple ? ["remove_button"] : (select.required ? [] : ["clear_button"]),
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var self = this;
        var url = base + (base.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(query);
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.json(); })
          .then(function (answer) {
            self.clearOptions();  // keeps the chosen items; drops the previous search's options
            callback(answer.items || []);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item) {
          var el = node("div", "picker-option" + (item.disabled ? " text-secondary" : ""));
          el.appendChild(node("div", "picker-text", item.text));
          if (item.detail) { el.appendChild(node("div", "picker-detail small text-secondary", item.detail)); }
          return el;
        },
        item: function (item) { return node("div", "", item.text); },
        no_results: function () { return node("div", "no-results", data.pickerEmpty || ""); },
        loading: function () { return node("div", "spinner-border spinner-border-sm m-2"); },
      },
    });
  }

  function setUpAll(root) {
    root.querySelectorAll("select[data-picker]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUpAll(event.target); });
})();
