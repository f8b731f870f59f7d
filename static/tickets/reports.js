"use strict";
// The report's charts, drawn from the tables under them (the numbers shown
// are the numbers charted). Chart.js comes from the npm registry.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") {
    return; // the tables carry every figure
  }
  const palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1"];
  const number = (text) => {
    const value = Number(text.replace(",", ".").replace(/\s/g, ""));
    return Number.isFinite(value) ? value : null;
  };
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const table = document.getElementById(canvas.dataset.table);
    const headers = [...table.querySelectorAll("thead th")].map((th) =>
      th.textContent.trim(),
    );
    const rows = [...table.querySelectorAll("tbody tr")]
      .map((tr) => [...tr.children].map((cell) => cell.textContent.trim()))
      .slice(0, Number(canvas.dataset.rows) || undefined);
    const labels = rows.map((row) => row[0]);
    const columns = canvas.dataset.columns.split(",").map(Number);
    new Chart(canvas, {
      type: canvas.dataset.chart,
      data: {
        labels,
        datasets: columns.map((column, index) => ({
          label: headers[column],
          data: rows.map((row) => number(row[column])),
          borderColor: palette[index % palette.length],
          backgroundColor: palette[index % palette.length],
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        // The legend names what is drawn (counts, hours or per cent).
        plugins: { legend: { display: true } },
      },
    });
  });
});
