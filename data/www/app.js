// app.js: brul's dashboard.  Plain modules, no build step; every value
// from the API goes into the page as text (never as HTML).  Views are
// chosen by the URL's hash: #/ (the overview), #/morning (the list),
// #/alerts (their list; #/alerts/ID one of them).  The header says what
// the live stream last brought.

import { api, session, signIn, signOut } from "./api.js";

const $ = (sel) => document.querySelector(sel);

// el("td", {class: "num"}, "12"): an element with attributes and children.
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids.flat())
    e.append(k instanceof Node ? k : document.createTextNode(k ?? ""));
  return e;
}

const fmt = (x, d = 0) => (x === null || x === undefined ? "–" :
  Number(x).toLocaleString("en", { minimumFractionDigits: d, maximumFractionDigits: d }));

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
async function morning(view) {
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

// Alerts: a filtered list; one alert with its events, and for engineers
// and admins the buttons to acknowledge and resolve it.
async function alerts(view, id) {
  if (id) return alert(view, decodeURIComponent(id));
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
    el("table", { id: "alerts" },
      el("thead", {}, el("tr", {}, el("th", {}, "Opened"), el("th", {}, "Severity"),
        el("th", {}, "Kind"), el("th", {}, "Where"), el("th", { class: "hide-narrow" }, "Message"),
        el("th", {}, "Acknowledged"))),
      el("tbody", {}, page.items.map((a) => el("tr", { "data-alert": a.alert_id },
        el("td", {}, el("a", { href: `#/alerts/${encodeURIComponent(a.alert_id)}` }, a.ts_open.slice(0, 16).replace("T", " "))),
        el("td", { class: `sev-${a.severity}` }, a.severity ?? ""),
        el("td", {}, a.kind), el("td", {}, a.battery_id ?? a.string_id ?? a.site_id ?? ""),
        el("td", { class: "hide-narrow" }, a.message ?? ""),
        el("td", {}, a.acknowledged_by ?? ""))))));
}

async function alert(view, id) {
  const a = await api(`/api/v1/alerts/${encodeURIComponent(id)}`);
  const canAct = ["engineer", "admin"].includes(session().user.role);
  const act = (what, key, label) => {
    const input = el("input", { name: key, "aria-label": label, placeholder: label });
    return el("form", { class: "filters", id: what, onsubmit: async (e) => {
      e.preventDefault();
      await api(`/api/v1/alerts/${encodeURIComponent(id)}/${what}`, { method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(input.value ? { [key]: input.value } : {}) });
      route();
    } }, input, el("button", { type: "submit" }, what === "acknowledge" ? "Acknowledge" : "Resolve"));
  };
  view.replaceChildren(
    el("p", {}, el("a", { href: "#/alerts" }, "All alerts")),
    el("h1", {}, `${a.kind}: ${a.battery_id ?? a.string_id ?? a.site_id}`),
    el("div", { class: "card" },
      el("p", { class: `sev-${a.severity}` }, `${a.severity}, ${a.state}`),
      el("p", {}, a.message ?? ""),
      el("p", { id: "ack" }, a.acknowledged_by ?
        `Acknowledged by ${a.acknowledged_by} at ${a.acknowledged_at.slice(0, 16).replace("T", " ")}${a.ack_note ? `: ${a.ack_note}` : ""}` :
        "Not acknowledged"),
      el("p", { id: "resolved" }, a.resolved_by ? `Resolved by ${a.resolved_by}${a.resolution ? `: ${a.resolution}` : ""}` : ""),
      canAct && !a.acknowledged_by ? act("acknowledge", "note", "a note") : "",
      canAct && !a.resolved_by ? act("resolve", "resolution", "what was done") : ""),
    el("h2", {}, "Events"),
    el("table", {}, el("tbody", {}, a.events.map((e) => el("tr", {},
      el("td", {}, e.ts.slice(0, 16).replace("T", " ")), el("td", {}, e.event),
      el("td", { class: `sev-${e.severity}` }, e.severity ?? ""), el("td", {}, e.message ?? ""))))));
}

const views = { "": overview, morning, alerts };

// Live: the API's stream of what brul-load commits.  New telemetry says
// so in the header; alerts and predictions redraw the page shown.  The
// browser reconnects by itself; an expired token is refreshed first.
let live = null;
function listen() {
  if (live || !session()) return;
  const status = $("#live");
  live = new EventSource(`/api/v1/stream?access_token=${encodeURIComponent(session().access)}`);
  const seen = (what, n) => {
    status.textContent = `live: ${what}${n ? ` (${n})` : ""} at ${new Date().toLocaleTimeString("en-GB")}`;
    status.dataset.state = "up";
  };
  live.addEventListener("open", () => { status.textContent = "live"; status.dataset.state = "up"; });
  live.addEventListener("telemetry", (e) => seen("new readings", JSON.parse(e.data).length));
  for (const kind of ["alert_opened", "alert_updated", "alert_cleared", "prediction"])
    live.addEventListener(kind, () => {
      seen(kind.replace("_", " "));
      // Not under someone typing a note into an alert.
      if (!location.hash.startsWith("#/alerts/")) route();
    });
  live.addEventListener("error", () => {
    status.textContent = "live: connection lost, reconnecting…";
    status.dataset.state = "down";
  });
  live.addEventListener("expired", async () => {
    live.close();
    live = null;
    try { await api("/api/v1/auth/me"); } catch { return; }	// refreshes the token
    listen();
  });
}
function unlisten() {
  live?.close();
  live = null;
}

async function route() {
  const view = $("#view");
  if (!session()) {
    unlisten();
    $("#nav").hidden = true;
    $("#signin").hidden = false;
    view.replaceChildren();
    return;
  }
  $("#signin").hidden = true;
  $("#nav").hidden = false;
  $("#who").textContent = `${session().user.username} (${session().user.role})`;
  listen();
  const [name, arg] = location.hash.replace(/^#\/?/, "").split("?")[0].split("/");
  try {
    await (views[name] ?? overview)(view, arg);
  } catch (e) {
    view.replaceChildren(el("p", { class: "error", role: "alert" }, String(e.message ?? e)));
  }
}

$("#signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  try {
    await signIn(f.get("username"), f.get("password"));
    $("#signin-error").textContent = "";
    e.target.reset();
    route();
  } catch (err) {
    $("#signin-error").textContent = err.message;
  }
});
$("#signout").addEventListener("click", async () => {
  await signOut();
  route();
});
addEventListener("hashchange", route);
addEventListener("brul-signed-out", route);
route();
