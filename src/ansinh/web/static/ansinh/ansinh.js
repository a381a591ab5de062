/* AnSinh's page behaviour, as a static file: the Content-Security-Policy allows no inline
   script or on* handler, so pages mark elements with data- attributes and this file acts.

   data-copy="#id"          copies the text of that textarea (or input) to the clipboard
   data-print               prints the page
   canvas[data-chart]       draws a chart from the JSON in <script id="chart-data">, with the
                            dataset labels in the canvas's data-label-* attributes
*/
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      if (source && navigator.clipboard) navigator.clipboard.writeText(source.value);
      return;
    }
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  var charts = {
    // the office dashboard: participants by commune against the target, and by month
    communes: function (d, label) {
      return {type: "bar", data: {labels: d.communes, datasets: [
        {label: label.vsi, data: d.vsi, backgroundColor: "#3d6fb6"},
        {label: label.target, data: d.vsi_target, backgroundColor: "#c9d6ea"}]},
        options: {animation: false}};
    },
    series: function (d, label) {
      return {type: "line", data: {labels: d.months, datasets: [
        {label: label.vsi, data: d.series_vsi, borderColor: "#3d6fb6"},
        {label: label.hi, data: d.series_hi, borderColor: "#4a9d5b"}]},
        options: {animation: false}};
    },
    // collection measures: the office's on-time rate and each organisation's
    rate: function (d, label) {
      var sets = [{label: label.office, data: d.rates, borderWidth: 3}];
      d.series.forEach(function (s) { sets.push({label: s.label, data: s.data, borderWidth: 1}); });
      return {type: "line", data: {labels: d.labels, datasets: sets},
        options: {spanGaps: true, scales: {y: {suggestedMin: 90, max: 100}}}};
    }
  };

  function drawCharts() {
    var source = document.getElementById("chart-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var make = charts[canvas.getAttribute("data-chart")];
      var label = {};
      Object.keys(canvas.dataset).forEach(function (key) {
        if (key.indexOf("label") === 0 && key.length > 5) {
          label[key.charAt(5).toLowerCase() + key.slice(6)] = canvas.dataset[key];
        }
      });
      if (make) new window.Chart(canvas, make(data, label));
    });
  }

  // after "load": the chart library may be a deferred script later in the page
  if (document.readyState === "complete") drawCharts();
  else window.addEventListener("load", drawCharts);
})();
