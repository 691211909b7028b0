/* A small line chart on a canvas: enough for live rates, no library needed. */
'use strict';
window.LineChart = class LineChart {
  constructor(canvas, series) {
    this.canvas = canvas;
    this.series = series; // [{key, label, color}]
    this.points = [];     // [{t, values: {key: number}}]
    this.max = 60;
  }
  push(values) {
    this.points.push({ t: Date.now(), values });
    if (this.points.length > this.max) this.points.shift();
    this.draw();
  }
  draw() {
    const c = this.canvas, dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || 400, h = c.clientHeight || 200;
    c.width = w * dpr; c.height = h * dpr;
    const g = c.getContext('2d');
    g.scale(dpr, dpr);
    g.clearRect(0, 0, w, h);
    const left = 56, bottom = 18, top = 8, right = 8;
    let top_ = 0;
    for (const p of this.points) for (const s of this.series) top_ = Math.max(top_, p.values[s.key] || 0);
    const scale = niceMax(top_);
    g.strokeStyle = '#e3e7eb'; g.fillStyle = '#66717d'; g.font = '11px system-ui, sans-serif';
    for (let i = 0; i <= 4; i++) {
      const y = top + (h - top - bottom) * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(w - right, y); g.stroke();
      g.fillText(fmt(scale * (4 - i) / 4), 4, y + 4);
    }
    const n = this.max;
    for (const s of this.series) {
      g.strokeStyle = s.color; g.lineWidth = 2; g.beginPath();
      this.points.forEach((p, i) => {
        const x = left + (w - left - right) * (i + n - this.points.length) / (n - 1);
        const y = top + (h - top - bottom) * (1 - (p.values[s.key] || 0) / scale);
        i === 0 ? g.moveTo(x, y) : g.lineTo(x, y);
      });
      g.stroke();
    }
  }
};
function niceMax(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}
function fmt(v) {
  if (v >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (v >= 1e3) return (v / 1e3).toFixed(1) + 'k';
  return Math.round(v * 10) / 10 + '';
}
