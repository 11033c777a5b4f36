// morning.js: the morning list (#/morning): every block in service by
// its latest prediction, sortable, filtered by site and risk, exported
// as CSV.

import { api } from "./api.js";
import { el, fmt } from "./dom.js";

// Every battery in service with its latest prediction (the list pages
// through the API's limit).
async function latest(params = {}) {
  const items = [];
  for (let offset = 0; ; offset += 1000) {
    const q = new URLSearchParams({ ...params, limit: 1000, offset });
    const page = await api(`/api/v1/predictions/latest?${q}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}

async function overview(view) {
  const [sites, preds] = await Promise.all([
    api("/api/v1/sites?include=counts&limit=1000"), latest()]);
  const due = (d) => preds.filter((p) => p.rul_days !== null && p.rul_days <= d).length;
  const total = (k) => sites.items.reduce((n, s) => n + (s[k] ?? 0), 0);
  const open = (sev) => sites.items.reduce((n, s) => n + s.open_alerts[sev], 0);
  view.replaceChildren(
    el("h1", {}, "The fleet"),
    el("div", { class: "tiles" },
      el("div", { class: "tile", "data-count": "sites" }, el("b", {}, fmt(sites.total)), "sites"),
      el("div", { class: "tile", "data-count": "strings" }, el("b", {}, fmt(total("strings"))), "strings"),
      el("div", { class: "tile", "data-count": "batteries" }, el("b", {}, fmt(total("batteries"))), "blocks in service"),
      el("div", { class: "tile sev-critical", "data-count": "critical" }, el("b", {}, fmt(open("critical"))), "critical alerts open"),
      el("div", { class: "tile sev-warning", "data-count": "warning" }, el("b", {}, fmt(open("warning"))), "warnings open"),
      ...[30, 90, 180].map((d) =>
        el("div", { class: "tile", "data-count": `due${d}` }, el("b", {}, fmt(due(d))),
          `due for replacement within ${d} days`))),
    el("h2", {}, "Sites"),
    el("table", {},
      el("thead", {}, el("tr", {},
        el("th", {}, "Site"), el("th", { class: "hide-narrow" }, "Region"),
        el("th", { class: "num" }, "Strings"), el("th", { class: "num" }, "Blocks"),
        el("th", { class: "num" }, "Critical"), el("th", { class: "num" }, "Warnings"))),
      el("tbody", {}, sites.items.map((s) => el("tr", { "data-site": s.site_id },
        el("td", {}, `${s.name} (${s.site_id})`),
        el("td", { class: "hide-narrow" }, s.region ?? ""),
        el("td", { class: "num" }, fmt(s.strings)),
        el("td", { class: "num" }, fmt(s.batteries)),
        el("td", { class: "num sev-critical" }, fmt(s.open_alerts.critical)),
        el("td", { class: "num sev-warning" }, fmt(s.open_alerts.warning)))))));
}

// The morning list: sortable, filterable, exportable.
export async function morning(view) {
  const sites = await api("/api/v1/sites?limit=1000");
  const state = { site: "", risk: "", key: "rul_days", up: true };
  const body = el("tbody");
  const count = el("p", { class: "muted" });
  let rows = [];
  const cols = [
    ["battery_id", "Block"], ["site_id", "Site"], ["string_id", "String"],
    ["rul_days", "RUL (days)", 1], ["rul_p10_days", "p10", 1], ["rul_p90_days", "p90", 1],
    ["p_fail_30d", "P(fail 30 d)", 2], ["risk", "Risk"], ["date", "As of"]];
  const draw = () => {
    const k = state.key, s = state.up ? 1 : -1;
    const sorted = [...rows].sort((a, b) =>
      a[k] === b[k] ? 0 : a[k] === null ? 1 : b[k] === null ? -1 : (a[k] < b[k] ? -s : s));
    body.replaceChildren(...sorted.map((p) => el("tr", { "data-battery": p.battery_id },
      cols.map(([c, , d]) => el("td", d !== undefined ? { class: "num" } :
        c === "risk" ? { class: `risk-${p.risk}` } : {},
        c === "battery_id" ? el("a", { href: `#/block/${encodeURIComponent(p.battery_id)}` }, p.battery_id) :
        d !== undefined ? fmt(p[c], d === 1 ? 0 : 2) : (p[c] ?? ""))))));
    count.textContent = `${rows.length} blocks in service`;
  };
  const load = async () => {
    const q = {};
    if (state.site) q.site = state.site;
    if (state.risk) q.risk = state.risk;
    rows = await latest(q);
    draw();
  };
  const csv = () => {
    const esc = (v) => (v === null || v === undefined ? "" :
      /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    const text = [cols.map(([c]) => c).join(","),
      ...rows.map((p) => cols.map(([c]) => esc(p[c])).join(","))].join("\n") + "\n";
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })),
      download: "morning-list.csv" });
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const select = (name, opts) => el("select", { name, onchange: (e) => {
    state[name] = e.target.value; load(); } },
    el("option", { value: "" }, "all"), opts.map(([v, t]) => el("option", { value: v }, t)));
  view.replaceChildren(
    el("h1", {}, "The morning list"),
    el("div", { class: "filters" },
      el("label", {}, "Site", select("site", sites.items.map((s) => [s.site_id, s.name]))),
      el("label", {}, "Risk", select("risk", ["critical", "high", "medium", "low"].map((r) => [r, r]))),
      el("button", { type: "button", onclick: csv }, "Export CSV")),
    count,
    el("table", { id: "morning" },
      el("thead", {}, el("tr", {}, cols.map(([c, t, d]) => el("th", d !== undefined ? { class: "num" } : {},
        el("button", { type: "button", "data-sort": c, onclick: () => {
          state.up = state.key === c ? !state.up : true;
          state.key = c;
          draw();
        } }, t))))),
      body));
  await load();
}
