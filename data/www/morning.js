// morning.js: the morning list (#/morning): every block in service by
// its latest prediction, with its place in its string, its health, its
// resistance over baseline, its open alerts and the first of its
// reasons (all of them in the cell's title); sortable, filtered by site
// and risk, exported as CSV in the order on screen.
//
// The whole fleet is thousands of rows.  They are an ARIA table of grid
// rows in groups of 100, each group drawn only when it nears the screen
// (content-visibility), so the list is on screen in a fraction of the
// time a <table> of 20,000 cells takes to lay out; every row is still
// in the page, for the browser's find and for screen readers.

import { api } from "./api.js";
import { el, fmt, scroll, sites } from "./dom.js";
import { healthOf, overBaseline } from "./bands.js";

// Every battery in service with its latest prediction: the first page
// says how many there are, the others are asked for at once.
const PAGE = 1000;
async function latest(params = {}) {
  const at = (offset) => api(`/api/v1/predictions/latest?${new URLSearchParams({ ...params, limit: PAGE, offset })}`);
  const first = await at(0);
  const rest = [];
  for (let offset = PAGE; offset < first.total; offset += PAGE) rest.push(at(offset));
  const items = first.items.concat(...(await Promise.all(rest)).map((p) => p.items));
  // The reasons as one text: what the list sorts by and exports.
  for (const p of items) p.why = p.reasons?.length ? p.reasons.join("; ") : null;
  return items;
}

// The columns: key; header; decimals (numbers only); the order of the
// first click on the header (-1: highest first), riskiest first for a
// column that tells risk; the value sorted by (the key's, else); csv,
// the column's name in the export; wide: hidden on a phone, where the
// block, its RUL, risk, health and alerts stay in sight.
const RANK = { low: 0, medium: 1, high: 2, critical: 3 };
const cols = [
  { key: "battery_id", head: "Block" },
  { key: "site_id", head: "Site", wide: true },
  { key: "string_id", head: "String", wide: true },
  { key: "position", head: "Pos.", d: 0, wide: true, title: "position in the string" },
  { key: "rul_days", head: "RUL (days)", d: 0, first: 1 },
  { key: "rul_p10_days", head: "p10", d: 0, first: 1, wide: true },
  { key: "rul_p90_days", head: "p90", d: 0, first: 1, wide: true },
  { key: "p_fail_30d", head: "P(fail 30 d)", d: 2, first: -1, wide: true },
  { key: "risk", head: "Risk", first: -1, by: (p) => RANK[p.risk] ?? null },
  { key: "soh", head: "SoH (%)", d: 1, first: 1, csv: "soh_pct", title: "state of health, the twin's" },
  { key: "resistance_pct", head: "R rise (%)", d: 0, first: -1, wide: true, title: "resistance over its baseline" },
  { key: "open_alerts", head: "Alerts", d: 0, first: -1, title: "open alerts" },
  { key: "date", head: "As of", wide: true },
  { key: "why", head: "Why", wide: true }];
const GROUP = 100;

// One row: a clone of an empty one, its cells then filled in (thousands
// of rows are made at each sort; one native clone is cheaper than the
// fourteen elements made and set up one by one).
let blank;
function row(p) {
  if (!blank) {
    blank = el("div", { class: "mrow", role: "row" }, cols.map((c) =>
      el("span", { role: "cell", "data-col": c.key, class: [c.d !== undefined ? "num" : "", c.wide ? "wide" : ""].join(" ").trim() || null },
        c.key === "battery_id" ? el("a") : null)));
  }
  const r = blank.cloneNode(true);
  r.dataset.battery = p.battery_id;
  let cell = r.firstChild;
  for (const { key, d } of cols) {
    if (key === "battery_id") {
      cell.firstChild.href = `#/block/${encodeURIComponent(p.battery_id)}`;
      cell.firstChild.textContent = p.battery_id;
    } else if (key === "why") {
      // The weightiest reason; the others a hover away.
      if (p.why !== null) {
        cell.textContent = p.reasons[0];
        cell.title = p.reasons.join("\n");
      }
    } else if (key === "soh") {
      cell.textContent = p.soh === null ? "unknown" : fmt(p.soh, d);
      if (p.soh === null) cell.classList.add("muted");
      else if (p.soh_sd_pct !== null) cell.title = `± ${fmt(p.soh_sd_pct, 1)}`;
    } else {
      cell.textContent = d !== undefined ? fmt(p[key], d) : (p[key] ?? "");
      if (key === "risk") cell.className = `risk-${p.risk}`;
    }
    cell = cell.nextSibling;
  }
  return r;
}

export async function morning(view) {
  const sitesAsked = sites();
  // The sort on screen: a column, and 1 ascending or -1 descending.
  const state = { site: "", risk: "", key: "rul_days", dir: 1 };
  let sorted = [];
  const body = el("div", { role: "presentation" });
  const count = el("p", { class: "muted" });
  let rows = [];
  const draw = () => {
    const t0 = performance.now();
    const c = cols.find((x) => x.key === state.key), s = state.dir;
    const by = c.by ?? ((p) => p[c.key] ?? null);
    // Blocks without a value last, whichever the direction.
    sorted = rows.map((p) => [by(p), p]).sort(([x], [y]) =>
      x === y ? 0 : x === null ? 1 : y === null ? -1 : (x < y ? -s : s)).map(([, p]) => p);
    const groups = [];
    for (let i = 0; i < sorted.length; i += GROUP) {
      const g = el("div", { role: "rowgroup", class: "mgroup" });
      g.append(...sorted.slice(i, i + GROUP).map(row));
      groups.push(g);
    }
    body.replaceChildren(...groups);
    head.setAttribute("aria-rowcount", rows.length + 1);
    for (const b of head.querySelectorAll("[data-sort]")) {
      const on = b.dataset.sort === state.key;
      b.parentNode.setAttribute("aria-sort", !on ? "none" : s > 0 ? "ascending" : "descending");
      b.lastChild.textContent = !on ? "" : s > 0 ? " ▲" : " ▼";
    }
    count.textContent = `${fmt(rows.length)} blocks in service`;
    // For the browser test's account of where the time goes; one entry,
    // however often the list is redrawn.
    performance.clearMeasures("brul:morning draw");
    performance.measure("brul:morning draw", { start: t0 });
  };
  const load = async () => {
    const q = {};
    if (state.site) q.site = state.site;
    if (state.risk) q.risk = state.risk;
    rows = await latest(q);
    for (const p of rows) {
      p.soh = healthOf(p);
      p.resistance_pct = overBaseline(p);
    }
    draw();
  };
  const csv = () => {
    const esc = (v) => (v === null || v === undefined ? "" :
      /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    // The rows in the order on screen.
    const text = [cols.map((c) => c.csv ?? c.key).join(","),
      ...sorted.map((p) => cols.map((c) => esc(p[c.key])).join(","))].join("\n") + "\n";
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })),
      download: "morning-list.csv" });
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const select = (name, opts) => el("select", { name, onchange: (e) => {
    state[name] = e.target.value; load(); } },
    el("option", { value: "" }, "all"), opts.map(([v, t]) => el("option", { value: v }, t)));
  const head = el("div", { id: "morning", role: "table", "aria-label": "blocks by predicted remaining life" },
    el("div", { role: "rowgroup" }, el("div", { class: "mrow mhead", role: "row" },
      cols.map((c) => el("span", { role: "columnheader", title: c.title ?? null,
        class: [c.d !== undefined ? "num" : "", c.wide ? "wide" : ""].join(" ").trim() || null },
      el("button", { type: "button", "data-sort": c.key, onclick: () => {
        state.dir = state.key === c.key ? -state.dir : c.first ?? 1;
        state.key = c.key;
        draw();
      } }, c.head, el("span", { class: "arrow", "aria-hidden": "true" })))))),
    body);
  const [all] = await Promise.all([sitesAsked, load()]);
  view.replaceChildren(
    el("h1", {}, "The morning list"),
    el("div", { class: "filters" },
      el("label", {}, "Site", select("site", all.items.map((s) => [s.site_id, s.name]))),
      el("label", {}, "Risk", select("risk", ["critical", "high", "medium", "low"].map((r) => [r, r]))),
      el("button", { type: "button", onclick: csv }, "Export CSV")),
    count,
    scroll(head));
}
