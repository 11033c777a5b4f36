// events.js: what happened (#/events?from=&to=), from the API's activity:
// the strings' discharges by site (found in their telemetry), the rooms
// that ran hot, the alerts escalated and opened; and the overview's
// "since yesterday" panel, the same activity for the last 24 hours.

import { api } from "./api.js";
import { el, fmt, table } from "./dom.js";

// A time as the pages of this module show it: UTC, to the minute, said
// so.  One function, so that the fleet's local time can replace it.
export const utc = (t) => (t ? `${t.slice(0, 16).replace("T", " ")} UTC` : "–");

const link = (hash, text) => el("a", { href: hash }, text);
const enc = encodeURIComponent;
const plural = (n, one, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;
const DAY = 86400e3;

// How a discharge ended, in words.
function ending(d) {
  if (d.ongoing) return "still discharging";
  if (d.mode_after === "rest") return "cut off (rest)";
  if (d.mode_after) return `mains back (${d.mode_after})`;
  return "data gap";
}

// The discharges, a table per site.
function discharges(items) {
  if (!items.length) return el("p", { class: "muted", id: "no-discharges" }, "No string discharged.");
  const sites = new Map();
  for (const d of items) {
    if (!sites.has(d.site_id)) sites.set(d.site_id, []);
    sites.get(d.site_id).push(d);
  }
  return [...sites].map(([site, ds]) => el("section", { class: "discharge-site", "data-site": site },
    el("h3", {}, link(`#/site/${enc(site)}`, site), `: ${plural(ds.length, "string")} discharged, `,
      `${fmt(ds.filter((d) => d.mode_after === "rest").length)} to cut-off`),
    table(`discharges-${site}`, [
      ["String", (d) => link(`#/strings/${enc(d.string_id)}`, d.string_id)],
      ["Start", (d) => (d.start_seen ? "" : "by ") + utc(d.start)],
      ["Minutes", (d) => (d.start_seen ? "" : "≥ ") + fmt(d.duration_min), "num"],
      ["Ah drawn", (d) => fmt(d.ah, 1), "num"],
      ["Depth", (d) => (d.depth_pct === null ? "–" : `${fmt(d.depth_pct, 0)} %`), "num"],
      ["Lowest block", (d) => (d.block_min ? [`${fmt(d.block_min.voltage_v, 2)} V `,
        link(`#/block/${enc(d.block_min.battery_id)}`, d.block_min.battery_id)] : "–"), "num"],
      ["Runtime left", (d) => (d.runtime ? `${fmt(d.runtime.runtime_min)} min` : "–"), "num"],
      ["Twin capacity", (d) => (d.twin_capacity ? `${fmt(d.twin_capacity.capacity_ah, 1)} Ah` : "–"), "num"],
      ["Ended", ending],
    ], ds, (d) => ({ "data-string": d.string_id }))));
}

const alertRow = [
  ["Opened", (a) => utc(a.ts_open)],
  ["Severity", (a) => a.severity, ""],
  ["Where", (a) => a.battery_id ? link(`#/block/${enc(a.battery_id)}`, a.battery_id) :
    a.string_id ? link(`#/strings/${enc(a.string_id)}`, a.string_id) : a.site_id ? link(`#/site/${enc(a.site_id)}`, a.site_id) : "–"],
  ["What", (a) => link(`#/alerts/${enc(a.alert_id)}`, a.message ?? a.kind)],
];

// The range of a query (?from=&to=): both, or the API's default.
function range(q) {
  const from = q?.get("from"), to = q?.get("to");
  return from && to ? `?from=${enc(from)}&to=${enc(to)}` : "";
}

export async function events(view, arg, q) {
  const g = await api(`/api/v1/activity${range(q)}`);
  const to = Date.parse(g.to), span = Math.round((to - Date.parse(g.from)) / DAY);
  const iso = (t) => new Date(t).toISOString().replace(".000Z", "Z");
  const o = g.alerts_opened;
  view.replaceChildren(
    el("h1", {}, "What happened"),
    el("p", { class: "muted", id: "events-range", "data-from": g.from, "data-to": g.to },
      `From ${utc(g.from)} to ${utc(g.to)}: discharges from the strings' telemetry, rooms from the room temperature alerts.`),
    el("div", { class: "filters", role: "group", "aria-label": "range" }, [1, 3, 7].map((n) =>
      el("a", { class: `pill${n === span ? " on" : ""}`, "aria-current": n === span ? "true" : null,
        href: `#/events?from=${enc(iso(to - n * DAY))}&to=${enc(g.to)}` }, n === 1 ? "last 24 h" : `last ${n} days`))),
    el("h2", {}, "Discharges"),
    el("div", { id: "discharges" }, discharges(g.discharges)),
    el("h2", {}, "Rooms that ran hot"),
    g.room_faults.length ? table("room-faults", [
      ["Site", (a) => link(`#/site/${enc(a.site_id)}`, a.site_id)],
      ["Opened", (a) => utc(a.ts_open)], ["Cleared", (a) => (a.ts_clear ? utc(a.ts_clear) : "still open")],
      ["Severity", (a) => a.severity], ["What", (a) => link(`#/alerts/${enc(a.alert_id)}`, a.message ?? a.kind)],
    ], g.room_faults, (a) => ({ "data-alert": a.alert_id })) : el("p", { class: "muted", id: "no-room-faults" }, "No room ran hot."),
    el("h2", {}, "Alerts escalated to critical"),
    g.alerts_escalated.length ? table("escalated", [["Escalated", (a) => utc(a.ts_escalated)], ...alertRow.slice(1)],
      g.alerts_escalated, (a) => ({ "data-alert": a.alert_id })) : el("p", { class: "muted", id: "no-escalated" }, "None."),
    el("h2", {}, "Alerts opened"),
    el("p", { id: "opened" }, `${plural(o.total, "alert")} opened: ${fmt(o.critical)} critical, ${fmt(o.warning)} warnings. `,
      o.items.length < o.total ? `The first ${fmt(o.items.length)}, critical first; ` : "", link("#/alerts", "all alerts")),
    o.by_kind.length ? el("p", { class: "muted" }, o.by_kind.map((k) => `${k.kind} ${fmt(k.total)}`).join(" · ")) : null,
    o.items.length ? table("opened-alerts", alertRow, o.items, (a) => ({ "data-alert": a.alert_id })) : null);
}

// New alerts redraw the page (app.js); new readings do not change it
// until the strings' telemetry is loaded, which the stream does not say.
events.concerns = () => false;

// The overview's panel: the last 24 hours in a few lines, each linking
// to the events page.  Given the activity (the caller fetches it with the
// overview's other requests).
export function sinceYesterday(g) {
  const ds = g.discharges, sites = [...new Set(ds.map((d) => d.site_id))];
  const cut = ds.filter((d) => d.mode_after === "rest").length;
  const o = g.alerts_opened;
  const line = (key, n, text) => el("li", { "data-overnight": key, "data-n": n }, el("b", {}, fmt(n)), " ", text);
  return el("section", { class: "card", id: "overnight", "aria-labelledby": "overnight-h" },
    el("h2", { id: "overnight-h" }, "Since yesterday ", el("span", { class: "muted" }, `(${utc(g.from)} to ${utc(g.to)})`)),
    el("ul", {},
      line("discharges", ds.length, [`string discharges${sites.length ? ` at ${sites.join(", ")}` : ""}`,
        cut ? `, ${fmt(cut)} to cut-off` : ""]),
      line("room_faults", g.room_faults.length, "rooms that ran hot"),
      line("opened", o.total, `alerts opened (${fmt(o.critical)} critical)`),
      line("escalated", g.alerts_escalated.length, "alerts escalated to critical")),
    link("#/events", "What happened →"));
}
