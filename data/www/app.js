// app.js: brul's dashboard.  Plain modules, no build step.  The page
// shown is chosen by the URL's hash:
//   #/                the fleet            (overview.js)
//   #/morning         the morning list     (morning.js)
//   #/site/ID?by=     a site's blocks      (site.js)
//   #/strings/ID?days= a string           (string.js)
//   #/events?from=&to= what happened      (events.js)
//   #/block/ID?res=   one block            (block.js)
//   #/alerts, #/alerts/ID                  (alerts.js)
//   #/model           the model            (model.js)
//   #/users           users, for admins    (users.js)
// The header says what the live stream last brought; what it brings
// redraws the page it concerns.  Its search box goes to the block,
// string or site an id names.

import { api, session, signIn, signOut, token } from "./api.js";
import { $, clock, el, sites, zoneLabel } from "./dom.js";
import { overview } from "./overview.js";
import { morning } from "./morning.js";
import { site } from "./site.js";
import { block } from "./block.js";
import { alerts } from "./alerts.js";
import { model } from "./model.js";
import { users } from "./users.js";
import { events } from "./events.js";
import { strings } from "./string.js";

const views = { "": overview, morning, site, block, alerts, model, users, events, strings };

// The page asked for: its view, its argument and its query.
function where() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const [name, arg] = path.split("/");
  return { name: views[name] ? name : "", arg: arg && decodeURIComponent(arg), q: new URLSearchParams(query ?? "") };
}

// Live: the API's stream of what brul-load commits.  The browser
// reconnects by itself after an error; an expired token is refreshed
// first.  Redraws are coalesced: the first at once, then at most one a
// second.
let live = null, pending = null, last = 0;
function soon() {
  pending ??= setTimeout(() => {
    pending = null;
    last = Date.now();
    route();
  }, Math.max(0, last + 1000 - Date.now()));
}
async function listen() {
  if (live || !session()) return;
  const status = $("#live");
  let access;
  try { access = await token(); } catch { return; }
  if (live) return;	// opened meanwhile
  live = new EventSource(`/api/v1/stream?access_token=${encodeURIComponent(access)}`);
  const seen = (what, n) => {
    status.textContent = `live: ${what}${n ? ` (${n})` : ""} at ${clock(Date.now())} ${zoneLabel()}`;
    status.dataset.state = "up";
  };
  live.addEventListener("open", () => { status.textContent = "live"; status.dataset.state = "up"; });
  live.addEventListener("telemetry", (e) => {
    const readings = JSON.parse(e.data);
    seen("new readings", readings.length);
    const { name, arg } = where();
    if (views[name].concerns?.(arg, readings)) soon();
  });
  // reload: the server cannot say what this page missed (it restarted,
  // lost its database, or we were away too long): redraw from the API.
  for (const kind of ["alert_opened", "alert_updated", "alert_cleared", "prediction", "reload"])
    live.addEventListener(kind, () => {
      seen(kind.replace("_", " "));
      // Not under someone typing into a form, or ticking alerts.
      if (!location.hash.startsWith("#/alerts/") && !location.hash.startsWith("#/users") &&
        !views[where().name].busy?.()) soon();
    });
  // A lost connection: the browser retries by itself, unless the server
  // refused the stream (its token expired meanwhile, say); then we do,
  // with a fresh token.
  live.addEventListener("error", () => {
    status.textContent = "live: connection lost, reconnecting…";
    status.dataset.state = "down";
    if (live?.readyState === EventSource.CLOSED) {
      live = null;
      setTimeout(reopen, 3000);
    }
  });
  // The token expired, or the user was disabled: a fresh token, or the
  // sign-in form.
  for (const kind of ["expired", "revoked"])
    live.addEventListener(kind, () => {
      live.close();
      live = null;
      reopen();
    });
}
// Reopens the stream with a fresh token, trying again every few seconds
// while the server is away.
async function reopen() {
  if (live || !session()) return;
  try {
    await api("/api/v1/auth/me");	// refreshes the token
  } catch {
    if (session()) setTimeout(reopen, 3000);
    return;
  }
  listen();
}
function unlisten() {
  live?.close();
  live = null;
}

let drawn = "";
async function route() {
  const view = $("#view");
  if (!session()) {
    unlisten();
    $("#nav").hidden = true;
    $("#signin").hidden = false;
    view.replaceChildren();
    return;
  }
  const user = session().user;
  $("#signin").hidden = true;
  $("#nav").hidden = false;
  $("#nav-users").hidden = user.role !== "admin";
  $("#who").textContent = `${user.username} (${user.role})`;
  listen();
  const { name, arg, q } = where();
  for (const a of document.querySelectorAll("#nav a[data-view]"))
    if (a.dataset.view === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  view.setAttribute("aria-busy", "true");
  try {
    await sites();	// their time zones, which every page's times are shown in
    await views[name](view, arg, q, route);
    view.dataset.view = name || "overview";
  } catch (e) {
    view.replaceChildren(el("p", { class: "error", role: "alert" }, String(e.message ?? e)));
  }
  view.removeAttribute("aria-busy");
  // A new page takes the keyboard's focus to its heading, as a page load
  // would; a redraw of the same page leaves it where it is.
  if (location.hash !== drawn) {
    drawn = location.hash;
    view.querySelector("h1")?.setAttribute("tabindex", "-1");
    view.querySelector("h1")?.focus({ preventScroll: true });
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
// Search: the page of what the id names (a block first, where a block's
// id were also a string's), or says that nothing has it.
const pages = { battery: "block", string: "strings", site: "site" };
$("#search").addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = e.target.elements.q, id = input.value.trim(), say = $("#search-said");
  say.textContent = "";
  if (!id) return;
  try {
    const r = await api(`/api/v1/search?q=${encodeURIComponent(id)}`);
    const hit = r.items[0];
    if (!hit) {
      say.textContent = `no block, string or site "${id}"`;
      return;
    }
    input.value = "";
    location.hash = `#/${pages[hit.kind]}/${encodeURIComponent(hit.id)}`;
  } catch (err) {
    say.textContent = err.message;
  }
});
$("#signout").addEventListener("click", async () => {
  await signOut();
  route();
});
// The skip link moves the focus without touching the hash, which routes.
$(".skip").addEventListener("click", (e) => {
  e.preventDefault();
  $("#main").focus();
});
addEventListener("hashchange", route);
addEventListener("brul-signed-out", route);
route();
