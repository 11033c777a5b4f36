// alerts.js: alerts (#/alerts?state=open&offset=0): what to act on first
// (the API's sort=priority) or the newest, a page at a time through all of
// them, filtered by state, severity, site, rule and acknowledgement; an
// engineer ticks several and acknowledges them with one note.  One alert
// (#/alerts/ID) with its events, and for engineers and admins the forms to
// acknowledge it with a note and to resolve it.

import { api, session } from "./api.js";
import { count, el, fmt, scroll, select, sites, when } from "./dom.js";
import { rules } from "./cache.js";

const PAGE = 100;

// What each priority asks of the operator (brul-alert(1), PRIORITY).
const PRIORITY = ["", "act now", "today", "this week", "plan it"];

// What an alert is about, as a link to its block or its site's page.
const where = (a) => (a.battery_id ? el("a", { href: `#/block/${encodeURIComponent(a.battery_id)}` }, a.battery_id) :
  a.site_id ? el("a", { href: `#/site/${encodeURIComponent(a.site_id)}` }, a.string_id ?? a.site_id) : "");

// The rules' labels by name ("block temperature high"), for the kinds.
async function labels() {
  const r = await rules().catch(() => ({ rules: [] }));
  return new Map(r.rules.map((x) => [x.name, x.label]));
}
const kindOf = (names, kind) => names.get(kind) ?? kind.replaceAll("_", " ");

// An alert's priority as the operator acts on it: its urgency, with the
// rule's own priority said when a day unacknowledged raised it.
function priority(a) {
  const u = a.urgency ?? a.priority;
  if (u == null) return "";
  const raised = a.priority != null && u < a.priority;
  return el("span", { class: `prio prio-${u}`, title: raised ?
    `P${a.priority} raised to P${u}: open and unacknowledged for over a day` : PRIORITY[u] },
  `P${u}`, raised ? " ↑" : "");
}

const canAct = () => ["engineer", "admin"].includes(session().user.role);

// The engineer's ticks and note survive the live stream's redraws; what
// became of the last acknowledgement is said on the page drawn after it.
let ticked = new Set(), note = "", said = "", saidOn = "";
alerts.busy = () => ticked.size > 0 || note !== "";

export async function alerts(view, id, q, redraw) {
  if (id) return alert(view, id, redraw);
  q = new URLSearchParams(q);
  if (!q.has("state")) q.set("state", "open");
  if (q.get("state") === "all") q.delete("state");
  const offset = Math.max(0, Number(q.get("offset")) || 0);
  const ask = new URLSearchParams(q);
  ask.set("limit", PAGE);
  ask.set("offset", offset);
  const [page, names, fleet] = await Promise.all([api(`/api/v1/alerts?${ask}`), labels(), sites()]);
  const go = (changes) => {
    const n = new URLSearchParams(q);
    if (!n.has("state")) n.set("state", "all");
    for (const [k, v] of Object.entries(changes)) if (v === "" || v == null) n.delete(k); else n.set(k, v);
    if (!("offset" in changes)) n.delete("offset");
    ticked = new Set();
    location.hash = `#/alerts?${n}`;
  };
  const pick = (name, label, options) => select(name, label, [["", "all"], ...options], q.get(name) ?? "",
    (v) => go({ [name]: v }));
  const shown = page.items;
  const act = canAct();
  const unacked = shown.filter((a) => !a.acknowledged_by && !a.resolved_by);
  ticked = new Set([...ticked].filter((x) => unacked.some((a) => a.alert_id === x)));

  const tick = (a) => (!act ? null : a.acknowledged_by || a.resolved_by ? "" :
    el("input", { type: "checkbox", "aria-label": `select ${a.alert_id}`, value: a.alert_id,
      checked: ticked.has(a.alert_id) ? "" : null, onchange: (e) => {
        if (e.target.checked) ticked.add(a.alert_id); else ticked.delete(a.alert_id);
        tally();
      } }));
  const all = act && el("input", { type: "checkbox", id: "tick-all", "aria-label": "select every unacknowledged alert on this page",
    onchange: (e) => {
      ticked = e.target.checked ? new Set(unacked.map((a) => a.alert_id)) : new Set();
      for (const b of document.querySelectorAll("#alerts tbody input[type=checkbox]")) b.checked = e.target.checked;
      tally();
    } });
  const button = el("button", { type: "submit" });
  const text = el("textarea", { name: "note", rows: 2, maxlength: 2000, "aria-label": "a note for the alerts selected",
    placeholder: "a note for the alerts selected (what you will do)", oninput: (e) => { note = e.target.value; } }, note);
  function tally() {
    button.textContent = `Acknowledge ${count(ticked.size, "alert")}`;
    button.disabled = ticked.size === 0;
    if (all) all.checked = unacked.length > 0 && ticked.size === unacked.length;
  }
  tally();
  const bulk = act && unacked.length > 0 ? el("form", { id: "bulk-ack", class: "bulk", onsubmit: async (e) => {
    e.preventDefault();
    button.disabled = true;
    said = await acknowledge([...ticked], text.value);
    saidOn = location.hash;
    ticked = new Set();
    note = "";
    redraw();
  } }, text, button) : "";

  const last = Math.min(page.total, offset + shown.length);
  const pager = () => el("nav", { class: "pager", "aria-label": "pages of alerts" },
    el("button", { type: "button", class: "prev", disabled: offset === 0 ? "" : null,
      onclick: () => go({ offset: Math.max(0, offset - PAGE) || "" }) }, "‹ Previous"),
    el("span", { class: "shown" }, page.total === 0 ? "no alerts" : shown.length === 0 ?
      `nothing past the ${count(page.total, "alert")}` : `${fmt(offset + 1)}–${fmt(last)} of ${count(page.total, "alert")}`),
    el("button", { type: "button", class: "next", disabled: last >= page.total ? "" : null,
      onclick: () => go({ offset: offset + PAGE }) }, "Next ›"));

  view.replaceChildren(
    el("h1", {}, "Alerts"),
    el("div", { class: "filters" },
      select("state", "State", [["open", "open"], ["cleared", "cleared"], ["all", "all"]], q.get("state") ?? "all",
        (v) => go({ state: v })),
      pick("severity", "Severity", [["critical", "critical"], ["warning", "warning"]]),
      pick("site", "Site", fleet.items.map((s) => [s.site_id, `${s.site_id} ${s.name ?? ""}`.trim()])),
      pick("kind", "Rule", [...names].map(([k, l]) => [k, l]).sort((a, b) => (a[1] < b[1] ? -1 : 1))),
      pick("acknowledged", "Acknowledged", [["false", "not yet"], ["true", "acknowledged"]]),
      select("sort", "Order", [["priority", "what to act on first"], ["recent", "newest first"]],
        q.get("sort") ?? "priority", (v) => go({ sort: v === "priority" ? "" : v }))),
    bulk, act ? el("p", { id: "bulk-said", role: "status" }, saidOn === location.hash ? said : "") : "", pager(),
    scroll(el("table", { id: "alerts" },
      el("thead", {}, el("tr", {}, act ? el("th", {}, all) : "", el("th", {}, "Priority"), el("th", {}, "Opened"),
        el("th", {}, "Severity"), el("th", {}, "Kind"), el("th", {}, "Site"), el("th", {}, "Where"),
        el("th", { class: "hide-narrow" }, "Message"), el("th", {}, "Acknowledged"))),
      el("tbody", {}, shown.map((a) => el("tr", { "data-alert": a.alert_id, "data-urgency": a.urgency ?? null },
        act ? el("td", {}, tick(a)) : "",
        el("td", {}, priority(a)),
        el("td", { class: "opened" }, el("a", { href: `#/alerts/${encodeURIComponent(a.alert_id)}` }, when(a.ts_open, a.site_id))),
        el("td", { class: `sev-${a.severity}` }, a.severity ?? ""),
        el("td", { "data-kind": a.kind }, kindOf(names, a.kind)),
        el("td", {}, a.site_id ? el("a", { href: `#/site/${encodeURIComponent(a.site_id)}` }, a.site_id) : ""),
        el("td", { class: "where" }, where(a)),
        el("td", { class: "hide-narrow" }, a.message ?? ""),
        el("td", {}, a.acknowledged_by ?? "")))))),
    shown.length > 20 ? pager() : "");
}

// Acknowledges the alerts ids with the note, one request each (the API
// acknowledges one alert at a time, as its own record), at most four at
// once; says what became of them.
async function acknowledge(ids, text) {
  const body = JSON.stringify(text.trim() ? { note: text.trim() } : {});
  let done = 0, already = 0;
  const failed = [];
  const next = async () => {
    for (let id; (id = ids.shift()) !== undefined;) {
      try {
        await api(`/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`, { method: "POST",
          headers: { "Content-Type": "application/json" }, body });
        done++;
      } catch (e) {
        if (/already acknowledged/.test(e.message)) already++; else failed.push(`${id}: ${e.message}`);
      }
    }
  };
  await Promise.all([next(), next(), next(), next()]);
  return [`Acknowledged ${count(done, "alert")}.`, already ? `${count(already, "was", "were")} already acknowledged.` : "",
    failed.length ? `Not acknowledged: ${failed.join("; ")}.` : ""].filter(Boolean).join(" ");
}

async function alert(view, id, redraw) {
  const [a, names] = await Promise.all([api(`/api/v1/alerts/${encodeURIComponent(id)}`), labels()]);
  const act = (what, key, label) => {
    const input = el("textarea", { name: key, rows: 3, maxlength: 2000, "aria-label": label, placeholder: label });
    return el("form", { class: "act", id: what, onsubmit: async (e) => {
      e.preventDefault();
      await api(`/api/v1/alerts/${encodeURIComponent(id)}/${what}`, { method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(input.value.trim() ? { [key]: input.value.trim() } : {}) });
      redraw();
    } }, input, el("button", { type: "submit" }, what === "acknowledge" ? "Acknowledge" : "Resolve"));
  };
  view.replaceChildren(
    el("p", {}, el("a", { href: "#/alerts" }, "All alerts")),
    el("h1", {}, `${kindOf(names, a.kind)}: ${a.battery_id ?? a.string_id ?? a.site_id}`),
    el("p", {}, "Where: ", where(a), a.site_id && a.battery_id ? ` at ${a.site_id}` : ""),
    el("div", { class: "card" },
      el("p", {}, el("span", { class: `sev-${a.severity}` }, `${a.severity}, ${a.state}`), " ", priority(a),
        a.urgency != null ? ` ${PRIORITY[a.urgency]}` : ""),
      el("p", {}, a.message ?? ""),
      el("p", { id: "ack", class: "note" }, a.acknowledged_by ?
        `Acknowledged by ${a.acknowledged_by} at ${when(a.acknowledged_at, a.site_id)}${a.ack_note ? `: ${a.ack_note}` : ""}` :
        "Not acknowledged"),
      el("p", { id: "resolved", class: "note" }, a.resolved_by ? `Resolved by ${a.resolved_by}${a.resolution ? `: ${a.resolution}` : ""}` : ""),
      canAct() && !a.acknowledged_by ? act("acknowledge", "note", "a note (what you will do)") : "",
      canAct() && !a.resolved_by ? act("resolve", "resolution", "what was done") : ""),
    el("h2", {}, "Events"),
    el("table", {}, el("tbody", {}, a.events.map((e) => el("tr", {},
      el("td", {}, when(e.ts, a.site_id)), el("td", {}, e.event),
      el("td", { class: `sev-${e.severity}` }, e.severity ?? ""), el("td", {}, e.message ?? ""))))));
}
