/* Pulse: the period picker submits on change; the KPI page draws its series with plotly.js. */
"use strict";

function initPickers() {
  document.querySelectorAll("form[data-period-picker]").forEach(function (form) {
    var kind = form.querySelector("[data-kind]");
    var period = form.querySelector("[data-period]");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.hidden = true; }
    if (kind) {
      kind.addEventListener("change", function () {
        if (period) { period.disabled = true; } /* the server picks the kind's last complete period */
        form.submit();
      });
    }
    if (period) {
      period.addEventListener("change", function () { form.submit(); });
    }
  });
}

function formatValue(value, unit) {
  if (value === null || value === undefined) { return "—"; }
  if (unit === "percent") { return (value * 100).toFixed(1) + "%"; }
  if (unit === "ratio") { return value.toFixed(2) + "×"; }
  if (unit === "currency") { return value.toLocaleString("en-US", {maximumFractionDigits: 0}); }
  return value.toLocaleString("en-US", {maximumFractionDigits: 2});
}

function initCharts() {
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || typeof window.Plotly === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var points = data.points;
    var x = points.map(function (p) { return p.period; });
    var percent = data.unit === "percent";
    var scale = percent ? 100 : 1;
    var y = points.map(function (p) { return p.value === null ? null : p.value * scale; });
    var text = points.map(function (p) { return p.value_text + " · " + p.symbol + " " + p.word; });
    var traces = [{
      x: x, y: y, text: text, type: "scatter", mode: "lines+markers", name: data.name,
      hovertemplate: "%{x}: %{text}<extra></extra>", connectgaps: false,
      line: {color: "#2b5797", width: 2}, marker: {size: 7}
    }];
    var targets = points.map(function (p) { return p.target === null ? null : p.target * scale; });
    if (targets.some(function (t) { return t !== null; })) {
      traces.push({
        x: x, y: targets, type: "scatter", mode: "lines", name: "target",
        line: {color: "#888", dash: "dash", width: 1}, hoverinfo: "skip"
      });
    }
    var layout = {
      margin: {l: 60, r: 20, t: 10, b: 40}, height: 300, showlegend: traces.length > 1,
      legend: {orientation: "h", y: -0.2},
      yaxis: {ticksuffix: percent ? "%" : (data.unit === "ratio" ? "×" : ""), zeroline: false, gridcolor: "#eee"},
      xaxis: {type: "category"}, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: {family: "system-ui, sans-serif", size: 12}
    };
    window.Plotly.newPlot(el, traces, layout, {displayModeBar: false, responsive: true});
    el.setAttribute("data-drawn", "true");
  });
}

document.addEventListener("DOMContentLoaded", function () {
  initPickers();
  initCharts();
});
