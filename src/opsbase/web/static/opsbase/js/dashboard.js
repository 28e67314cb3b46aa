/* The dashboard's charts: Chart.js (vendored) fed by each canvas's data-opsbase-chart JSON, in the
   colours of the active theme (Bootstrap's CSS variables), drawn again when the theme changes. */
(function () {
  "use strict";

  var charts = [];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  function palette() {
    return [
      cssVar("--bs-primary", "#0d6efd"),
      cssVar("--bs-success", "#198754"),
      cssVar("--bs-warning", "#ffc107"),
      cssVar("--bs-info", "#0dcaf0"),
      cssVar("--bs-danger", "#dc3545"),
      cssVar("--bs-secondary", "#6c757d"),
    ];
  }

  function build(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-opsbase-chart"));
    } catch (error) {
      return null;
    }
    var text = cssVar("--bs-body-color", "#212529");
    var grid = cssVar("--bs-border-color", "#dee2e6");
    var surface = cssVar("--bs-body-bg", "#ffffff");
    var colours = palette();
    var kind = spec.kind;
    var round = kind === "doughnut";
    var datasets = spec.series.map(function (series, index) {
      var colour = colours[index % colours.length];
      return {
        label: series.label,
        data: series.values,
        backgroundColor: round
          ? series.values.map(function (_, i) { return colours[i % colours.length]; })
          : colour,
        borderColor: round ? surface : colour,
        borderWidth: round ? 2 : kind === "line" ? 2 : 0,
        pointRadius: kind === "line" ? 3 : 0,
        tension: 0.25,
        fill: false,
      };
    });
    var axis = {
      ticks: { color: text, precision: 0 },
      grid: { color: grid },
      border: { color: grid },
    };
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: kind === "funnel" ? "y" : "x",
      plugins: {
        legend: {
          display: round || spec.series.length > 1,
          position: "bottom",
          labels: { color: text, boxWidth: 12 },
        },
      },
      scales: round ? {} : { x: Object.assign({}, axis), y: Object.assign({ beginAtZero: true }, axis) },
    };
    if (kind === "funnel") {
      options.scales.x.beginAtZero = true;
    }
    return new window.Chart(canvas, {
      type: kind === "funnel" ? "bar" : kind,
      data: { labels: spec.labels, datasets: datasets },
      options: options,
    });
  }

  function render() {
    if (!window.Chart) {
      return;
    }
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    document.querySelectorAll("canvas[data-opsbase-chart]").forEach(function (canvas) {
      var chart = build(canvas);
      if (chart) {
        charts.push(chart);
      }
    });
    document.documentElement.setAttribute("data-charts-drawn", String(charts.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
  new MutationObserver(render).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-bs-theme"],
  });
})();
