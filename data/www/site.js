// site.js: a site (#/site/ID?by=health): its strings drawn as rows of
// blocks, each coloured by the measure chosen, so that a hot or failing
// block stands out; each block opens its page.  A block sits in its
// column by its position in the string, so that an empty slot stays a
// gap and a technician counting along the rack finds the right block.

import { api } from "./api.js";
import { count, el, fmt, when } from "./dom.js";
import { bandColours, colourOf, measures } from "./bands.js";
import { rules } from "./cache.js";
import { stringSummary } from "./string.js";

// Backgrounds that want white text.
const DARK = [bandColours[0], bandColours[4]];

export async function site(view, id, q) {
  const [s, blocks, r] = await Promise.all([
    api(`/api/v1/sites/${encodeURIComponent(id)}`),
    api(`/api/v1/sites/${encodeURIComponent(id)}/blocks`), rules()]);
  const all = measures(r, blocks.items);
  const by = all[q.get("by")] ? q.get("by") : "health";
  const m = all[by];
  const strings = new Map();
  for (const b of blocks.items) {
    if (!strings.has(b.string_id)) strings.set(b.string_id, []);
    strings.get(b.string_id).push(b);
  }
  const label = (b) => {
    const v = m.value(b);
    return `${b.battery_id}, position ${b.position ?? "?"}: ${m.name} ${v === null ? "unknown" : fmt(v, m.d) + m.unit}`;
  };
  // The string's slots 1 to n: a block where one is, an empty slot
  // where none is; a block without a position after them.
  const slots = (bs) => Math.max(24, ...bs.map((b) => b.position ?? 0));
  const cell = (b) => {
    const v = m.value(b), c = colourOf(m, v);
    return el("a", { class: `cell${DARK.includes(c) ? " dark" : ""}`, href: `#/block/${encodeURIComponent(b.battery_id)}`,
      "data-battery": b.battery_id, "data-value": v ?? "", "data-position": b.position ?? "",
      style: { background: c, "grid-column": b.position ? String(b.position) : null },
      "aria-label": label(b), title: label(b) }, v === null ? "" : fmt(v, m.d > 0 && Math.abs(v) < 100 ? 1 : 0));
  };
  const cells = (bs) => {
    const taken = new Set(bs.map((b) => b.position));
    const empty = [];
    for (let i = 1; i <= slots(bs); i++)
      if (!taken.has(i)) empty.push(el("span", { class: "slot-empty", "data-position": i, style: { "grid-column": String(i) },
        title: `position ${i}: no block in service`, "aria-label": `position ${i}: no block in service` }));
    return [...bs.map(cell), ...empty];
  };
  const edges = m.edges, names = [`under ${fmt(edges[0])}`, ...edges.slice(1).map((e, i) => `${fmt(edges[i])}–${fmt(e)}`),
    `${fmt(edges.at(-1))} and over`];
  const order = m.good === "high" ? names.map((n, i) => [n, bandColours[i]]) :
    names.map((n, i) => [n, bandColours[edges.length - i]]);
  const latest = blocks.items.reduce((a, b) => (b.ts && b.ts > a ? b.ts : a), "");
  view.replaceChildren(
    el("p", {}, el("a", { href: "#/" }, "The fleet")),
    el("h1", {}, `${s.name} (${s.site_id})`),
    el("p", { class: "muted" }, `${s.province ?? s.region ?? ""} · ${fmt(s.strings)} strings · ${fmt(s.batteries)} blocks in service · `,
      `${fmt(s.open_alerts.critical)} critical and ${count(s.open_alerts.warning, "warning")} open · latest reading ${when(latest, id)}`),
    el("div", { class: "filters", role: "group", "aria-label": "colour blocks by" },
      Object.entries(all).map(([k, x]) => el("a", { class: `pill${k === by ? " on" : ""}`, "aria-current": k === by ? "true" : null,
        href: `#/site/${encodeURIComponent(id)}?by=${k}` }, x.name))),
    el("div", { id: "strings" }, [...strings].map(([sid, bs]) =>
      el("div", { class: "string", "data-string": sid },
        el("div", { class: "string-name" }, sid),
        el("div", { class: "blocks", style: { "--n": slots(bs) } }, cells(bs))))),
    el("ul", { class: "legend" }, el("li", {}, `${m.name} (${m.unit.trim()}):`),
      order.map(([n, c]) => el("li", {}, el("span", { class: "swatch", style: { background: c } }), n)),
      el("li", {}, el("span", { class: "swatch", style: { background: "#c4cad1" } }), "unknown"),
      el("li", {}, el("span", { class: "swatch slot-empty" }), "no block in service")),
    stringSummary(id));
}

// New readings for this site redraw it.
site.concerns = (id, readings) => readings.some((x) => x.site_id === id);
