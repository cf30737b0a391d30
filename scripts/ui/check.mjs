// Drives `pipeline ui` in headless Chromium: starts a quickstart run while
// the runs table is open, follows it live on its run page, then opens a
// table preview, a stage log and the report, makes a second run, sorts the
// runs table, chooses a column and compares the two runs. Checks each
// page's content, that no page asks for anything but the server, and that
// the screenshots saved along the way hold what they should.
//
//   node check.mjs --url http://127.0.0.1:PORT --bin PIPELINE --definition quickstart.yaml \
//     --browser /usr/bin/chromium --shots DIR

import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opt } = parseArgs({
  options: {
    url: { type: "string" },
    bin: { type: "string" },
    definition: { type: "string" },
    browser: { type: "string" },
    shots: { type: "string" },
  },
});
for (const k of ["url", "bin", "definition", "browser", "shots"]) {
  if (!opt[k]) {
    console.error(`check.mjs: --${k} is required`);
    process.exit(2);
  }
}
const base = opt.url.replace(/\/$/, "");
mkdirSync(opt.shots, { recursive: true });

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error(`FAIL: ${what}`);
  } else {
    console.log(`ok: ${what}`);
  }
}

// run starts `pipeline run` on the definition; resolves to its exit code.
function run(args) {
  const child = spawn(opt.bin, ["run", opt.definition, "-q", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      if (code !== 0) console.error(`pipeline run ${args.join(" ")} exited ${code}:\n${output}`);
      resolve(code);
    }),
  );
}

// pngSize reads a PNG's width and height from its header.
function pngSize(buf) {
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

// shoot saves a screenshot and checks its size.
async function shoot(page, name, width) {
  const buf = await page.screenshot({ fullPage: true });
  writeFileSync(join(opt.shots, name), buf);
  const size = pngSize(buf);
  check(buf.subarray(1, 4).toString() === "PNG" && size.width === width && size.height > 100,
    `screenshot ${name} is a ${width}px-wide PNG (${size.width}x${size.height})`);
  return buf;
}

// pixelsNear counts the pixels of a PNG within 40 of a colour, drawing it on
// a canvas in the page.
async function pixelsNear(page, buf, [r, g, b]) {
  return page.evaluate(
    async ({ data, r, g, b }) => {
      const img = new Image();
      img.src = "data:image/png;base64," + data;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext("2d");
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 40) n++;
      }
      return n;
    },
    { data: buf.toString("base64"), r, g, b },
  );
}

const browser = await chromium.launch({ executablePath: opt.browser, args: ["--no-sandbox"] });
const width = 1280;
const context = await browser.newContext({ viewport: { width, height: 900 } });
const outside = [];
await context.route("**/*", (route) => {
  const u = route.request().url();
  if (u.startsWith(base + "/") || u.startsWith("data:")) return route.continue();
  outside.push(u);
  return route.abort();
});
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));

try {
  // The runs table of an empty workspace.
  await page.goto(base + "/");
  check((await page.locator("h1").textContent()) === "Runs", "the runs table opens");
  check((await page.locator("#runs tbody tr").count()) === 0, "an empty workspace lists no runs");

  // A run started now shows up as running; its page follows it live.
  const first = run(["--name", "first"]);
  let live = null;
  for (let i = 0; i < 300 && !live; i++) {
    await page.goto(base + "/");
    const row = page.locator("#runs tbody tr", { has: page.locator("td.status-running") });
    if ((await row.count()) > 0) live = await row.first().getAttribute("data-run");
    else await page.waitForTimeout(100);
  }
  check(live !== null, `the run in progress is listed as running (${live})`);
  if (live) {
    await page.click(`a[href="/runs/${live}"]`);
    check((await page.locator("#live").count()) === 1, "the run page of a run in progress is live");
    // Whatever the order of what follows, note whether the classifier's row
    // ever shows its steps while it trains.
    await page.evaluate(() => {
      const cell = document.querySelector('#stages tr[data-stage="classifier"] td.status');
      const look = () => { if (/running · \d+\/600 steps/.test(cell.textContent)) window.sawSteps = true; };
      new MutationObserver(look).observe(cell, { childList: true, characterData: true, subtree: true });
      look();
    });
    // The page updates the graph in place: the classifier is seen running
    // (or already done) without a reload.
    await page.waitForSelector('svg.dag g[data-stage="classifier"].status-running, svg.dag g[data-stage="classifier"].status-ran',
      { timeout: 180000 });
    check(true, "the stage graph shows the classifier running without a reload");
    await page.waitForFunction(() => window.sawSteps === true || /ran/.test(document.querySelector('#stages tr[data-stage="classifier"] td.status').textContent),
      null, { timeout: 60000 });
    check(await page.evaluate(() => window.sawSteps === true), "the classifier's row shows its steps as it trains");
    await page.waitForSelector('#stages tr[data-stage="classifier"] td.log a', { timeout: 10000 });
    check(true, "the started stage gains a log link without a reload");
    await shoot(page, "run-live.png", width);
    await page.waitForSelector("#report-link", { timeout: 300000 });
    check(true, "the run page reloads itself once the run is recorded");
  }
  check((await first) === 0, "the first run succeeds");

  // The recorded run's page.
  await page.goto(base + "/");
  const firstID = await page.locator("#runs tbody tr").first().getAttribute("data-run");
  await page.click(`a[href="/runs/${firstID}"]`);
  check((await page.locator("#run-status").textContent()) === "succeeded", "the run page says succeeded");
  check((await page.locator("#stages tbody tr").count()) === 7, "the run page lists the quickstart's seven stages");
  check((await page.locator('#stages tr[data-stage="quality"]').textContent()).includes("accuracy = 0."), "eval's accuracy is on the run page");
  check((await page.locator("svg.dag g.node.status-ran").count()) === 7, "the graph shows every stage ran");
  // The report embedded below the stages: loss curves and confusion matrices.
  const frame = page.frameLocator("iframe#report");
  await frame.locator("h2:text-is('Confusion matrices')").waitFor({ timeout: 30000 });
  check((await frame.locator("svg").count()) > 3, "the run page embeds the report's loss curves and charts");
  await page.waitForFunction(() => document.getElementById("report").getBoundingClientRect().height > 1000);
  check(true, "the embedded report is sized to its content");
  const shot = await shoot(page, "run.png", width);
  check((await pixelsNear(page, shot, [46, 125, 50])) > 500, "the screenshot shows the graph's ran-green boxes");

  // A table preview.
  await page.click('#stages tr[data-stage="mail"] a[href$="/outputs/mail/data"]');
  check((await page.locator("#preview tbody tr").count()) === 100, "the preview of the ingested mail shows 100 rows");
  check((await page.locator("#preview thead").textContent()).includes("text (utf8)"), "the preview names the columns and their types");
  await shoot(page, "preview.png", width);
  await page.goBack();

  // The scan's findings, as a table: six, masked.
  await page.click('#stages tr[data-stage="secrets"] a[href$="/outputs/secrets/findings"]');
  check((await page.locator("#preview tbody tr").count()) === 6, "the findings preview lists the quickstart's six findings");
  check((await page.locator("#preview thead").textContent()).includes("secret_sha256"), "findings carry digests, not values");
  await page.goBack();

  // eval's per-example predictions, from its evaluation tables.
  await page.click('#stages tr[data-stage="quality"] a:text-is("predictions")');
  check((await page.locator("#preview tbody tr").count()) === 100 && (await page.locator("body").textContent()).includes("605 rows"),
    "the predictions preview shows the first 100 of the 605 test mails");
  await page.goBack();

  // The training log keeps its fields.
  await page.click('#stages tr[data-stage="classifier"] a:text("log")');
  const log = await page.locator("body").textContent();
  check(/step=\d+/.test(log) && /loss=/.test(log), "the classifier's log has step= and loss= fields");
  await page.goBack();

  // The report: loss curves and confusion matrices.
  await page.click("#report-link");
  const report = await page.locator("body").textContent();
  check(report.includes("Training") && report.includes("Confusion matrices"), "the report has the loss curves and the confusion matrices");
  await shoot(page, "report.png", width);

  // A second run, followed from the runs table, then sort, choose a column
  // and compare.
  const second = run(["--name", "second", "--set", "train.steps=300"]);
  let listed = false;
  for (let i = 0; i < 300 && !listed; i++) {
    await page.goto(base + "/");
    listed = (await page.locator("#runs tbody td.status-running").count()) > 0;
    if (!listed) await page.waitForTimeout(100);
  }
  check(listed, "the second run is listed as running");
  if (listed) {
    await page.waitForSelector("#runs tbody td.status-running", { state: "detached", timeout: 300000 });
    await page.waitForLoadState("load");
    await page.waitForSelector("#runs tbody tr");
    check((await page.locator("#runs tbody td.status-succeeded").count()) === 2, "the runs table updates itself when the run is recorded");
  }
  check((await second) === 0, "the second run succeeds");
  await page.goto(base + "/");
  check((await page.locator("#runs tbody tr").count()) === 2, "the runs table lists both runs");
  const accuracies = async () =>
    page.$$eval("#runs tbody tr", (rows) => {
      const head = [...document.querySelectorAll("#runs thead th")].map((th) => th.textContent.replace(/[ ▲▼]/g, ""));
      const i = head.indexOf("metrics.accuracy");
      return rows.map((r) => Number(r.children[i].textContent));
    });
  await page.click('#runs thead a:text-is("metrics.accuracy")');
  const up = await accuracies();
  await page.click('#runs thead a:text-is("metrics.accuracy ▲")');
  const down = await accuracies();
  check(up.length === 2 && up[0] <= up[1] && down[0] >= down[1] && !up.some(Number.isNaN),
    `sorting by metrics.accuracy orders the runs both ways (${up} / ${down})`);
  await page.click("details summary");
  await page.check('#columns input[value="params.train.steps"]');
  await page.click("#columns button");
  const heads = await page.$$eval("#runs thead th", (ths) => ths.map((th) => th.textContent.replace(/[ ▲▼]/g, "")));
  check(heads.at(-1) === "params.train.steps" && heads.includes("metrics.accuracy") && heads.includes("note"),
    `a chosen column is added at the end of the table (${heads.join(", ")})`);
  check((await page.locator("#runs tbody").textContent()).includes("300"), "the chosen column shows the second run's steps");
  await shoot(page, "runs.png", width);
  for (const box of await page.locator('#runs tbody input[name="runs"]').all()) await box.check();
  await page.click("#compare-button");
  const cmp = await page.locator("body").textContent();
  check(cmp.includes("first") && cmp.includes("second") && cmp.includes("accuracy"), "the comparison shows both runs and their accuracy");
  check(cmp.includes("300") && cmp.includes("600"), "the comparison shows the steps that differ");
  await shoot(page, "compare.png", width);
} catch (e) {
  failures++;
  console.error(`FAIL: ${e.stack || e}`);
} finally {
  await browser.close();
}
check(outside.length === 0, `no page asked for anything but the server (${outside.join(", ")})`);
check(pageErrors.length === 0, `no script error on any page (${pageErrors.join("; ")})`);
if (failures) {
  console.error(`check.mjs: ${failures} check(s) failed; screenshots in ${opt.shots}`);
  process.exit(1);
}
console.log(`check.mjs: every page checked; screenshots in ${opt.shots}`);
