// api.js: the dashboard's side of the API's tokens.  The access token
// lives in memory and the refresh token in sessionStorage (this tab only);
// a 401 refreshes once, silently, and retries; a failed refresh signs out.

const KEY = "brul.session";
// After a reload only the refresh token and the user are known: the
// first request refreshes.
let current = JSON.parse(sessionStorage.getItem(KEY) ?? "null");

export const session = () => current;

function keep(s) {
  current = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify({ refresh: s.refresh, user: s.user }));
  else sessionStorage.removeItem(KEY);
}

async function post(path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const data = r.status === 204 ? null : await r.json();
  if (!r.ok) throw new Error(data?.error?.message ?? `HTTP ${r.status}`);
  return data;
}

export async function signIn(username, password) {
  const t = await post("/api/v1/auth/login", { username, password });
  keep({ access: t.access_token, refresh: t.refresh_token, user: t.user });
}

export async function signOut() {
  const s = current;
  keep(null);
  if (s) await post("/api/v1/auth/logout", { refresh_token: s.refresh }, s.access).catch(() => {});
}

let refreshing = null;
async function refresh() {
  // One refresh for every request that found its token expired.
  refreshing ??= post("/api/v1/auth/refresh", { refresh_token: current.refresh })
    .then((t) => keep({ ...current, access: t.access_token, refresh: t.refresh_token }))
    .finally(() => { refreshing = null; });
  return refreshing;
}

// A valid-looking access token (refreshed when there is none yet).
export async function token() {
  if (!current) throw new Error("signed out");
  if (!current.access) await refresh();
  return current.access;
}

// GET path as JSON, with the token; throws with the API's message.
export async function api(path, options = {}) {
  for (let attempt = 0; ; attempt++) {
    if (!current) throw new Error("signed out");
    if (!current.access) await token().catch(() => {});
    const r = await fetch(path, { ...options,
      headers: { ...(options.headers ?? {}), Authorization: `Bearer ${current.access}` } });
    if (r.status === 401 && attempt === 0) {
      try {
        await refresh();
        continue;
      } catch {
        keep(null);
        dispatchEvent(new Event("brul-signed-out"));
        throw new Error("your session has ended: sign in again");
      }
    }
    const data = r.status === 204 ? null : await r.json();
    if (!r.ok) throw new Error(data?.error?.message ?? `HTTP ${r.status}`);
    return data;
  }
}
