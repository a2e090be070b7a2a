// 数据看板: draws every chart of the page with ECharts from the JSON the page carries next to it
// (a json_script element named by data-source); no inline script (CSP). A click on a bar, a slice or
// a point opens the list of records behind it when the chart gives a link for it.
(function () {
  "use strict";
  var PALETTE = ["#c8161d", "#e8a33d", "#3a7bd5", "#2e7d32", "#8e44ad", "#16a085", "#7f8c8d", "#d35400"];

  function option(spec, big) {
    var font = big ? 22 : 12;
    var base = {
      color: PALETTE,
      animation: false,
      textStyle: { fontSize: font },
      tooltip: { renderMode: "richText", trigger: spec.type === "pie" ? "item" : "axis" },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true }
    };
    var data = spec.values.map(function (v) { return v === null ? "-" : v; });
    if (spec.type === "pie") {
      base.series = [{ type: "pie", radius: ["35%", "68%"], name: spec.series,
        label: { fontSize: font, formatter: "{b}\n{c}" },
        data: spec.labels.map(function (l, i) { return { name: l, value: spec.values[i] }; }) }];
    } else if (spec.type === "hbar") {
      base.xAxis = { type: "value", axisLabel: { fontSize: font } };
      base.yAxis = { type: "category", inverse: true, data: spec.labels, axisLabel: { fontSize: font } };
      base.series = [{ type: "bar", name: spec.series, data: data, label: { show: true, position: "right", fontSize: font } }];
    } else if (spec.type === "multiline") {
      base.legend = { top: 0, textStyle: { fontSize: font } };
      base.grid.top = big ? 60 : 36;
      base.xAxis = { type: "category", data: spec.labels, axisLabel: { fontSize: font } };
      base.yAxis = { type: "value", axisLabel: { fontSize: font } };
      base.series = spec.multi.map(function (s) { return { type: "line", name: s.name, data: s.values }; });
    } else {
      base.xAxis = { type: "category", data: spec.labels, axisLabel: { fontSize: font, interval: 0, rotate: spec.labels.length > 6 ? 30 : 0 } };
      base.yAxis = { type: "value", axisLabel: { fontSize: font } };
      base.series = [{ type: spec.type === "line" ? "line" : "bar", name: spec.series, data: data,
        label: { show: true, position: "top", fontSize: font } }];
      if (spec.type === "line") { base.yAxis.max = 100; }
    }
    return base;
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var spec = JSON.parse(source.textContent);
    var big = document.body.classList.contains("dj-screen");
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, big));
    chart.on("click", function (params) {
      var link = spec.links[params.dataIndex];
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".dj-chart"), draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
