// inservice.mjs: what is in service, where it is and why it is on the
// morning list, in local time (issue 18, sections 2 and 3), checked in
// the browser against SQL.  Runs after the other checks: it takes two
// blocks out of a string of the site (one replaced by a new block in
// its slot, one leaving a gap) through brul-load, as a day's batteries
// file would, and leaves them so.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const sql = (q) => execFileSync("psql", ["-qXAt", process.env.DATABASE_URL, "-c", q], { encoding: "utf8" }).trim();
const json = (q) => JSON.parse(sql(q));
const load = (stream, text) => execFileSync("brul-load", ["-q", stream, "-"], { input: text, stdio: ["pipe", "inherit", "inherit"] });
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
// An instant as the dashboard shows it in a zone PostgreSQL knows.
const local = (ts, zone) => sql(`SELECT to_char('${ts}'::timestamptz AT TIME ZONE '${zone}', 'YYYY-MM-DD HH24:MI')`);
const ZONE_LABEL = { "Asia/Bangkok": "GMT+7" };
const IN_SERVICE = "b.removed_date IS NULL";

export async function inService({ open, go, check, shot, api, site }) {
  // The string: the site's first; the blocks at positions 5 (replaced)
  // and 7 (taken out, a gap).
  const string = sql(`SELECT min(string_id) FROM batteries WHERE site_id = '${site}'`);
  const at = (pos) => sql(`SELECT battery_id FROM batteries WHERE string_id = '${string}' AND position = ${pos} AND removed_date IS NULL`);
  const gone = at(5), gap = at(7);
  const fresh = gone.replace(/-(\d+)$/, (_, g) => `-${Number(g) + 1}`);
  const cols = "battery_id, site_id, system_id, string_id, position, model, capacity_ah, install_date, removed_date, baseline_mohm";
  const rows = sql(`SELECT concat_ws(',', battery_id, site_id, system_id, string_id, position, model, capacity_ah, install_date,
      '2026-01-01', baseline_mohm) FROM batteries WHERE battery_id IN ('${gone}', '${gap}') ORDER BY battery_id`);
  const rep = sql(`SELECT concat_ws(',', '${fresh}', site_id, system_id, string_id, position, model, capacity_ah, '2026-01-01',
      '', round(baseline_mohm::numeric * 0.9, 2)) FROM batteries WHERE battery_id = '${gone}'`);
  load("batteries", `${cols.replace(/ /g, "")}\n${rows}\n${rep}\n`);
  // The new block's first prediction: a long life, low risk.
  load("predictions", "battery_id,date,model_id,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,risk\n" +
    `${fresh},2026-01-01,fixture,3000,2500,3400,0.001,low\n`);
  console.log(`# in service: ${gone} replaced by ${fresh}, ${gap} taken out of ${string}`);

  const latest = `SELECT DISTINCT ON (p.battery_id) p.*, b.position FROM predictions p JOIN batteries b USING (battery_id)
    WHERE ${IN_SERVICE} ORDER BY p.battery_id, p.date DESC, p.model_id`;
  const want = json(`SELECT json_build_object(
    'blocks', (SELECT count(*) FROM batteries b WHERE ${IN_SERVICE}),
    'listed', (SELECT count(*) FROM (${latest}) x),
    'due30', (SELECT count(*) FROM (${latest}) x WHERE rul_days <= 30),
    'due90', (SELECT count(*) FROM (${latest}) x WHERE rul_days <= 90),
    'due180', (SELECT count(*) FROM (${latest}) x WHERE rul_days <= 180),
    'site_blocks', (SELECT count(*) FROM batteries b WHERE ${IN_SERVICE} AND site_id = '${site}'),
    'string', (SELECT json_object_agg(battery_id, position) FROM batteries b WHERE ${IN_SERVICE} AND string_id = '${string}'),
    'zone', (SELECT timezone FROM sites WHERE site_id = '${site}'),
    'zones', (SELECT json_object_agg(site_id, timezone) FROM sites))`);

  // The lists: the API's summary, the overview's count, the site's.
  const sum = await api("/api/v1/summary");
  check(sum.fleet.batteries === want.blocks && sum.fleet.due_30d === want.due30 && sum.fleet.due_90d === want.due90 &&
    sum.fleet.due_180d === want.due180,
    `in service: the summary counts ${sum.fleet.batteries} blocks, due ${sum.fleet.due_30d}/${sum.fleet.due_90d}/${sum.fleet.due_180d} (SQL ${want.blocks}, ${want.due30}/${want.due90}/${want.due180})`);
  const s = await api(`/api/v1/sites/${site}`);
  check(s.batteries === want.site_blocks && s.timezone === want.zone,
    `in service: site ${site} has ${s.batteries} blocks in service (SQL ${want.site_blocks}), in ${s.timezone}`);
  const sites = await api("/api/v1/sites?limit=1000");
  check(sites.items.every((x) => x.timezone === want.zones[x.site_id]), "the sites' answers give each site's time zone (SQL)");
  const { page, context } = await open("eng", "#/morning", "#morning [data-battery]");
  await page.waitForFunction((n) => document.querySelectorAll("#morning [data-battery]").length === n, want.listed)
    .catch(() => {});
  const ids = await page.$$eval("#morning [data-battery]", (rs) => rs.map((r) => r.dataset.battery));
  check(ids.length === want.listed && !ids.includes(gone) && !ids.includes(gap) && ids.includes(fresh),
    `in service: the morning list has ${ids.length} blocks (SQL ${want.listed}): not ${gone} nor ${gap}, but ${fresh}`);
  const pos = await page.$eval(`#morning [data-battery="${fresh}"] [data-col=position]`, (c) => c.textContent);
  check(pos === "5", `in service: ${fresh} is at position ${pos} of ${string}, its slot`);

  // Why: health (or unknown), resistance over baseline, open alerts,
  // each row's against SQL.
  const why = json(`SELECT json_object_agg(x.battery_id, json_build_array(x.position,
      CASE WHEN w.soh_pct IS NOT NULL AND w.soh_sd_pct IS NOT NULL AND (w.soh_sd_pct <= 5 OR w.soh_pct + w.soh_sd_pct < 80)
        THEN w.soh_pct END,
      (SELECT count(*) FROM alerts a WHERE a.battery_id = x.battery_id AND a.state = 'open'),
      (SELECT h.resistance_mohm / b.baseline_mohm * 100 - 100 FROM telemetry_hourly h WHERE h.battery_id = x.battery_id
        AND h.resistance_mohm IS NOT NULL ORDER BY h.hour DESC LIMIT 1)))
    FROM (${latest}) x JOIN batteries b USING (battery_id) LEFT JOIN LATERAL (SELECT * FROM twin w
      WHERE w.battery_id = x.battery_id ORDER BY w.ts DESC LIMIT 1) w ON true`);
  const shown = await page.$$eval("#morning [data-battery]", (rs) => rs.map((r) => [r.dataset.battery,
    ...["position", "soh", "open_alerts", "resistance_pct"].map((k) => r.querySelector(`[data-col=${k}]`).textContent)]));
  const fmt0 = (v) => (v === null ? "–" : Math.abs(v) < 0.5 ? "0" : v.toFixed(0));
  // (health as the double SQL holds, rounded as the page rounds it: 81.35
  // is 81.349999... and shows 81.3, where numeric rounding gives 81.4)
  const health = (v) => (v === null ? "unknown" : v.toFixed(1));
  const bad = shown.filter(([b, p, h, a, r]) => !why[b] || p !== String(why[b][0]) || h !== health(why[b][1]) ||
    a !== String(why[b][2]) || r !== fmt0(why[b][3]));
  check(shown.length > 0 && bad.length === 0,
    `morning list: each block's position, state of health (or unknown), open alerts and resistance over baseline are SQL's${bad.length ? `; not ${JSON.stringify(bad.slice(0, 3).map((x) => [...x, why[x[0]]]))}` : ""}`);

  // Sorting: the first click on a risk column puts the riskiest first,
  // the header says how, and the export follows the screen.
  const rank = { low: 0, medium: 1, high: 2, critical: 3 };
  for (const [col, value, dir] of [["risk", (t) => rank[t], "descending"], ["p_fail_30d", Number, "descending"],
    ["soh", (t) => (t === "unknown" ? null : -Number(t)), "ascending"], ["open_alerts", Number, "descending"]]) {
    await page.click(`button[data-sort=${col}]`);
    const vals = await page.$$eval(`#morning [data-battery] [data-col=${col}]`, (cs) => cs.map((c) => c.textContent));
    const v = vals.map(value).filter((x) => x !== null && !Number.isNaN(x));
    const sort = await page.$eval(`button[data-sort=${col}]`, (b) => [b.parentNode.getAttribute("aria-sort"), b.textContent]);
    check(v.length > 0 && v.every((x, i) => i === 0 || v[i - 1] >= x) && sort[0] === dir && /[▲▼]$/.test(sort[1]),
      `morning list: the first click on ${col} puts the riskiest first (${vals[0]}), said as aria-sort ${sort[0]} and "${sort[1]}"`);
  }
  const order = await page.$$eval("#morning [data-battery]", (rs) => rs.map((r) => r.dataset.battery));
  const dl = page.waitForEvent("download");
  await page.click("text=Export CSV");
  const csv = readFileSync(await (await dl).path(), "utf8").trim().split("\n");
  const head = csv[0].split(",");
  check(same(csv.slice(1).map((l) => l.split(",")[0]), order) && ["position", "soh_pct", "open_alerts", "resistance_pct"].every((c) => head.includes(c)),
    `morning list: the CSV export has the ${order.length} rows in the order on screen, with position, health, alerts and resistance`);
  const row = csv.slice(1).map((l) => l.split(",")).find((r) => r[0] === fresh);
  check(row && row[head.indexOf("position")] === "5" && row[head.indexOf("rul_days")] === "3000",
    `morning list: the export gives ${fresh} its slot and its RUL`);
  await shot(page, "inservice-morning");
  await context.close();

  // A phone: RUL and risk in sight, nothing to scroll sideways for.
  const { page: phone, context: pctx } = await open("view", "#/morning", "#morning [data-battery]", { width: 390, height: 844 });
  const seen = await phone.evaluate(() => {
    const r = document.querySelector("#morning [data-battery]");
    const box = (k) => r.querySelector(`[data-col=${k}]`).getBoundingClientRect();
    return ["rul_days", "risk"].every((k) => box(k).width > 0 && box(k).right <= innerWidth) &&
      document.documentElement.scrollWidth <= innerWidth;
  });
  check(seen, "a phone's width: the morning list shows RUL and risk, without scrolling sideways");
  await shot(phone, "phone-morning");
  await pctx.close();

  // The heat-map: each block in its position's column, the gap kept.
  const { page: sp, context: sctx } = await open("view", `#/site/${site}?by=resistance`, "#strings .cell");
  const cells = await sp.$$eval(`[data-string="${string}"] .cell`, (cs) => cs.map((c) => [c.dataset.battery,
    getComputedStyle(c).gridColumnStart, c.getBoundingClientRect().left]));
  const empty = await sp.$$eval(`[data-string="${string}"] .slot-empty`, (cs) => cs.map((c) => [c.dataset.position,
    c.getBoundingClientRect().left]));
  const left = Object.fromEntries(cells.map(([b, , x]) => [want.string[b], x]));
  check(cells.length === Object.keys(want.string).length && cells.every(([b, col]) => String(want.string[b]) === col) &&
    same(empty.map(([p]) => p), ["7"]) && left[6] < empty[0][1] && empty[0][1] < left[8] && !cells.some(([b]) => b === gone || b === gap),
    `site ${site}: ${string}'s blocks sit in their positions' columns (SQL), ${fresh} at 5, an empty slot at 7`);
  const zero = await sp.$$eval("#strings .cell", (cs) => cs.filter((c) => /^-0(\.0)?$/.test(c.textContent)).length);
  check(zero === 0, `site ${site}: no cell reads "-0" by resistance`);
  await shot(sp, "inservice-site");

  // Local time, labelled, on each page.
  const label = ZONE_LABEL[want.zone] ?? want.zone;
  const latestTs = sql(`SELECT to_char(max(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM telemetry t
    JOIN batteries b USING (battery_id) WHERE b.site_id = '${site}' AND ${IN_SERVICE}`);
  const sline = await sp.textContent("#view p.muted");
  check(sline.includes(`latest reading ${local(latestTs, want.zone)} ${label}`),
    `site ${site}: its latest reading in ${want.zone}, labelled (${sline.replace(/.*latest reading /, "")})`);
  // A block with one open alert: its page.
  const one = sql(`SELECT a.battery_id FROM alerts a JOIN batteries b USING (battery_id) WHERE a.state = 'open' AND ${IN_SERVICE}
    AND b.site_id = '${site}' AND NOT EXISTS (SELECT 1 FROM alerts c WHERE c.battery_id = a.battery_id AND c.state <> 'open')
    GROUP BY a.battery_id HAVING count(*) = 1 ORDER BY a.battery_id LIMIT 1`);
  if (one) {
    await go(sp, `#/block/${one}`, "#charts");
    const opened = sql(`SELECT to_char(ts_open AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM alerts WHERE battery_id = '${one}' ORDER BY ts_open DESC LIMIT 1`);
    const first = await sp.$eval("#block-alerts tbody tr td", (c) => c.textContent);
    const tile = await sp.textContent("#open-alerts");
    check(tile === "1alert open", `block ${one}: "1 alert open", not "1 alerts" (${tile})`);
    check(first === `${local(opened, want.zone)} ${label}`, `block ${one}: its alert opened ${first}, in ${want.zone} (SQL)`);
    const captions = await sp.$$eval("#charts figcaption", (fs) => fs.map((f) => f.textContent));
    check(captions.some((c) => c.startsWith("State of charge")) && captions.some((c) => c.startsWith("State of health")),
      `block ${one}: state of charge and of health in charts of their own`);
    const soh = await sp.textContent("#soh b");
    const rul = await sp.textContent("#rul");
    check(/±/.test(soh) && /p10–p90: \d/.test(rul), `block ${one}: tiles with their uncertainty (${soh}; ${rul.slice(0, 60)})`);
    const npred = Number(sql(`SELECT count(DISTINCT date) FROM predictions WHERE battery_id = '${one}'`));
    if (npred === 1)
      check(await sp.locator("#charts .band-bar").count() === 1, `block ${one}: its one prediction drawn with its p10–p90`);
    const range = await sp.textContent("#range");
    check(range.endsWith(label), `block ${one}: its range in local time (${range})`);
    await shot(sp, "inservice-block");
  }
  // The alerts, the model and the users: their times labelled too.
  await go(sp, "#/alerts", "#alerts tbody tr");
  const [aid, t0] = await sp.$eval("#alerts tbody tr", (r) => [r.dataset.alert, r.querySelector("td.opened").textContent]);
  const a0 = await api(`/api/v1/alerts/${encodeURIComponent(aid)}`);
  check(t0 === `${local(a0.ts_open, want.zones[a0.site_id] ?? want.zone)} ${label}`, `alerts: opened ${t0}, local (API ${a0.ts_open})`);
  await go(sp, "#/model", "#model-metrics");
  const mline = await sp.textContent("#view p.muted");
  check(mline.endsWith(label), `model: its file's time labelled (${mline.replace(/.*written /, "")})`);
  const square = await sp.$eval("g[data-points]", (g) => g.ownerSVGElement.getBoundingClientRect())
    .then((r) => r.width / r.height);
  check(square > 0.8 && square < 1.25, `model: predicted against true RUL in a square-ish box (${square.toFixed(2)})`);
  await sctx.close();
  const { page: up, context: uctx } = await open("admin", "#/users", "#users tbody tr");
  const users = await up.$$eval("#users tbody tr", (rs) => rs.map((r) => [r.dataset.user, r.querySelector("[data-active]")?.textContent]));
  const states = json("SELECT json_object_agg(username, CASE WHEN active THEN 'active' ELSE 'disabled' END) FROM users");
  check(users.length > 0 && users.every(([u, st]) => st === states[u]), "users: the Active column says each user's state (SQL)");
  const signin = await up.$eval("tr[data-user=admin] td:last-child", (c) => c.textContent);
  check(signin.endsWith(label), `users: the last sign-in is labelled (${signin})`);
  await shot(up, "inservice-users");
  await uctx.close();
}
