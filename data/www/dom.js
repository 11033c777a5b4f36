// dom.js: the few helpers every page uses.  Values from the API go into
// the page as text nodes or attributes, never as HTML.

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
  const s = x.toFixed(d), dot = s.indexOf(".");
  const whole = dot < 0 ? s : s.slice(0, dot);
  return whole.replace(/\B(?=(\d{3})+$)/g, ",") + (dot < 0 ? "" : s.slice(dot));
}

// An API time ("2026-03-31T23:59:00Z") as "2026-03-31 23:59" (UTC).
export const when = (t) => (t ? t.slice(0, 16).replace("T", " ") : "–");

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
