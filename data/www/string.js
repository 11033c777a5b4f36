// string.js: a string as its own monitor reads it (#/strings/ID?days=):
// its voltage, current and mode (float, boost, equalize, discharge,
// rest) over a range, its discharges shaded, the modes as spans; and a
// site's strings at a glance, for the site page (stringSummary).  A
// charger's fault shows here before it shows in the blocks.

import { api } from "./api.js";
import { timeChart } from "./chart.js";
import { el, fmt, table } from "./dom.js";
import { utc } from "./events.js";

const enc = encodeURIComponent;
const DAY = 86400e3;

// The modes as spans [{mode, from, to, n}]: consecutive points of one
// mode; a span ends at the next point's time.
export function modeSpans(points) {
  const out = [];
  for (const p of points) {
    const last = out.at(-1), mode = p.mode ?? "unknown";
    if (last?.mode === mode) { last.n++; continue; }
    if (last) last.to = p.ts;
    out.push({ mode, from: p.ts, n: 1 });
  }
  if (out.length) out.at(-1).to = points.at(-1).ts;
  return out;
}

// What a string's latest reading says, for a table cell or a tile.
const latest = (t) => (t ? `${fmt(t.voltage_v, 1)} V, ${fmt(t.current_a, 2)} A, ${t.mode ?? "–"}` : "no reading");

export async function strings(view, id, q) {
  const days = [1, 3, 7].includes(Number(q.get("days"))) ? Number(q.get("days")) : 1;
  const s = await api(`/api/v1/strings/${enc(id)}`);
  // The range ends just after the latest reading; the days before it.
  const end = s.latest ? Date.parse(s.latest.ts) + 1000 : Date.now();
  const from = new Date(end - days * DAY).toISOString().replace(".000Z", "Z");
  const to = new Date(end).toISOString().replace(".000Z", "Z");
  const [t, d] = await Promise.all([
    api(`/api/v1/strings/${enc(id)}/telemetry?from=${enc(from)}&to=${enc(to)}`),
    api(`/api/v1/discharges?string=${enc(id)}&from=${enc(from)}&to=${enc(to)}`)]);
  const pts = t.points, ms = (p) => Date.parse(p.ts);
  const spans = d.items.map((x) => ({ t0: Date.parse(x.start), t1: Date.parse(x.end), name: `discharge, ${fmt(x.duration_min)} min` }));
  const chart = (title, key, unit, decimals) => timeChart({ title, unit, decimals, spans, from: Date.parse(t.from), to: Date.parse(t.to),
    series: [{ name: key.replace(/_.*/, ""), points: pts.map((p) => ({ t: ms(p), y: p[key] })) }] });
  const l = s.latest;
  view.replaceChildren(
    el("p", {}, el("a", { href: "#/" }, "The fleet"), " › ", el("a", { href: `#/site/${enc(s.site_id)}` }, s.site_id)),
    el("h1", {}, `String ${s.string_id}`),
    el("p", { class: "muted" }, `${s.system_id} · ${fmt(s.blocks_in_service)} blocks in service · ${s.model ?? ""} ${fmt(s.capacity_ah)} Ah · `,
      `${fmt(s.open_alerts.critical)} critical and ${fmt(s.open_alerts.warning)} warnings open`),
    el("div", { class: "tiles", id: "string-latest" },
      el("div", { class: "tile", "data-latest": "voltage_v" }, el("b", {}, l ? `${fmt(l.voltage_v, 2)} V` : "–"), "string voltage"),
      el("div", { class: "tile", "data-latest": "current_a" }, el("b", {}, l ? `${fmt(l.current_a, 2)} A` : "–"), "current (+ charges)"),
      el("div", { class: "tile", "data-latest": "mode" }, el("b", {}, l?.mode ?? "–"), "mode"),
      el("div", { class: "tile", "data-latest": "ts" }, el("b", {}, l ? utc(l.ts).slice(11) : "–"), l ? `latest reading, ${l.ts.slice(0, 10)}` : "no reading")),
    el("div", { class: "filters", role: "group", "aria-label": "range" }, [1, 3, 7].map((n) =>
      el("a", { class: `pill${n === days ? " on" : ""}`, "aria-current": n === days ? "true" : null,
        href: `#/strings/${enc(id)}?days=${n}` }, n === 1 ? "last 24 h" : `last ${n} days`))),
    el("div", { id: "string-charts", "data-from": t.from, "data-to": t.to, "data-points": pts.length },
      chart("String voltage (V)", "voltage_v", " V", 1), chart("String current (A; negative discharges)", "current_a", " A", 2)),
    el("h2", {}, "Modes"),
    table("string-modes", [["Mode", (m) => m.mode], ["From", (m) => utc(m.from)], ["To", (m) => utc(m.to)],
      ["Samples", (m) => fmt(m.n), "num"]], modeSpans(pts), (m) => ({ "data-mode": m.mode })),
    el("h2", {}, "Discharges"),
    d.items.length ? table("string-discharges", [["Start", (x) => utc(x.start)], ["Minutes", (x) => fmt(x.duration_min), "num"],
      ["Ah drawn", (x) => fmt(x.ah, 1), "num"], ["Lowest block", (x) => (x.block_min ? `${fmt(x.block_min.voltage_v, 2)} V` : "–"), "num"],
      ["Ended", (x) => x.mode_after ?? (x.ongoing ? "ongoing" : "–")]], d.items) : el("p", { class: "muted" }, "None in this range."));
}

// New readings of its site may move the string's latest: redraw.
strings.concerns = () => false;

// A site's strings, each with its latest voltage, current and mode, and a
// link to its page: an element at once, filled when the API answers.
export function stringSummary(site) {
  const box = el("section", { id: "string-summary", "aria-busy": "true" }, el("h2", {}, "Strings"));
  api(`/api/v1/sites/${enc(site)}/strings`).then((r) => {
    box.append(table("site-strings", [
      ["String", (s) => el("a", { href: `#/strings/${enc(s.string_id)}` }, s.string_id)],
      ["Voltage", (s) => (s.latest ? `${fmt(s.latest.voltage_v, 1)} V` : "–"), "num"],
      ["Current", (s) => (s.latest ? `${fmt(s.latest.current_a, 2)} A` : "–"), "num"],
      ["Mode", (s) => s.latest?.mode ?? "–"],
      ["At", (s) => utc(s.latest?.ts), "hide-narrow"],
    ], r.items, (s) => ({ "data-string": s.string_id, title: `${s.string_id}: ${latest(s.latest)}` })));
    box.removeAttribute("aria-busy");
  }, (e) => box.append(el("p", { class: "error" }, String(e.message ?? e))));
  return box;
}
