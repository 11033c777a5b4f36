// block.js: one block (#/block/ID?res=hour&days=7): its voltage, current
// and temperature over the range chosen (raw, or the hourly and daily
// rollups), its resistance against its baseline with brul-alert's
// thresholds, its RUL with the prediction's reasons and the chance of a
// sudden failure, and its history with the interval, the twin's state of
// charge and health (and, while it discharges, its minutes to cut-off),
// its alerts and what happened to it.

import { api } from "./api.js";
import { colours, timeChart } from "./chart.js";
import { el, fmt, select, table, when } from "./dom.js";
import { rules } from "./cache.js";

// The ranges offered at each resolution (days), within what the API
// serves; the first is the default.
const ranges = { hour: [7, 30, 90, 366], raw: [1, 7, 31], day: [366, 90, 1830] };
const DAY = 86400e3;
const iso = (t) => new Date(t).toISOString().replace(".000Z", "Z");
const t = (s) => Date.parse(s);

// A measure of telemetry as a series: raw points, or the rollup's mean
// with its min-max band.
function series(points, res, name, key, colour) {
  const [raw, mean, lo, hi] = res === "raw" ? [key] : [null, key.replace(/_(v|a|c)$/, "_mean_$1"),
    key.replace(/_(v|a|c)$/, "_min_$1"), key.replace(/_(v|a|c)$/, "_max_$1")];
  return {
    name, colour, bandName: "min–max",
    points: points.map((p) => ({ t: t(p.ts), y: p[raw ?? mean] })),
    band: raw ? null : points.filter((p) => p[lo] !== null).map((p) => ({ t: t(p.ts), lo: p[lo], hi: p[hi] })),
  };
}

// A block discharges below this current (A): float and boost charge
// it (positive), a monitor's noise is a fraction of an ampere.
const DISCHARGE_A = -1;

// The spans of [from, to) in which the block discharged, from its
// points (each standing for its step ms: a sample, an hour, a day): at
// raw resolution its current, in a rollup the least current of the
// hour or day.
function discharges(points, res) {
  const step = { raw: 60e3, hour: 3600e3, day: DAY }[res], key = res === "raw" ? "current_a" : "current_min_a";
  const out = [];
  for (const p of points) {
    if (!(p[key] < DISCHARGE_A)) continue;
    const t0 = t(p.ts), last = out.at(-1);
    if (last && last.t1 >= t0) last.t1 = t0 + step;
    else out.push({ t0, t1: t0 + step, name: "discharging", kind: "discharge" });
  }
  return out;
}

export async function block(view, id, q) {
  const enc = encodeURIComponent(id);
  const b = await api(`/api/v1/batteries/${enc}`);
  const res = ranges[q.get("res")] ? q.get("res") : "hour";
  const days = ranges[res].includes(+q.get("days")) ? +q.get("days") : ranges[res][0];
  // The range ends at the hour after the latest reading.
  const end = Math.ceil(((b.telemetry ? t(b.telemetry.ts) : Date.now()) + 1) / 3600e3) * 3600e3;
  const from = end - days * DAY, twinFrom = Math.max(from, end - 366 * DAY);
  const range = `from=${iso(from)}&to=${iso(end)}`;
  const [tele, preds, twin, events, alerts, r] = await Promise.all([
    api(`/api/v1/batteries/${enc}/telemetry?resolution=${res}&${range}`),
    api(`/api/v1/batteries/${enc}/predictions?limit=1000`),
    api(`/api/v1/batteries/${enc}/twin?from=${iso(twinFrom)}&to=${iso(end)}`),
    api(`/api/v1/batteries/${enc}/events?${range}&limit=1000`),
    api(`/api/v1/alerts?battery=${enc}&limit=100`),
    rules()]);
  const pts = tele.points;
  // Outages and other events that last, shaded; the daily ohmic tests
  // would only hide the lines, and are listed below.
  const spans = events.items.filter((e) => e.kind !== "ohmic_test" && e.ts_end)
    .map((e) => ({ t0: t(e.ts_start), t1: t(e.ts_end), name: `${e.kind}: ${e.detail ?? ""}` }));
  // Unless a range was chosen, the charts open where the data begin: a
  // block installed or loaded days ago is not drawn at the right of an
  // empty week.
  const chosen = q.has("days"), hour = (x) => Math.floor(x / 3600e3) * 3600e3;
  const shown = !chosen && pts.length ? Math.max(from, hour(t(pts[0].ts))) : from;
  const twinShown = !chosen && twin.points.length ? Math.max(twinFrom, hour(t(twin.points[0].ts))) : twinFrom;
  const span = { from: shown, to: end, spans: [...spans, ...discharges(pts, res)], site: b.site_id };
  const rule = r.rules.find((x) => x.metric === "resistance_mohm" && x.relative === "percent" && x.baseline === "fleet");
  const base = b.baseline_mohm;
  const thresholds = base ? [{ y: base, name: "baseline", colour: "#009e73" },
    ...(rule ? [["warning", "#a06a00"], ["critical", "#d55e00"]].filter(([k]) => rule[k] !== null)
      .map(([k, c]) => ({ y: base * (1 + rule[k] / 100), name: `${k} (+${rule[k]} %)`, colour: c })) : [])] : [];
  // One prediction a day: the first model's, as the API orders them.
  const byDay = new Map();
  for (const p of preds.items) if (!byDay.has(p.date)) byDay.set(p.date, p);
  const rul = [...byDay.values()].reverse();
  const choose = (res2, days2) => { location.hash = `#/block/${enc}?res=${res2}&days=${days2}`; };
  const p = b.prediction, w = b.twin, now = b.telemetry, site = b.site_id;
  const sd = (x, d) => (x != null ? ` ± ${fmt(x, d)}` : "");

  view.replaceChildren(
    el("p", {}, el("a", { href: `#/site/${encodeURIComponent(b.site_id)}` }, `${b.site_id}`), " › ", b.string_id),
    el("h1", {}, `Block ${b.battery_id}`),
    el("div", { class: "tiles" },
      el("div", { class: "tile", id: "rul" }, el("b", {}, p ? fmt(p.rul_days) : "–"),
        p ? `days of life left (p10–p90: ${fmt(p.rul_p10_days)}–${fmt(p.rul_p90_days)}), risk ${p.risk}, as of ${p.date}` : "no prediction",
        p?.p_sudden_90d != null ? el("div", { id: "sudden" }, `sudden failure within 90 days: ${fmt(p.p_sudden_90d * 100, 1)} %`) : null,
        p?.reasons?.length ? el("ol", { id: "reasons", "aria-label": "the prediction's reasons" }, p.reasons.map((r) => el("li", {}, r))) : null),
      el("div", { class: "tile", id: "soh" }, el("b", {}, w?.soh_pct != null ? `${fmt(w.soh_pct, 1)}${sd(w.soh_sd_pct, 1)} %` : "–"),
        "state of health (twin, ± 1 sd)"),
      el("div", { class: "tile", id: "soc" }, el("b", {}, w?.soc_pct != null ? `${fmt(w.soc_pct, 0)}${sd(w.soc_sd_pct, 0)} %` : "–"),
        w ? `state of charge (twin, ± 1 sd) at ${when(w.ts, site)}` : "state of charge (twin)"),
      // While it discharges (or, brul-twin --load, at the design load):
      // the question an operator asks during an outage.
      w?.runtime_min != null ? el("div", { class: "tile", id: "runtime" }, el("b", {}, `${fmt(w.runtime_min)} min`),
        `to cut-off (twin, at ${when(w.ts, site)}), 90 %: ${fmt(w.runtime_lo_min)}–${fmt(w.runtime_hi_min)} min`) : null,
      el("div", { class: "tile" }, el("b", {}, now ? `${fmt(now.voltage_v, 2)} V` : "–"), now ? `${fmt(now.temperature_c, 1)} °C at ${when(now.ts, site)}` : "no reading"),
      el("div", { class: "tile", id: "open-alerts" }, el("b", {}, fmt(b.open_alerts)), `${b.open_alerts === 1 ? "alert" : "alerts"} open`)),
    el("p", { class: "muted" }, `Position ${b.position ?? "?"} of ${b.string_id} · ${b.model ?? ""} ${b.capacity_ah ? `${b.capacity_ah} Ah` : ""} · installed ${b.install_date ?? "–"} · baseline ${fmt(base, 2)} mΩ`),
    el("div", { class: "filters" },
      select("res", "Resolution", [["raw", "raw"], ["hour", "hourly"], ["day", "daily"]], res,
        (v) => choose(v, ranges[v][0])),
      select("days", "Range", ranges[res].map((d) => [String(d), d === 1 ? "1 day" : `${d} days`]), String(days),
        (v) => choose(res, v)),
      el("span", { class: "muted", id: "range" }, `${when(shown, site)} to ${when(end, site)}`)),
    el("div", { id: "charts", "data-resolution": res, "data-from": iso(from), "data-to": iso(end) },
      timeChart({ title: "Voltage (V)", unit: " V", decimals: 3, ...span, series: [series(pts, res, "voltage", "voltage_v", colours[0])] }),
      timeChart({ title: "Current (A)", unit: " A", decimals: 2, ...span, series: [series(pts, res, "current", "current_a", colours[1])] }),
      timeChart({ title: "Temperature (°C)", unit: " °C", ...span, series: [series(pts, res, "temperature", "temperature_c", colours[3])] }),
      timeChart({ title: "Internal resistance (mΩ) against its baseline", unit: " mΩ", decimals: 2, ...span, lines: thresholds,
        series: [{ name: "resistance", colour: colours[0], points: pts.filter((x) => x.resistance_mohm !== null)
          .map((x) => ({ t: t(x.ts), y: x.resistance_mohm })) }] }),
      // Charge and health apart: each on a scale of its own, charge
      // from empty to full, health down to past its end of life.
      timeChart({ title: "State of charge, the twin's (%)", unit: " %", ...span, from: twinShown, lo: 0, hi: 100,
        series: [{ name: "state of charge", colour: colours[0], points: twin.points.map((x) => ({ t: t(x.ts), y: x.soc_pct })),
          band: twin.points.filter((x) => x.soc_sd_pct != null && x.soc_pct !== null)
            .map((x) => ({ t: t(x.ts), lo: Math.max(0, x.soc_pct - x.soc_sd_pct), hi: Math.min(100, x.soc_pct + x.soc_sd_pct) })), bandName: "± 1 sd" }] }),
      timeChart({ title: "State of health, the twin's (%)", unit: " %", ...span, from: twinShown, lo: 75, hi: 100,
        lines: [{ y: 80, name: "end of life (80 %)", colour: "#d55e00" }],
        series: [{ name: "state of health", colour: colours[1], points: twin.points.map((x) => ({ t: t(x.ts), y: x.soh_pct })),
          band: twin.points.filter((x) => x.soh_sd_pct !== null && x.soh_pct !== null)
            .map((x) => ({ t: t(x.ts), lo: x.soh_pct - x.soh_sd_pct, hi: x.soh_pct + x.soh_sd_pct })), bandName: "± 1 sd" }] }),
      rul.length ? timeChart({ title: "Predicted RUL (days), every prediction", unit: " d", decimals: 0, lo: 0, site,
        series: [{ name: "RUL", colour: colours[2], bandName: "p10–p90", points: rul.map((x) => ({ t: t(x.date), y: x.rul_days })),
          band: rul.filter((x) => x.rul_p10_days !== null && x.rul_p90_days !== null)
            .map((x) => ({ t: t(x.date), lo: x.rul_p10_days, hi: x.rul_p90_days })) }] }) :
        el("p", { class: "muted" }, "No predictions yet.")),
    el("h2", {}, "Alerts"),
    alerts.items.length ? table("block-alerts", [
      ["Opened", (a) => el("a", { href: `#/alerts/${encodeURIComponent(a.alert_id)}` }, when(a.ts_open, site))],
      ["State", (a) => a.state], ["Severity", (a) => a.severity ?? "", ""], ["Kind", (a) => a.kind],
      ["Message", (a) => a.message ?? "", "hide-narrow"]], alerts.items, (a) => ({ "data-alert": a.alert_id })) :
      el("p", { class: "muted" }, "No alerts."),
    el("h2", {}, "Events in this range"),
    events.items.length ? table("block-events", [
      ["Began", (e) => when(e.ts_start, site)], ["Ended", (e) => when(e.ts_end, site)], ["Kind", (e) => e.kind],
      ["Of", (e) => e.scope], ["Detail", (e) => e.detail ?? "", "hide-narrow"]], events.items) :
      el("p", { class: "muted" }, "None."));
}

block.concerns = (id, readings) => readings.some((x) => x.battery_id === id);
