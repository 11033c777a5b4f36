// dashboard.mjs URL USER PASSWORD EXPECT.json SHOTS VIEWER: the dashboard in a
// real browser (Debian's Chromium driven by playwright-core, found in
// $NODE_MODULES): signs in,
// compares what the pages show with what EXPECT (counted in SQL) says,
// writes a screenshot of each page into SHOTS, and prints one line per
// check; exits 1 at the first that fails.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

// playwright-core lives where the test set-up installed it (NODE_MODULES).
const { chromium } = createRequire(`${process.env.NODE_MODULES}/`)("playwright-core");

const [url, user, password, expectFile, shots, viewer] = process.argv.slice(2);
const want = JSON.parse(readFileSync(expectFile, "utf8"));
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "not ok"} - ${what}`);
  if (!ok) process.exitCode = 1;
  return ok;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  await page.goto(url);
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", "not the password");
  await page.click("button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#signin-error").textContent !== "");
  check(await page.textContent("#signin-error") === "wrong user name or password",
    "a wrong password is refused with the API's message");
  errors.length = 0;	// the 401 of that attempt

  const t0 = Date.now();
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-count=batteries] b");
  const overviewMs = Date.now() - t0;
  const count = async (k) => Number((await page.textContent(`[data-count=${k}] b`)).replace(/,/g, ""));
  for (const k of ["sites", "strings", "batteries", "critical", "warning", "due30", "due90", "due180"])
    check(await count(k) === want[k], `overview: ${k} = ${want[k]} (SQL)`);
  check(await page.locator("tr[data-site]").count() === want.sites, "overview: a row per site");
  await page.screenshot({ path: `${shots}/overview.png`, fullPage: true });

  const t1 = Date.now();
  await page.click("a[href='#/morning']");
  await page.waitForSelector("#morning tbody tr");
  const morningMs = Date.now() - t1;
  const ids = await page.$$eval("#morning tbody tr", (rs) => rs.map((r) => r.dataset.battery));
  const ruls = await page.$$eval("#morning tbody tr td:nth-child(4)",
    (cs) => cs.map((c) => Number(c.textContent.replace(/,/g, ""))));
  check(ids.length === want.in_service_predicted, `morning list: ${want.in_service_predicted} blocks (SQL)`);
  check(ruls.every((r, i) => i === 0 || ruls[i - 1] <= r), "morning list: sorted by RUL");
  check(ids[0] === want.first, `morning list: first ${want.first}, as the API says`);
  await page.click("button[data-sort=rul_days]");
  const firstDesc = await page.$eval("#morning tbody tr", (r) => r.dataset.battery);
  check(firstDesc === ids[ids.length - 1], "morning list: a second click sorts the other way");
  await page.selectOption("select[name=risk]", "high");
  await page.waitForFunction((n) => document.querySelectorAll("#morning tbody tr").length === n, want.high);
  check(true, `morning list: risk high shows ${want.high} blocks (SQL)`);
  const dl = page.waitForEvent("download");
  await page.click("text=Export CSV");
  const csv = readFileSync(await (await dl).path(), "utf8").trim().split("\n");
  check(csv[0].startsWith("battery_id,site_id") && csv.length === want.high + 1,
    "morning list: the CSV export has a header and the rows shown");
  await page.screenshot({ path: `${shots}/morning.png`, fullPage: true });

  // Alerts: the open ones; the first acknowledged by this engineer.
  await page.click("a[href='#/alerts']");
  await page.waitForSelector("#alerts tbody tr");
  check(await page.locator("#alerts tbody tr").count() === Math.min(want.open, 200),
    `alerts: the ${want.open} open ones (SQL)`);
  const aid = await page.$eval("#alerts tbody tr", (r) => r.dataset.alert);
  await page.click("#alerts tbody tr a");
  await page.waitForSelector("#acknowledge");
  await page.fill("#acknowledge input", "replacing it Tuesday");
  await page.click("#acknowledge button");
  await page.waitForFunction(() => document.querySelector("#ack")?.textContent.startsWith("Acknowledged by"));
  check((await page.textContent("#ack")).includes(`Acknowledged by ${user}`) &&
    (await page.textContent("#ack")).includes("replacing it Tuesday"), "alerts: acknowledged, with the note");
  check(await page.locator("#acknowledge").count() === 0, "alerts: no second acknowledgement offered");
  console.log(`# acknowledged ${aid}`);
  await page.screenshot({ path: `${shots}/alert.png`, fullPage: true });

  // Live: a load of the next minute shows on the open page.
  await page.click("a[href='#/']");
  await page.waitForSelector("[data-count=batteries] b");
  await page.waitForFunction(() => document.querySelector("#live").dataset.state === "up");
  const t2 = Date.now();
  execFileSync("brul-load", ["-q", "telemetry", process.env.LIVE_CSV], { stdio: "inherit" });
  await page.waitForFunction((n) => document.querySelector("#live").textContent.includes(`new readings (${n})`),
    want.batteries, { timeout: 2000 });
  check(true, `live: a brul-load shows on the open page within 2 s (${Date.now() - t2} ms)`);

  await page.click("#signout");
  await page.waitForSelector("#signin:not([hidden])");
  check(true, "sign out shows the sign-in form");

  // A viewer sees the alert, and no button to act on it.
  await page.fill("input[name=username]", viewer);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForSelector("#nav:not([hidden])");
  await page.goto(`${url}#/alerts/${encodeURIComponent(aid)}`);
  await page.waitForSelector("#ack");
  check(await page.locator("#view form, #acknowledge, #resolve").count() === 0,
    "a viewer has no acknowledge or resolve button");
  await page.click("#signout");
  check(errors.length === 0, `no script errors${errors.length ? ": " + errors.join("; ") : ""}`);
  console.log(`# overview ${overviewMs} ms after signing in; morning list ${morningMs} ms`);
} finally {
  await browser.close();
}
