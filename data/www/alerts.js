// alerts.js: alerts (#/alerts?state=open): a filtered list; one alert
// (#/alerts/ID) with its events, and for engineers and admins the forms
// to acknowledge it with a note and to resolve it.

import { api, session } from "./api.js";
import { el, scroll, when } from "./dom.js";

// Alerts: a filtered list; one alert with its events, and for engineers
// and admins the buttons to acknowledge and resolve it.
// What an alert is about, as a link to its block or its site's page.
const where = (a) => (a.battery_id ? el("a", { href: `#/block/${encodeURIComponent(a.battery_id)}` }, a.battery_id) :
  a.site_id ? el("a", { href: `#/site/${encodeURIComponent(a.site_id)}` }, a.string_id ?? a.site_id) : "");

export async function alerts(view, id, _q, redraw) {
  if (id) return alert(view, decodeURIComponent(id), redraw);
  const q = new URLSearchParams(location.hash.split("?")[1] ?? "");
  if (!q.has("state")) q.set("state", "open");
  q.set("limit", "200");
  const page = await api(`/api/v1/alerts?${q}`);
  const pick = (name, values) => el("select", { name, onchange: (e) => {
    if (e.target.value) q.set(name, e.target.value); else q.delete(name);
    q.delete("limit");
    location.hash = `#/alerts?${q}`;
  } }, el("option", { value: "" }, "all"), values.map((v) => {
    const o = el("option", { value: v }, v);
    if (q.get(name) === v) o.selected = true;
    return o;
  }));
  view.replaceChildren(
    el("h1", {}, "Alerts"),
    el("div", { class: "filters" },
      el("label", {}, "State", pick("state", ["open", "cleared"])),
      el("label", {}, "Severity", pick("severity", ["critical", "warning"]))),
    el("p", { class: "muted" }, `${page.total} alerts${page.total > page.items.length ? `, the newest ${page.items.length}` : ""}`),
    scroll(el("table", { id: "alerts" },
      el("thead", {}, el("tr", {}, el("th", {}, "Opened"), el("th", {}, "Severity"),
        el("th", {}, "Kind"), el("th", {}, "Where"), el("th", { class: "hide-narrow" }, "Message"),
        el("th", {}, "Acknowledged"))),
      el("tbody", {}, page.items.map((a) => el("tr", { "data-alert": a.alert_id },
        el("td", {}, el("a", { href: `#/alerts/${encodeURIComponent(a.alert_id)}` }, when(a.ts_open, a.site_id))),
        el("td", { class: `sev-${a.severity}` }, a.severity ?? ""),
        el("td", {}, a.kind), el("td", {}, where(a)),
        el("td", { class: "hide-narrow" }, a.message ?? ""),
        el("td", {}, a.acknowledged_by ?? "")))))));
}

async function alert(view, id, redraw) {
  const a = await api(`/api/v1/alerts/${encodeURIComponent(id)}`);
  const canAct = ["engineer", "admin"].includes(session().user.role);
  const act = (what, key, label) => {
    const input = el("input", { name: key, "aria-label": label, placeholder: label });
    return el("form", { class: "filters", id: what, onsubmit: async (e) => {
      e.preventDefault();
      await api(`/api/v1/alerts/${encodeURIComponent(id)}/${what}`, { method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(input.value ? { [key]: input.value } : {}) });
      redraw();
    } }, input, el("button", { type: "submit" }, what === "acknowledge" ? "Acknowledge" : "Resolve"));
  };
  view.replaceChildren(
    el("p", {}, el("a", { href: "#/alerts" }, "All alerts")),
    el("h1", {}, `${a.kind}: ${a.battery_id ?? a.string_id ?? a.site_id}`),
    el("p", {}, "Where: ", where(a)),
    el("div", { class: "card" },
      el("p", { class: `sev-${a.severity}` }, `${a.severity}, ${a.state}`),
      el("p", {}, a.message ?? ""),
      el("p", { id: "ack" }, a.acknowledged_by ?
        `Acknowledged by ${a.acknowledged_by} at ${when(a.acknowledged_at, a.site_id)}${a.ack_note ? `: ${a.ack_note}` : ""}` :
        "Not acknowledged"),
      el("p", { id: "resolved" }, a.resolved_by ? `Resolved by ${a.resolved_by}${a.resolution ? `: ${a.resolution}` : ""}` : ""),
      canAct && !a.acknowledged_by ? act("acknowledge", "note", "a note") : "",
      canAct && !a.resolved_by ? act("resolve", "resolution", "what was done") : ""),
    el("h2", {}, "Events"),
    el("table", {}, el("tbody", {}, a.events.map((e) => el("tr", {},
      el("td", {}, when(e.ts, a.site_id)), el("td", {}, e.event),
      el("td", { class: `sev-${e.severity}` }, e.severity ?? ""), el("td", {}, e.message ?? ""))))));
}
