// overview.js: the fleet at a glance (#/): counts, what happened since
// yesterday (events.js), the blocks due for replacement, the state of
// health of the fleet and of each site.

import { api } from "./api.js";
import { bars } from "./chart.js";
import { el, fmt, scroll, svg } from "./dom.js";
import { bandColours } from "./bands.js";
import { sinceYesterday } from "./events.js";

const GREY = "#c4cad1";
const tile = (key, value, text, cls = "") =>
  el("div", { class: `tile ${cls}`, "data-count": key }, el("b", {}, fmt(value)), text);
const bandNames = (e) => [`under ${e[0]} %`, ...e.slice(1).map((x, i) => `${e[i]}–${x} %`), `${e.at(-1)} % and over`];

// A site's blocks by band of health, as one bar split in proportion; grey
// for those whose estimate is too uncertain to tell a band (or missing).
function healthBar(s, names) {
  const parts = s.soh.map((n, i) => [n, bandColours[i], names[i]]).concat([[s.soh_unknown, GREY, "unknown"]])
    .filter(([n]) => n);
  return el("div", { class: "stack", role: "img",
    "aria-label": parts.map(([n, , name]) => `${n} ${name}`).join(", ") || "no blocks" },
  parts.map(([n, c, name]) => el("span", { style: { flex: n, background: c }, title: `${name}: ${n}` })));
}

// Each bar's count written above it, so that 9 blocks beside 2,282 are
// read, not guessed from a bar a pixel high.
function labelBars(figure) {
  for (const r of figure.querySelectorAll("rect[data-value]")) {
    const x = Number(r.getAttribute("x")) + Number(r.getAttribute("width")) / 2;
    r.after(svg("text", { x, y: Math.max(9, Number(r.getAttribute("y")) - 3), "text-anchor": "middle", class: "bar-count" },
      fmt(Number(r.dataset.value))));
  }
  return figure;
}

export async function overview(view) {
  const [sites, summary, activity] = await Promise.all([
    api("/api/v1/sites?include=counts&limit=1000"), api("/api/v1/summary"), api("/api/v1/activity")]);
  const f = summary.fleet, names = bandNames(summary.soh_edges_pct);
  const bySite = Object.fromEntries(summary.sites.map((s) => [s.site_id, s]));
  const none = { soh: names.map(() => 0), soh_unknown: 0, due_90d: 0 };
  const open = (sev) => sites.items.reduce((n, s) => n + s.open_alerts[sev], 0);
  view.replaceChildren(
    el("h1", {}, "The fleet"),
    // Eight tiles: four to a row, or two on a narrow screen (style.css),
    // so no row is left with a lonely tile.
    el("div", { class: "tiles fleet-tiles" },
      tile("sites", sites.total, "sites"),
      tile("strings", sites.items.reduce((n, s) => n + s.strings, 0), "strings"),
      tile("batteries", f.batteries, "blocks in service"),
      tile("critical", open("critical"), "critical alerts open", "sev-critical"),
      tile("warning", open("warning"), "warnings open", "sev-warning"),
      ...[30, 90, 180].map((d) => tile(`due${d}`, f[`due_${d}d`], `due for replacement within ${d} days`))),
    sinceYesterday(activity),
    el("div", { class: "row", id: "health" },
      labelBars(bars({ title: "State of health, the twin's latest estimate (blocks)", unit: " blocks",
        items: [...names.map((label, i) => ({ label: label.replace(" and over", "+").replace("under ", "<"),
          value: f.soh[i], colour: bandColours[i] })), { label: "unknown", value: f.soh_unknown, colour: GREY }] }))),
    el("h2", {}, "Sites"),
    scroll(el("table", { id: "sites" },
      el("thead", {}, el("tr", {},
        el("th", {}, "Site"), el("th", { class: "hide-narrow" }, "Region"),
        el("th", { class: "num" }, "Strings"), el("th", { class: "num" }, "Blocks"),
        el("th", { class: "num" }, "Critical"), el("th", { class: "num" }, "Warnings"),
        el("th", { class: "num hide-narrow" }, "Due in 90 d"), el("th", { class: "wide" }, "State of health"))),
      el("tbody", {}, sites.items.map((s) => el("tr", { "data-site": s.site_id },
        el("td", {}, el("a", { href: `#/site/${encodeURIComponent(s.site_id)}` }, `${s.name} (${s.site_id})`)),
        el("td", { class: "hide-narrow" }, s.region ?? ""),
        el("td", { class: "num" }, fmt(s.strings)),
        el("td", { class: "num" }, fmt(s.batteries)),
        el("td", { class: "num sev-critical" }, fmt(s.open_alerts.critical)),
        el("td", { class: "num sev-warning" }, fmt(s.open_alerts.warning)),
        el("td", { class: "num hide-narrow" }, fmt((bySite[s.site_id] ?? none).due_90d)),
        el("td", { class: "wide" }, healthBar(bySite[s.site_id] ?? none, names))))))),
    el("ul", { class: "legend" }, [...names, "unknown"].map((name, i) =>
      el("li", {}, el("span", { class: "swatch", style: { background: bandColours[i] ?? GREY } }), name))));
}
