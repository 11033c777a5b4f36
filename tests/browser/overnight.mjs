// overnight.mjs: the dashboard's account of what happened (the overview's
// "since yesterday" panel, the events page), a string's page, the site's
// strings, the search box and the overview's tiles and bars, each against
// SQL (psql on $DATABASE_URL).  The day of browser.bats has no discharge:
// one is loaded first into a string's telemetry with brul-load, as a
// monitor would send it.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const sql = (q) => execFileSync("psql", ["-qXAt", process.env.DATABASE_URL, "-c", q], { encoding: "utf8" }).trim();
const json = (q) => JSON.parse(sql(q));

// page: signed in; api, check, go, shot as dashboard.mjs has them.
export async function overnight(page, { api, check, go, shot }) {
  const string = sql("SELECT min(string_id) FROM strings");
  const site = sql(`SELECT site_id FROM strings WHERE string_id = '${string}'`);
  // 45 minutes on the UPS from 02:00, then the load cut off (rest).
  const lines = ["ts,string_id,voltage_v,current_a,mode,ambient_c"];
  for (let i = 0; i <= 45; i++) {
    const ts = `2026-01-01T02:${String(i).padStart(2, "0")}:00Z`;
    lines.push(i < 45 ? `${ts},${string},${(300 - i * 0.5).toFixed(2)},${(-30 - i * 0.1).toFixed(2)},discharge,26.0`
      : `${ts},${string},270.00,0.00,rest,26.0`);
  }
  const file = `${tmpdir()}/overnight-${process.pid}.csv`;
  writeFileSync(file, lines.join("\n") + "\n");
  execFileSync("brul-load", ["-q", "string_telemetry", file], { stdio: "inherit" });

  // The day up to just after the latest string reading, as the API's.
  const lo = "(SELECT max(ts) + interval '1 second' - interval '1 day' FROM string_telemetry)";
  const hi = "(SELECT max(ts) + interval '1 second' FROM string_telemetry)";
  const want = json(`SELECT json_build_object(
    'discharges', (SELECT count(*) FROM (SELECT ts, mode, lag(mode) OVER (PARTITION BY string_id ORDER BY ts) AS pm
        FROM string_telemetry) x WHERE mode = 'discharge' AND pm IS DISTINCT FROM 'discharge' AND ts >= ${lo} - interval '1 day'),
    'room', (SELECT count(*) FROM alerts WHERE kind LIKE 'room\\_temperature\\_%' AND ts_open < ${hi}
        AND coalesce(ts_clear, 'infinity') >= ${lo}),
    'opened', (SELECT count(*) FROM alerts WHERE ts_open >= ${lo} AND ts_open < ${hi}),
    'ah', (SELECT sum(-current_a) / 60 FROM string_telemetry WHERE string_id = '${string}' AND mode = 'discharge'),
    'block_min', (SELECT min(t.voltage_v) FROM telemetry t JOIN batteries b USING (battery_id) WHERE b.string_id = '${string}'
        AND t.ts >= '2026-01-01T02:00:00Z' AND t.ts <= '2026-01-01T02:44:00Z'),
    'latest', (SELECT row_to_json(x) FROM (SELECT ts, voltage_v, current_a, mode FROM string_telemetry
        WHERE string_id = '${string}' ORDER BY ts DESC LIMIT 1) x),
    'points', (SELECT count(*) FROM string_telemetry WHERE string_id = '${string}' AND ts >= ${lo} AND ts < ${hi}),
    'site_strings', (SELECT json_object_agg(s.string_id, (SELECT mode FROM string_telemetry t WHERE t.string_id = s.string_id
        ORDER BY ts DESC LIMIT 1)) FROM strings s WHERE s.site_id = '${site}'))`);
  const activity = await api("/api/v1/activity");

  // The overview's panel.
  await go(page, "#/", "#overnight [data-overnight=discharges]");
  const n = async (k) => Number(await page.$eval(`#overnight [data-overnight=${k}]`, (e) => e.dataset.n));
  check(await n("discharges") === want.discharges && want.discharges >= 1,
    `since yesterday: ${want.discharges} string discharges (SQL, over every sample's mode)`);
  check(await n("room_faults") === want.room && await n("opened") === want.opened &&
    await n("escalated") === activity.alerts_escalated.length,
    `since yesterday: ${want.room} rooms that ran hot, ${want.opened} alerts opened (SQL), ${activity.alerts_escalated.length} escalated (API)`);
  // The tiles: as many in every row, at a desktop's width and a phone's.
  for (const width of [1280, 1000, 700, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const rows = await page.$$eval(".fleet-tiles .tile", (ts) => Object.values(ts.reduce((a, t) => {
      a[t.offsetTop] = (a[t.offsetTop] ?? 0) + 1;
      return a;
    }, {})));
    check(rows.length > 0 && rows.every((r) => r === rows[0]) && rows[0] > 1,
      `overview at ${width} px: tiles in rows of ${rows.join(", ")}, none alone`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  const bars = await page.$$eval("#health rect[data-value]", (rs) => rs.map((r) => [r.dataset.value, r.nextElementSibling?.textContent]));
  check(bars.length > 0 && bars.every(([v, t]) => t?.replace(/,/g, "") === v),
    `overview: each health bar says its count (${bars.map(([, t]) => t).join(", ")})`);
  await shot(page, "overview-overnight");

  // The events page.
  await go(page, "#/events", "#discharges");
  const rows = await page.$$eval("#discharges tr[data-string]", (rs) => rs.map((r) => [r.dataset.string,
    ...[...r.cells].map((c) => c.textContent)]));
  check(rows.length === want.discharges, `events: ${rows.length} discharges listed (SQL ${want.discharges})`);
  // The outage of the day (OUTAGE_SITE): each of its strings' discharges.
  const out = process.env.OUTAGE_SITE;
  const hit = sql(`SELECT string_agg(DISTINCT string_id, ',' ORDER BY string_id) FROM string_telemetry
    WHERE mode = 'discharge' AND string_id IN (SELECT string_id FROM strings WHERE site_id = '${out}')`).split(",").filter(Boolean);
  const listed = rows.filter((r) => hit.includes(r[0])).map((r) => r[0]).sort();
  check(hit.length > 0 && listed.join() === hit.join(),
    `events: the outage at ${out}: its ${hit.length} strings that discharged (SQL) each listed (${listed.join(", ")})`);
  const mine = rows.find((r) => r[0] === string);
  const d = activity.discharges.find((x) => x.string_id === string);
  check(mine && mine[2] === "2026-01-01 02:00 UTC" && mine[3] === "45" && Math.abs(d.ah - want.ah) < 1e-9 &&
    mine[4] === d.ah.toFixed(1) && mine[6].startsWith(`${want.block_min.toFixed(2)} V`) && mine[9] === "cut off (rest)",
    `events: ${string} discharged from 02:00 for 45 min, ${mine?.[4]} Ah, lowest block ${mine?.[6]}, ${mine?.[9]} (SQL: ${want.ah.toFixed(3)} Ah, ${want.block_min} V)`);
  check(await page.locator("#room-faults tr[data-alert], #no-room-faults").count() === Math.max(1, want.room),
    `events: the rooms that ran hot (${want.room}, SQL)`);
  await shot(page, "events");

  // The string's page.
  await page.click(`#discharges tr[data-string="${string}"] a[href^="#/strings/"]`);
  await page.waitForSelector("#string-charts");
  const tiles = await page.$$eval("#string-latest .tile b", (bs) => bs.map((b) => b.textContent));
  const l = want.latest;
  check(tiles[0] === `${l.voltage_v.toFixed(2)} V` && tiles[1] === `${l.current_a.toFixed(2)} A` && tiles[2] === l.mode,
    `string ${string}: latest ${tiles.slice(0, 3).join(", ")} (SQL)`);
  const drawn = await page.$$eval("#string-charts path[data-series]", (ps) => ps.map((p) => Number(p.dataset.points)));
  check(drawn.length === 2 && drawn.every((x) => x === want.points), `string ${string}: voltage and current charts of ${want.points} readings (SQL)`);
  check(await page.locator("#string-modes tr[data-mode=discharge]", { hasText: "2026-01-01 02:00 UTC" }).count() === 1,
    `string ${string}: its modes list the discharge from 02:00`);
  await shot(page, "string");

  // The site's strings at a glance.
  await go(page, `#/site/${site}`, "#site-strings tr[data-string]");
  const modes = await page.$$eval("#site-strings tr[data-string]", (rs) => rs.map((r) => [r.dataset.string, r.cells[3].textContent]));
  const sorted = (o) => JSON.stringify(Object.entries(o).sort());
  check(sorted(Object.fromEntries(modes)) === sorted(want.site_strings),
    `site ${site}: each string's latest mode (SQL)`);

  // Search, from the header of any page.
  const search = async (q) => {
    await page.fill("#search input[name=q]", q);
    await page.click("#search button");
  };
  const block = sql(`SELECT min(battery_id) FROM batteries WHERE string_id = '${string}'`);
  for (const [q, hash, sel] of [[block.toLowerCase(), `#/block/${block}`, "#charts"], [string, `#/strings/${string}`, "#string-charts"],
    [site, `#/site/${site}`, "#strings .cell"]]) {
    await search(q);
    await page.waitForSelector(sel);
    check(decodeURIComponent(await page.evaluate(() => location.hash)) === hash, `search: "${q}" goes to ${hash}`);
  }
  await search("B9999-9");
  await page.waitForFunction(() => document.querySelector("#search-said").textContent !== "");
  check(await page.textContent("#search-said") === 'no block, string or site "B9999-9"', "search: an id that names nothing says so");
}
