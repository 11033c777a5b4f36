// alerts.mjs: the alerts page as a fleet's morning needs it, against SQL
// (psql on $DATABASE_URL): the open alerts in the order to act on them,
// every one of them reached page by page, each priority and rule said as
// the database and the API say; a site's alerts; several acknowledged at
// once with a note of two lines; a viewer offered nothing to tick.  A day
// of the simulator raises a few dozen alerts: 240 more are loaded first
// with brul-load, as brul-alert writes them, on blocks of every site.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const sql = (q) => execFileSync("psql", ["-qXAt", process.env.DATABASE_URL, "-c", q], { encoding: "utf8" }).trim();
const ids = (q) => sql(q).split("\n").filter(Boolean);

// What to act on first, as the API's sort=priority (apialerts.c).
const ORDER = "(state = 'open') DESC, (acknowledged_at IS NULL) DESC, brul_alert_urgency(alerts, now()), ts_open DESC, alert_id";

// open(user, hash, sel), go, check, shot, api as dashboard.mjs has them.
export async function alertList({ open, go, check, shot, api }) {
  const blocks = sql(`SELECT string_agg(battery_id || ',' || site_id || ',' || string_id, ';' ORDER BY battery_id)
    FROM (SELECT * FROM batteries WHERE removed_date IS NULL ORDER BY md5(battery_id) LIMIT 240) b`).split(";");
  const kinds = [["temperature_high", "warning", 3], ["voltage_low", "critical", 2], ["twin_anomaly", "warning", 3],
    ["failure_risk_high", "critical", 3]];
  const lines = ["ts,alert_id,event,kind,severity,priority,site_id,string_id,battery_id,value,threshold,ts_open,ts_clear,message"];
  blocks.forEach((b, i) => {
    const [battery, siteId, stringId] = b.split(",");
    const [kind, sev, prio] = kinds[i % kinds.length];
    const ts = new Date(Date.parse("2026-01-01T06:00:00Z") + i * 60e3).toISOString().replace(".000", "");
    lines.push(`${ts},x.${i},open,${kind},${sev},${prio},${siteId},${stringId},${battery},1,1,${ts},,loaded for paging`);
  });
  const file = `${tmpdir()}/alerts-${process.pid}.csv`;
  writeFileSync(file, lines.join("\n") + "\n");
  execFileSync("brul-load", ["-q", "alerts", file], { stdio: "inherit" });

  const { page } = await open("eng", "#/alerts", "#alerts tbody tr");
  // Every open alert, page by page, in the order SQL puts them.
  const want = ids(`SELECT alert_id FROM alerts WHERE state = 'open' ORDER BY ${ORDER}`);
  const seen = [];
  const pages = [];
  for (;;) {
    seen.push(...await page.$$eval("#alerts tbody tr", (rs) => rs.map((r) => r.dataset.alert)));
    pages.push(await page.textContent(".pager .shown"));
    if (await page.locator(".pager .next").first().isDisabled()) break;
    const first = await page.$eval("#alerts tbody tr", (r) => r.dataset.alert);
    await page.click(".pager .next >> nth=0");
    await page.waitForFunction((f) => document.querySelector("#alerts tbody tr")?.dataset.alert !== f, first);
  }
  check(want.length > 200 && seen.length === want.length && seen.every((x, i) => x === want[i]),
    `alerts: all ${want.length} open alerts reached in ${pages.length} pages, in SQL's order to act on them (${pages.join("; ")})`);
  check(pages[0] === `1–100 of ${want.length.toLocaleString("en")} alerts`, `alerts: the pager says where it is (${pages[0]})`);

  // The first page again: priority as the database raises it, the rule's
  // label as /api/v1/alert-rules gives it.
  await page.click(".pager .prev >> nth=0");
  await page.waitForFunction((f) => document.querySelector("#alerts tbody tr")?.dataset.alert === f, want[100]);
  check(await page.textContent(".pager .shown") === pages[1], `alerts: and back a page (${pages[1]})`);
  await go(page, "#/alerts", "#alerts tbody tr");
  await page.waitForFunction((f) => document.querySelector("#alerts tbody tr")?.dataset.alert === f, want[0]);
  const rows = await page.$$eval("#alerts tbody tr", (rs) => rs.map((r) => ({ id: r.dataset.alert,
    prio: r.querySelector(".prio")?.textContent, kind: r.querySelector("[data-kind]").textContent, k: r.querySelector("[data-kind]").dataset.kind })));
  const urg = Object.fromEntries(sql(`SELECT string_agg(alert_id || '=' || brul_alert_urgency(alerts, now()) ||
    (CASE WHEN brul_alert_urgency(alerts, now()) < priority THEN ' ↑' ELSE '' END), ';') FROM alerts WHERE state = 'open'`)
    .split(";").map((x) => x.split("=")));
  const labels = new Map((await api("/api/v1/alert-rules")).rules.map((r) => [r.name, r.label]));
  check(rows.every((r) => r.prio === `P${urg[r.id]}`), `alerts: each row's priority is SQL's urgency now (${rows[0].prio}, …, ${rows.at(-1).prio})`);
  check(rows.every((r) => labels.has(r.k) && r.kind === labels.get(r.k)),
    `alerts: each kind said as its rule's label ("${rows[0].kind}")`);
  await shot(page, "alerts");

  // A site's alerts.
  const site = sql("SELECT site_id FROM alerts WHERE state = 'open' GROUP BY site_id ORDER BY count(*) DESC, site_id LIMIT 1");
  await page.selectOption("select[name=site]", site);
  await page.waitForFunction((s) => location.hash.includes(`site=${s}`) &&
    [...document.querySelectorAll("#alerts tbody tr")].length > 0, site);
  const atSite = ids(`SELECT alert_id FROM alerts WHERE state = 'open' AND site_id = '${site}' ORDER BY ${ORDER} LIMIT 100`);
  const listed = await page.$$eval("#alerts tbody tr", (rs) => rs.map((r) => r.dataset.alert));
  check(listed.join() === atSite.join(), `alerts: site ${site}'s ${atSite.length} alerts on the first page, as SQL's`);

  // Three ticked and acknowledged with a note of two lines.
  const note = "replacing them Thursday\ncrew from Bangkok";
  const three = listed.filter((x) => x.startsWith("x.")).slice(0, 3);
  for (const id of three) await page.check(`#alerts tr[data-alert="${id}"] input[type=checkbox]`);
  check(await page.textContent("#bulk-ack button") === "Acknowledge 3 alerts", "alerts: the button counts the alerts ticked");
  await page.fill("#bulk-ack textarea", note);
  await page.click("#bulk-ack button");
  await page.waitForFunction(() => document.querySelector("#bulk-said")?.textContent.startsWith("Acknowledged"));
  const said = await page.textContent("#bulk-said");
  const acked = sql(`SELECT count(*) FROM alerts WHERE alert_id IN (${three.map((x) => `'${x}'`).join()})
    AND acknowledged_by = 'eng' AND ack_note = E'${note.replace("\n", "\\n")}'`);
  check(said === "Acknowledged 3 alerts." && acked === "3", `alerts: three acknowledged at once with the note (SQL: ${acked}; "${said}")`);
  // The list puts them after the unacknowledged, the page offers no tick.
  const after = await page.$$eval("#alerts tbody tr", (rs) => rs.map((r) => [r.dataset.alert, !!r.querySelector("input")]));
  check(three.every((id) => after.find(([x]) => x === id)?.[1] === false) &&
    after.findIndex(([x]) => three.includes(x)) > after.findLastIndex(([x, box]) => box && !three.includes(x)),
    "alerts: the acknowledged now come after the others, with nothing to tick");
  // The note keeps its two lines on the alert's page.
  await go(page, `#/alerts/${encodeURIComponent(three[0])}`, "#ack");
  const shown = await page.$eval("#ack", (p) => p.innerText);
  check(shown.includes("replacing them Thursday\ncrew from Bangkok"), `alerts: the note in two lines (${JSON.stringify(shown)})`);

  // Every unacknowledged alert of the site's first page at once.
  await go(page, `#/alerts?state=open&site=${site}&acknowledged=false`, "#alerts tbody tr");
  const before = Number(sql(`SELECT count(*) FROM alerts WHERE state = 'open' AND site_id = '${site}' AND acknowledged_at IS NULL`));
  const rest = await page.locator("#alerts tbody tr").count();
  await page.check("#tick-all");
  check(await page.textContent("#bulk-ack button") === `Acknowledge ${rest} alert${rest === 1 ? "" : "s"}`,
    `alerts: "select all" ticks the ${rest} on the page`);
  await page.click("#bulk-ack button");
  await page.waitForFunction(() => document.querySelector("#bulk-said")?.textContent.startsWith("Acknowledged"));
  const left = sql(`SELECT count(*) FROM alerts WHERE state = 'open' AND site_id = '${site}' AND acknowledged_at IS NULL`);
  check(rest === Math.min(100, before) && Number(left) === before - rest,
    `alerts: the page's ${rest} acknowledged, ${left} of ${before} left at ${site} (SQL)`);
  await page.context().close();

  // A viewer ticks nothing and acknowledges nothing.
  const { page: vpage } = await open("view", "#/alerts", "#alerts tbody tr");
  check(await vpage.locator("#alerts input[type=checkbox], #bulk-ack").count() === 0,
    "alerts: a viewer has nothing to tick or acknowledge");
  await vpage.context().close();
}
