// Small charts drawn as inline SVG: sparklines for the overview, bar and line
// charts for a vendor's day and week. Each is an image with a title and a
// description that states the figures; the screens also print the same figures in
// a table, so no one depends on seeing the picture.

import { s, svg_root } from './svg.js';

// A "nice" round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten.
function nice(x) {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

// values: numbers (null for a gap). The last value is marked with a dot.
export function sparkline(values, { label, format = String, width = 160, height = 34 }) {
  const pts = values.map((v, i) => [i, v]).filter(([, v]) => v !== null && Number.isFinite(v));
  const last = pts.length ? pts[pts.length - 1][1] : null;
  const vals = pts.map(([, v]) => v);
  const lo = Math.min(0, ...vals);
  const hi = Math.max(...vals, lo + 1e-9);
  const n = Math.max(values.length - 1, 1);
  const x = (i) => 2 + (i / n) * (width - 6);
  const y = (v) => height - 3 - ((v - lo) / (hi - lo || 1)) * (height - 6);
  const line = pts.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const desc = pts.length
    ? `Last ${format(last)}; lowest ${format(Math.min(...vals))}, highest ${format(Math.max(...vals))} over ${pts.length} samples.`
    : 'No samples yet.';
  return svg_root({ width, height, title: label, desc, cls: 'spark' },
    pts.length > 1 && s('polygon', {
      class: 'spark-area',
      points: `${x(pts[0][0]).toFixed(1)},${y(lo).toFixed(1)} ${line} ${x(pts[pts.length - 1][0]).toFixed(1)},${y(lo).toFixed(1)}`,
    }),
    pts.length > 1 && s('polyline', { class: 'spark-line', points: line }),
    pts.length > 0 && s('circle', { class: 'spark-dot', cx: x(pts[pts.length - 1][0]), cy: y(last), r: 2.2 }));
}

// The y scale of a chart whose values may be negative (a vendor's net).
function y_scale(values, top, bottom) {
  const hi = nice(Math.max(0, ...values));
  const lo = Math.min(0, ...values) < 0 ? -nice(-Math.min(...values)) : 0;
  const y = (v) => top + ((hi - v) / (hi - lo)) * (bottom - top);
  return { hi, lo, y };
}

function y_axis(scale, left, right, format) {
  const ticks = [scale.hi, scale.hi / 2, 0];
  if (scale.lo < 0) ticks.push(scale.lo);
  // A half that rounds to the same text as its neighbour (0.01 and 0.005 of a
  // currency) would print one label twice: keep the first.
  const seen = new Set();
  const shown = ticks.filter((t) => !seen.has(format(t)) && seen.add(format(t)));
  return s('g', { class: 'axis', 'aria-hidden': 'true' }, shown.map((t) => [
    s('line', { x1: left, x2: right, y1: scale.y(t), y2: scale.y(t), class: t === 0 ? 'zero' : 'grid' }),
    s('text', { x: left - 4, y: scale.y(t) + 3, 'text-anchor': 'end' }, format(t)),
  ]));
}

// Grouped bars. groups: [{label, bars: [{name, value, cls}]}]; every group has the
// same series in the same order (the legend is taken from the first).
export function bar_chart({ title, desc, groups, format = String, width = 560, height = 220 }) {
  const left = 78;
  const right = width - 8;
  const top = 10;
  const bottom = height - 38;
  const all = groups.flatMap((g) => g.bars.map((b) => b.value));
  const scale = y_scale(all, top, bottom);
  const gw = (right - left) / Math.max(groups.length, 1);
  const per = groups.length ? groups[0].bars.length : 1;
  const bw = Math.min(38, (gw * 0.8) / per);
  const bars = groups.map((g, gi) => {
    const x0 = left + gi * gw + (gw - bw * per) / 2;
    return s('g', null,
      g.bars.map((b, bi) => {
        const y1 = scale.y(Math.max(0, b.value));
        const y2 = scale.y(Math.min(0, b.value));
        return s('rect', {
          class: `bar ${b.cls || ''}`, x: x0 + bi * bw, y: y1, width: bw - 2, height: Math.max(1, y2 - y1),
        }, s('title', null, `${g.label} ${b.name}: ${format(b.value)}`));
      }),
      s('text', { class: 'label', x: left + gi * gw + gw / 2, y: bottom + 14, 'text-anchor': 'middle' }, g.label));
  });
  const legend = groups.length ? groups[0].bars.map((b, i) => s('g', { transform: `translate(${left + i * 110},${height - 12})` },
    s('rect', { class: `key ${b.cls || ''}`, width: 10, height: 10, y: -9 }),
    s('text', { x: 14, y: 0 }, b.name))) : [];
  return svg_root({ width, height, title, desc, cls: 'chart' },
    y_axis(scale, left, right, format), bars, s('g', { class: 'legend', 'aria-hidden': 'true' }, legend));
}

// A line over labelled points (days): points [{label, value}].
export function line_chart({ title, desc, points, format = String, width = 560, height = 200 }) {
  const left = 78;
  const right = width - 16;
  const top = 10;
  const bottom = height - 26;
  const scale = y_scale(points.map((p) => p.value), top, bottom);
  const step = (right - left) / Math.max(points.length - 1, 1);
  const x = (i) => left + i * step;
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${scale.y(p.value).toFixed(1)}`).join(' ');
  return svg_root({ width, height, title, desc, cls: 'chart' },
    y_axis(scale, left, right, format),
    s('path', { class: 'line', d: path }),
    points.map((p, i) => s('g', null,
      s('circle', { class: 'point', cx: x(i), cy: scale.y(p.value), r: 3.5 },
        s('title', null, `${p.label}: ${format(p.value)}`)),
      s('text', { class: 'label', x: x(i), y: bottom + 16, 'text-anchor': 'middle' }, p.short || p.label))));
}
