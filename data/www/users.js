// users.js: the users (#/users), for admins: the list, a new user, a
// change of role, disabling and enabling.  The API refuses anyone else,
// and refuses an admin locking themselves out; its message is shown.

import { api, session } from "./api.js";
import { el, scroll, when } from "./dom.js";

const ROLES = ["viewer", "engineer", "admin"];
const json = (method, body) => ({ method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

export async function users(view, _arg, _q, redraw) {
  const page = await api("/api/v1/auth/users?limit=1000");
  const status = el("p", { class: "error", role: "alert", id: "users-error" });
  // A change, then the list again; a refusal is said, not thrown.
  const act = async (path, init) => {
    try {
      await api(path, init);
      await redraw();
    } catch (e) {
      status.textContent = e.message;
    }
  };
  const me = session().user.username;
  const form = el("form", { class: "filters", id: "new-user", onsubmit: (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    if (!f.full_name) delete f.full_name;
    act("/api/v1/auth/users", json("POST", f));
  } },
  el("label", {}, "User name", el("input", { name: "username", required: "", autocomplete: "off" })),
  el("label", {}, "Full name", el("input", { name: "full_name" })),
  el("label", {}, "Role", el("select", { name: "role" }, ROLES.map((r) => el("option", { value: r }, r)))),
  el("label", {}, "Password", el("input", { name: "password", type: "password", required: "", minlength: 10, autocomplete: "new-password" })),
  el("button", { type: "submit" }, "Create"));
  view.replaceChildren(
    el("h1", {}, "Users"),
    status,
    scroll(el("table", { id: "users" },
      el("thead", {}, el("tr", {}, ["User", "Full name", "Role", "Active", "", "Last sign-in"].map((h, i) =>
        el("th", { class: i === 1 || i === 5 ? "hide-narrow" : null }, h)))),
      el("tbody", {}, page.items.map((u) => el("tr", { "data-user": u.username },
        el("td", {}, u.username + (u.username === me ? " (you)" : "")),
        el("td", { class: "hide-narrow" }, u.full_name ?? ""),
        el("td", {}, el("select", { name: "role", "aria-label": `role of ${u.username}`,
          onchange: (e) => act(`/api/v1/auth/users/${u.id}`, json("PATCH", { role: e.target.value })) },
        ROLES.map((r) => el("option", { value: r, selected: r === u.role ? "" : null }, r)))),
        // The state, and apart from it what can be done about it.
        el("td", { "data-active": String(u.active) }, u.active ? "active" : "disabled"),
        el("td", {}, el("button", { type: "button", "data-action": u.active ? "disable" : "enable",
          "aria-label": `${u.active ? "disable" : "enable"} ${u.username}`,
          onclick: () => act(`/api/v1/auth/users/${u.id}`, json("PATCH", { active: !u.active })) },
        u.active ? "Disable" : "Enable")),
        el("td", { class: "hide-narrow" }, when(u.last_login_at))))))),
    el("h2", {}, "A new user"),
    form);
}
