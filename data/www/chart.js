// chart.js: small SVG charts drawn by hand (a line chart over time with
// bands, thresholds and shaded spans; a scatter; bars).  Hand-drawn
// because what the pages need fits in this file, where a charting
// library would weigh more than all the pages together.
//
// Each chart is a <figure> with a caption, an SVG sized to the page's
// width (role="img" with a summary for screen readers) and a legend.  A
// series' path says how many points it was given (data-points), drawn
// or not, so a test can hold it against the API.

import { el, offset, svg, zoneLabel } from "./dom.js";

const H = 210, M = { l: 52, r: 12, t: 10, b: 26 };
export const colours = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"];

const width = () => Math.max(300, Math.min(document.querySelector("#view")?.clientWidth ?? 720, 1100));

// Round steps for an axis over [lo, hi] with about n ticks.
export function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(+v.toPrecision(12));
  return out;
}

const HOUR = 3600e3, DAY = 24 * HOUR;
const timeSteps = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
// Ticks at a round step of local time (off ms ahead of UTC), at most n
// of them.
function timeTicks(lo, hi, n, off) {
  const step = timeSteps.find((s) => (hi - lo) / s <= n) ?? 365 * DAY;
  const out = [];
  for (let t = Math.ceil((lo + off) / step) * step - off; t <= hi; t += step) out.push(t);
  return { out, step };
}
// "14:00", "01-02" (a day, as month-day), "2026-03" (a month), in local
// time, off ms ahead of UTC.
const timeLabel = (t, step, off) => {
  t += off;
  const iso = new Date(t).toISOString();
  return step < DAY ? (t % DAY === 0 ? iso.slice(5, 10) : iso.slice(11, 16)) :
    step < 91 * DAY ? iso.slice(5, 10) : iso.slice(0, 7);
};

// The least and greatest finite values, or null when there are none.
function range(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return lo === Infinity ? null : [lo, hi];
}

// A scale's extent: the data's range widened by pad of it (or by one
// when it is a single value), so nothing sits on the frame.
function extent(values, pad = 0.05) {
  const r = range(values);
  if (r === null) return [0, 1];
  const [lo, hi] = r;
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo - (hi - lo) * pad, hi + (hi - lo) * pad];
}

// The path of points [x, y] in pixels, broken at gaps (y null).  With far
// more points than pixels, each pixel column keeps its first, lowest,
// highest and last point, so spikes survive.
function path(pts) {
  let d = "", pen = false;
  const put = (x, y) => { d += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`; pen = true; };
  if (pts.length < 2000) {
    for (const [x, y] of pts) if (y === null) pen = false; else put(x, y);
    return d;
  }
  let col = null, bucket = [];
  const flush = () => {
    if (!bucket.length) return;
    // Pixels grow downwards: the lowest value has the largest y.
    const low = bucket.reduce((a, b) => (b[1] > a[1] ? b : a)), high = bucket.reduce((a, b) => (b[1] < a[1] ? b : a));
    for (const p of [bucket[0], ...[low, high].sort((a, b) => a[0] - b[0]), bucket.at(-1)]) put(p[0], p[1]);
    bucket = [];
  };
  for (const p of pts) {
    if (p[1] === null) { flush(); pen = false; continue; }
    const c = Math.round(p[0]);
    if (c !== col) { flush(); col = c; }
    bucket.push(p);
  }
  flush();
  return d;
}

function figure(title, summary, w, body, legend, h = H) {
  return el("figure", { class: "chart" },
    el("figcaption", {}, title),
    svg("svg", { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: "img", "aria-label": summary }, body),
    legend.length ? el("ul", { class: "legend" }, legend.map(([name, colour, dash]) =>
      el("li", {}, el("span", { class: "swatch", style: { background: colour, opacity: dash ? 0.5 : 1 } }), name))) : null);
}

function axes(w, xs, ys, xlabel, ylabel, h = H) {
  return [
    ys.map(([v, y]) => [svg("line", { x1: M.l, x2: w - M.r, y1: y, y2: y, class: "grid" }),
      svg("text", { x: M.l - 6, y: y + 4, "text-anchor": "end" }, ylabel(v))]),
    xs.map(([v, x]) => [svg("line", { x1: x, x2: x, y1: h - M.b, y2: h - M.b + 4, class: "axis" }),
      svg("text", { x, y: h - 8, "text-anchor": x > w - M.r - 40 ? "end" : "middle" }, xlabel(v))]),
    svg("line", { x1: M.l, x2: w - M.r, y1: h - M.b, y2: h - M.b, class: "axis" }),
  ];
}

// A chart over time.  series: [{name, points: [{t: ms, y}], band: [{t,
// lo, hi}], colour, dash}]; lines: [{y, name, colour}] across the chart;
// spans: [{t0, t1, name, kind}] shaded (kind "discharge" in a colour of
// its own); unit after values; from, to in ms; lo, hi: values the scale
// reaches at least (0 and 100 for a percentage of charge, say); site:
// whose local time the axis is in.
export function timeChart({ title, unit = "", series, lines = [], spans = [], from, to, decimals = 1, lo, hi, site }) {
  const w = width();
  const all = series.flatMap((s) => [...s.points.map((p) => p.y), ...(s.band ?? []).flatMap((b) => [b.lo, b.hi])]);
  let [ylo, yhi] = extent([...all, ...lines.map((l) => l.y)]);
  // A scale given its ends: the data's own, unpadded, beyond them.
  const seen = range([...all, ...lines.map((l) => l.y)]);
  if (lo !== undefined) ylo = Math.min(lo, seen?.[0] ?? lo);
  if (hi !== undefined) yhi = Math.max(hi, seen?.[1] ?? hi);
  if (!(yhi > ylo)) yhi = ylo + 1;
  const [tlo, thi] = range(series.flatMap((s) => s.points.map((p) => p.t))) ?? [Date.now() - DAY, Date.now()];
  // One point (a single prediction, say) is shown in the day around it.
  let x0 = from ?? tlo, x1 = to ?? thi;
  if (!(x1 > x0)) { x0 -= DAY / 2; x1 += DAY / 2; }
  const X = (t) => M.l + ((t - x0) / (x1 - x0 || 1)) * (w - M.l - M.r);
  const Y = (v) => H - M.b - ((v - ylo) / (yhi - ylo)) * (H - M.t - M.b);
  const off = offset(x0, site);
  const { out: tt, step } = timeTicks(x0, x1, Math.max(2, Math.floor((w - M.l - M.r) / 70)), off);
  const n = series.reduce((a, s) => a + s.points.length, 0);
  const body = [
    spans.filter((s) => s.t1 > x0 && s.t0 < x1).map((s) => svg("rect", { class: `span${s.kind ? ` ${s.kind}` : ""}`, x: X(Math.max(s.t0, x0)), y: M.t,
      width: Math.max(1, X(Math.min(s.t1, x1)) - X(Math.max(s.t0, x0))), height: H - M.t - M.b },
    svg("title", {}, s.name))),
    axes(w, tt.map((t) => [t, X(t)]), ticks(ylo, yhi).map((v) => [v, Y(v)]), (t) => timeLabel(t, step, off), (v) => `${v}`),
    svg("text", { x: M.l - 6, y: H - 8, "text-anchor": "end", class: "zone" }, zoneLabel(site, x0)),
    series.map((s, i) => {
      const c = s.colour ?? colours[i % colours.length];
      return [
        s.band?.length > 1 ? svg("path", { class: "band", fill: c, d:
          path(s.band.map((b) => [X(b.t), Y(b.hi)])) +
          path(s.band.map((b) => [X(b.t), Y(b.lo)]).reverse()).replace(/^M/, "L") + "Z" }) : null,
        // One interval (a single prediction) has no area: a bar.
        s.band?.length === 1 ? s.band.map((b) => svg("path", { class: "band-bar", stroke: c,
          d: `M${X(b.t) - 5},${Y(b.hi)}h10M${X(b.t)},${Y(b.hi)}V${Y(b.lo)}M${X(b.t) - 5},${Y(b.lo)}h10` })) : null,
        svg("path", { class: "line", stroke: c, "stroke-dasharray": s.dash ? "5 4" : null,
          "data-series": s.name, "data-points": s.points.length,
          d: path(s.points.map((p) => [X(p.t), p.y === null ? null : Y(p.y)])) }),
        s.points.length < 60 ? s.points.filter((p) => p.y !== null).map((p) =>
          svg("circle", { cx: X(p.t), cy: Y(p.y), r: 2.5, fill: c })) : null,
      ];
    }),
    lines.map((l) => [svg("line", { class: "threshold", x1: M.l, x2: w - M.r, y1: Y(l.y), y2: Y(l.y), stroke: l.colour }),
      svg("text", { x: w - M.r - 4, y: Y(l.y) - 4, "text-anchor": "end", fill: l.colour }, l.name)]),
  ];
  const summary = `${title}: ${n} points` + series.map((s) => {
    const r = range(s.points.map((p) => p.y));
    if (r === null) return "";
    const [lo, hi] = r;
    return `; ${s.name} from ${lo.toFixed(decimals)} to ${hi.toFixed(decimals)}${unit}`;
  }).join("");
  return figure(title, summary, w, body, [
    ...series.map((s, i) => [s.name + (s.band?.length ? ` (${s.bandName ?? "band"})` : ""), s.colour ?? colours[i % colours.length], s.dash]),
    ...lines.map((l) => [l.name, l.colour, true]),
    ...(spans.some((s) => s.kind !== "discharge") ? [["events", "#8a94a0", true]] : []),
    ...(spans.some((s) => s.kind === "discharge") ? [["discharging", "#e69f00", true]] : [])]);
}

// A scatter of points [{x, y, inside}] with the diagonal y = x.
// Square: the same scale on both axes, so the diagonal is at 45 degrees
// and errors read alike either way.
export function scatter({ title, xname, yname, points }) {
  const side = Math.min(width(), 420), w = side, h = side - M.l - M.r + M.t + M.b;
  const [lo, hi] = extent(points.flatMap((p) => [p.x, p.y]), 0.02);
  const X = (v) => M.l + ((v - lo) / (hi - lo)) * (w - M.l - M.r);
  const Y = (v) => h - M.b - ((v - lo) / (hi - lo)) * (h - M.t - M.b);
  const tk = ticks(lo, hi);
  return figure(title, `${title}: ${points.length} points`, w, [
    axes(w, tk.map((v) => [v, X(v)]), tk.map((v) => [v, Y(v)]), String, String, h),
    svg("line", { class: "threshold", x1: X(lo), y1: Y(lo), x2: X(hi), y2: Y(hi), stroke: "#5b6570" }),
    svg("g", { "data-points": points.length }, points.map((p) =>
      svg("circle", { cx: X(p.x), cy: Y(p.y), r: 2.2, fill: p.inside ? colours[0] : colours[1], "fill-opacity": 0.55 }))),
    svg("text", { x: w - M.r, y: h - M.b - 6, "text-anchor": "end" }, xname),
    svg("text", { x: M.l + 4, y: M.t + 10 }, yname),
  ], [["interval holds the truth", colours[0]], ["it does not", colours[1]], ["predicted = true", "#5b6570", true]], h);
}

// Bars [{label, value, colour}] on a scale from 0, with a reference line.
export function bars({ title, unit = "", items, ref, refName, max }) {
  const w = Math.min(width(), 560);
  const top = Math.max(max ?? 0, ref ?? 0, ...items.map((b) => b.value ?? 0)) || 1;
  const bw = (w - M.l - M.r) / items.length;
  const Y = (v) => H - M.b - (v / top) * (H - M.t - M.b);
  return figure(title, `${title}: ` + items.map((b) => `${b.label} ${b.value ?? "none"}${unit}`).join(", "), w, [
    axes(w, items.map((b, i) => [b.label, M.l + bw * (i + 0.5)]), ticks(0, top).map((v) => [v, Y(v)]), String, String),
    items.map((b, i) => svg("rect", { x: M.l + bw * i + bw * 0.15, width: bw * 0.7, y: Y(b.value ?? 0),
      height: Y(0) - Y(b.value ?? 0), fill: b.colour ?? colours[0], "data-value": b.value },
    svg("title", {}, `${b.label}: ${b.value ?? "none"}${unit}`))),
    ref !== undefined ? svg("line", { class: "threshold", x1: M.l, x2: w - M.r, y1: Y(ref), y2: Y(ref), stroke: "#5b6570" }) : null,
  ], ref !== undefined ? [[refName, "#5b6570", true]] : []);
}
