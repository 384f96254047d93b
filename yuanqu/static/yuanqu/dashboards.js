/* Dashboards: each .yq-chart element loads its ECharts option from its data-url (JSON), formats money
   in 万元/亿元, and opens the list behind a data item on click (every item carries its `link`). */
(function () {
  "use strict";

  /* 万元 → "55亿元" / "3,265万元", the same rules as yuanqu/core/numbers.py. */
  function money(v) {
    if (v === null || v === undefined || v === "" || isNaN(v)) return "—";
    var n = Number(v);
    if (Math.abs(Math.round(n)) >= 10000) {
      return (Math.round(n / 100) / 100).toLocaleString("zh-CN", {maximumFractionDigits: 2}) + "亿元";
    }
    if (Math.abs(n) >= 100) return Math.round(n).toLocaleString("zh-CN") + "万元";
    return (Math.round(n * 100) / 100).toLocaleString("zh-CN", {maximumFractionDigits: 2}) + "万元";
  }
  /* Axis labels stay short: 亿 / 万. */
  function moneyAxis(v) {
    var n = Number(v);
    if (Math.abs(n) >= 10000) return (Math.round(n / 100) / 100).toLocaleString("zh-CN") + "亿";
    return n.toLocaleString("zh-CN") + "万";
  }
  window.yqMoney = money;

  function decorate(payload) {
    var opt = payload.option;
    var axes = [].concat(opt.xAxis || [], opt.yAxis || []);
    axes.forEach(function (axis) {
      if (axis.type === "value" && (payload.money && !axis.name && axis.yqMoney !== false || axis.yqMoney)) {
        axis.axisLabel = Object.assign({}, axis.axisLabel || {}, {formatter: moneyAxis});
      }
    });
    (opt.series || []).forEach(function (s) {
      if (payload.money || s.yqMoney) {
        s.tooltip = Object.assign({}, s.tooltip || {}, {valueFormatter: money});
      }
      if (s.yqSizeByIndex !== undefined) {
        var i = s.yqSizeByIndex;
        s.symbolSize = function (value) { return Math.max(10, Math.min(60, 8 + Math.sqrt(value[i] || 0) * 5)); };
      }
    });
    if (opt.tooltip && opt.tooltip.yqMap) {
      opt.tooltip.formatter = function (p) {
        var v = p.value || [];
        return p.name + "<br>" + (document.documentElement.lang === "en" ? "Enterprises: " : "入驻企业：") + v[2] +
          "<br>" + (document.documentElement.lang === "en" ? "Output YTD: " : "产值累计：") + money(v[3]);
      };
    }
    if (opt.tooltip && opt.tooltip.yqArea) {
      opt.tooltip.formatter = function (p) {
        return p.name + "：" + p.value + "（" + (p.data.area || 0).toLocaleString("zh-CN") + " m²）";
      };
    }
    if (payload.money && opt.series && opt.series[0] && opt.series[0].type === "treemap") {
      opt.series[0].label = Object.assign({}, opt.series[0].label, {
        formatter: function (p) { return p.name + "\n" + money(p.value); }
      });
    }
    opt.textStyle = {fontFamily: getComputedStyle(document.body).fontFamily};
    if (opt.title) opt.title = Object.assign({left: "left", textStyle: {fontSize: 14}}, opt.title);
    return opt;
  }

  function load(el) {
    fetch(el.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (payload) {
        var chart = echarts.init(el, null, {renderer: "canvas"});
        chart.setOption(decorate(payload));
        chart.on("click", function (p) {
          if (p.data && p.data.link) window.location.href = p.data.link;
        });
        window.addEventListener("resize", function () { chart.resize(); });
        el.dataset.empty = payload.empty ? "1" : "0";
        if (payload.empty) {
          var note = document.createElement("div");
          note.className = "yq-chart-empty text-secondary";
          note.textContent = el.dataset.emptyText || "—";
          el.appendChild(note);
        }
        el.dataset.loaded = "1";
      })
      .catch(function () { el.dataset.loaded = "error"; el.textContent = el.dataset.errorText || "!"; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".yq-chart[data-url]").forEach(load);
  });
})();
