// dom.js: the few helpers every page uses.  Values from the API go into
// the page as text nodes or attributes, never as HTML.  Times are shown
// here, in local time: the API's are UTC.

import { api } from "./api.js";

export const $ = (sel) => document.querySelector(sel);

const SVG = "http://www.w3.org/2000/svg";

// el("td", {class: "num"}, "12"): an element with attributes (on* are
// listeners; style an object of properties, set through the CSSOM, which
// the Content-Security-Policy allows where it forbids style attributes)
// and children (nodes, text, arrays, or null to skip).
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  return fill(e, attrs, kids);
}

// The same in SVG.
export function svg(tag, attrs = {}, ...kids) {
  return fill(document.createElementNS(SVG, tag), attrs, kids);
}

function fill(e, attrs, kids) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "style") for (const [p, x] of Object.entries(v)) e.style.setProperty(p, x);
    else e.setAttribute(k, v);
  }
  for (const k of kids.flat(Infinity))
    if (k !== null && k !== undefined && k !== false)
      e.append(k instanceof Node ? k : document.createTextNode(k));
  return e;
}

// 1234.5 as "1,235" (d decimals); null as a dash.  By hand: the morning
// list formats ten thousand numbers at each sort, and Intl.NumberFormat
// took a fifth of its drawing time.  toFixed rounds half away from zero,
// as Intl does.
export function fmt(x, d = 0) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  let s = x.toFixed(d);
  // A small negative rounded to nothing is no less than nothing.
  if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  const dot = s.indexOf(".");
  const whole = dot < 0 ? s : s.slice(0, dot);
  return whole.replace(/\B(?=(\d{3})+$)/g, ",") + (dot < 0 ? "" : s.slice(dot));
}

// "1 alert", "2 alerts": n formatted, with the noun that goes with it.
export const count = (n, one, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

// The sites' time zones (sites.timezone), fetched once: each site's, and
// the fleet's, the one most of its sites keep.  Until they are known
// (or without one) times are shown in UTC, labelled so.
let sitesAsked = null;
const zoneOf = new Map();
let fleetZone = "UTC";
export function sites() {
  sitesAsked ??= api("/api/v1/sites?limit=1000").then((page) => {
    const n = new Map();
    for (const s of page.items) {
      if (!s.timezone) continue;
      zoneOf.set(s.site_id, s.timezone);
      n.set(s.timezone, (n.get(s.timezone) ?? 0) + 1);
    }
    fleetZone = [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? "UTC";
    return page;
  }).catch((e) => { sitesAsked = null; throw e; });
  return sitesAsked;
}
// The zone a site's times are shown in (the fleet's for none).
export const zone = (site) => zoneOf.get(site) ?? fleetZone;

// One formatter per zone (making one costs more than using it); en-US
// for its short zone names ("GMT+7", "EST"), whatever the browser's
// language, and the parts put together by hand so the page reads alike
// everywhere.
const formats = new Map();
function parts(ms, z) {
  let f = formats.get(z);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: z, hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    formats.set(z, f);
  }
  return Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
}
// A zone's label at an instant: "GMT+7", or "UTC".
export const zoneLabel = (site, ms = Date.now()) => {
  const z = zone(site);
  return z === "UTC" ? "UTC" : parts(ms, z).timeZoneName;
};
// An API time ("2026-03-31T23:59:00Z", or milliseconds) as its minute in
// the site's zone (the fleet's without one), labelled:
// "2026-04-01 06:59 GMT+7".  A dash for none.
export function when(t, site) {
  if (t === null || t === undefined || t === "") return "–";
  const ms = typeof t === "number" ? t : Date.parse(t);
  if (Number.isNaN(ms)) return "–";
  const z = zone(site);
  if (z === "UTC") return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const p = parts(ms, z);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}
// The same without its date or label ("06:59"), for a chart's axis.
export function clock(ms, site) {
  const z = zone(site);
  if (z === "UTC") return new Date(ms).toISOString().slice(11, 16);
  const p = parts(ms, z);
  return `${p.hour}:${p.minute}`;
}
// The local date of an instant, "2026-04-01", for a chart's axis.
export function day(ms, site) {
  const z = zone(site);
  if (z === "UTC") return new Date(ms).toISOString().slice(0, 10);
  const p = parts(ms, z);
  return `${p.year}-${p.month}-${p.day}`;
}
// Milliseconds to add to UTC for the site's local time at ms.
export function offset(ms, site) {
  const z = zone(site);
  if (z === "UTC") return 0;
  const p = parts(ms, z);
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - Math.floor(ms / 60e3) * 60e3;
}

// A select whose options are [value, text] pairs, value chosen.
export function select(name, label, options, value, onchange) {
  return el("label", {}, label, el("select", { name, onchange: (e) => onchange(e.target.value) },
    options.map(([v, t]) => el("option", { value: v, selected: v === value ? "" : null }, t))));
}

// A table: cols are [header, cell(row) -> node or text, class]; rows get
// attrs(row).  In a box that scrolls sideways on a narrow screen, where
// the page does not.
export function table(id, cols, rows, attrs = () => ({})) {
  return scroll(el("table", { id },
    el("thead", {}, el("tr", {}, cols.map(([h, , c]) => el("th", { class: c }, h)))),
    el("tbody", {}, rows.map((r) => el("tr", attrs(r),
      cols.map(([, cell, c]) => el("td", { class: c }, cell(r))))))));
}

export const scroll = (node) => el("div", { class: "scroll" }, node);
