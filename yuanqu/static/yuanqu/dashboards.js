/* Dashboards: each .yq-chart element loads its ECharts option from its data-url (JSON) and opens the list
   behind a data item on click (every item carries its `link`). Money is worded by the server
   (yuanqu/core/numbers.py): each money data item carries its `yqLabel` ("55亿元", "3265万元") and each money
   axis its `yqUnit` ({divisor, unit}); this file shows them and applies no money rule of its own.

   Names come from users (a park called `<img onerror=…>` must show as those characters): the ECharts tooltip
   is HTML, so every formatter here that returns tooltip HTML builds it with `html`, which escapes every value
   it is given. Labels drawn on the canvas (axis, treemap) are plain text and need no escaping. ECharts' own
   default tooltips and string templates ("{b}: {c}") escape by themselves. */
(function () {
  "use strict";

  /** Escape one value for the tooltip's HTML (ECharts' own encoder: & < > " ' ). */
  function esc(value) {
    return echarts.format.encodeHTML(value === null || value === undefined ? "" : String(value));
  }

  /** Tooltip HTML from lines of values: every value escaped, lines joined with <br>. */
  function html(lines) {
    return lines.map(function (parts) { return parts.map(esc).join(""); }).join("<br>");
  }

  function itemLabel(item) {
    return item && typeof item === "object" && item.yqLabel ? item.yqLabel : "—";
  }

  function decorate(payload) {
    var opt = payload.option;
    var axes = [].concat(opt.xAxis || [], opt.yAxis || []);
    axes.forEach(function (axis) {
      if (axis.yqUnit) {
        var unit = axis.yqUnit;
        axis.axisLabel = Object.assign({}, axis.axisLabel || {}, {formatter: function (v) {
          return (Number(v) / unit.divisor).toLocaleString("zh-CN", {maximumFractionDigits: 2}) + unit.unit;
        }});
      }
    });
    (opt.series || []).forEach(function (s) {
      if (payload.money || s.yqMoney) {
        var data = s.data || [];
        s.tooltip = Object.assign({}, s.tooltip || {}, {
          valueFormatter: function (value, dataIndex) { return itemLabel(data[dataIndex]); }
        });
      }
      if (s.yqSizeByIndex !== undefined) {
        var i = s.yqSizeByIndex;
        s.symbolSize = function (value) { return Math.max(10, Math.min(60, 8 + Math.sqrt(value[i] || 0) * 5)); };
      }
    });
    if (opt.tooltip && opt.tooltip.yqMap) {
      opt.tooltip.formatter = function (p) {
        var v = p.value || [];
        var en = document.documentElement.lang === "en";
        return html([[p.name], [en ? "Enterprises: " : "入驻企业：", v[2]],
                     [en ? "Output YTD: " : "产值累计：", itemLabel(p.data)]]);
      };
    }
    if (opt.tooltip && opt.tooltip.yqArea) {
      opt.tooltip.formatter = function (p) {
        return html([[p.name, "：", p.value, "（", ((p.data && p.data.area) || 0).toLocaleString("zh-CN"), " m²）"]]);
      };
    }
    if (payload.money && opt.series && opt.series[0] && opt.series[0].type === "treemap") {
      opt.series[0].label = Object.assign({}, opt.series[0].label, {
        formatter: function (p) { return p.name + "\n" + itemLabel(p.data); }
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
