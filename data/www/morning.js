// morning.js: the morning list (#/morning): every block in service by
// its latest prediction and the first of its reasons (all of them in the
// cell's title), sortable, filtered by site and risk, exported as CSV.
//
// The whole fleet is thousands of rows.  They are an ARIA table of grid
// rows in groups of 100, each group drawn only when it nears the screen
// (content-visibility), so the list is on screen in a fraction of the
// time a <table> of 20,000 cells takes to lay out; every row is still
// in the page, for the browser's find and for screen readers.

import { api } from "./api.js";
import { el, fmt, scroll } from "./dom.js";

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

// The columns: key, header, decimals (numbers only).
const cols = [
  ["battery_id", "Block"], ["site_id", "Site"], ["string_id", "String"],
  ["rul_days", "RUL (days)", 0], ["rul_p10_days", "p10", 0], ["rul_p90_days", "p90", 0],
  ["p_fail_30d", "P(fail 30 d)", 2], ["risk", "Risk"], ["date", "As of"], ["why", "Why"]];
const GROUP = 100;

// One row: a clone of an empty one, its cells then filled in (thousands
// of rows are made at each sort; one native clone is cheaper than the
// twelve elements made and set up one by one).
let blank;
function row(p) {
  if (!blank) {
    blank = el("div", { class: "mrow", role: "row" }, cols.map(([c, , d]) =>
      el("span", { role: "cell", class: d !== undefined ? "num" : null }, c === "battery_id" ? el("a") : null)));
  }
  const r = blank.cloneNode(true);
  r.dataset.battery = p.battery_id;
  let cell = r.firstChild;
  for (const [c, , d] of cols) {
    if (c === "battery_id") {
      cell.firstChild.href = `#/block/${encodeURIComponent(p.battery_id)}`;
      cell.firstChild.textContent = p.battery_id;
    } else if (c === "why") {
      // The weightiest reason; the others a hover away.
      if (p.why !== null) {
        cell.textContent = p.reasons[0];
        cell.title = p.reasons.join("\n");
      }
    } else {
      cell.textContent = d !== undefined ? fmt(p[c], d) : (p[c] ?? "");
      if (c === "risk") cell.className = `risk-${p.risk}`;
    }
    cell = cell.nextSibling;
  }
  return r;
}

export async function morning(view) {
  const sitesAsked = api("/api/v1/sites?limit=1000");
  const state = { site: "", risk: "", key: "rul_days", up: true };
  const body = el("div", { role: "presentation" });
  const count = el("p", { class: "muted" });
  let rows = [];
  const draw = () => {
    const t0 = performance.now();
    const k = state.key, s = state.up ? 1 : -1;
    const sorted = [...rows].sort((a, b) =>
      a[k] === b[k] ? 0 : a[k] === null ? 1 : b[k] === null ? -1 : (a[k] < b[k] ? -s : s));
    const groups = [];
    for (let i = 0; i < sorted.length; i += GROUP) {
      const g = el("div", { role: "rowgroup", class: "mgroup" });
      g.append(...sorted.slice(i, i + GROUP).map(row));
      groups.push(g);
    }
    body.replaceChildren(...groups);
    head.setAttribute("aria-rowcount", rows.length + 1);
    for (const b of head.querySelectorAll("[data-sort]"))
      b.parentNode.setAttribute("aria-sort", b.dataset.sort !== k ? "none" : state.up ? "ascending" : "descending");
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
  const head = el("div", { id: "morning", role: "table", "aria-label": "blocks by predicted remaining life" },
    el("div", { role: "rowgroup" }, el("div", { class: "mrow mhead", role: "row" },
      cols.map(([c, t, d]) => el("span", { role: "columnheader", class: d !== undefined ? "num" : null },
        el("button", { type: "button", "data-sort": c, onclick: () => {
          state.up = state.key === c ? !state.up : true;
          state.key = c;
          draw();
        } }, t))))),
    body);
  const [sites] = await Promise.all([sitesAsked, load()]);
  view.replaceChildren(
    el("h1", {}, "The morning list"),
    el("div", { class: "filters" },
      el("label", {}, "Site", select("site", sites.items.map((s) => [s.site_id, s.name]))),
      el("label", {}, "Risk", select("risk", ["critical", "high", "medium", "low"].map((r) => [r, r]))),
      el("button", { type: "button", onclick: csv }, "Export CSV")),
    count,
    scroll(head));
}
