// Browser tests of the campaign pages: Debian's chromium, driven by
// playwright-core (web/node_modules), against a `tiemap serve` this test
// starts on a free loopback port with the demo data.  /map must draw the demo
// sites with Leaflet over the offline basemap with no request to another host,
// and list them by country with JavaScript off; the actions and digest pages
// must link to each other.  Screenshots (desktop and 360 px) go to
// tests/e2e/screenshots/.  One TAP line per check.
//
// $TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
import { rmSync } from "node:fs";

import { check, demoDb, failures, launch as launchIn, ok, shoot, startServer, stopServer, tempDir } from "./harness.mjs";

const tmp = tempDir("tiemap-e2e-campaign-");

async function main() {
  const db = demoDb(tmp);
  const srv = await startServer(db, { TIEMAP_MAP_TILES: "", TIEMAP_BASE_URL: "" });
  const origin = srv.origin;
  const launch = (profile, extra) => launchIn(tmp, profile, extra);
  const context = await launch("profile", {});
  const requests = [];
  const problems = [];
  context.on("request", (r) => requests.push(r.url()));
  const page = context.pages()[0] || (await context.newPage());
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  page.setDefaultTimeout(15000);

  try {
    await check("/map draws the demo sites and the located action with Leaflet", async () => {
      await page.goto(`${origin}/map?lang=en`);
      await page.waitForSelector("#map:not([hidden])[data-ready] .leaflet-marker-icon");
      // markers that lie together are clustered: count what the cluster holds
      const [sites, actions] = await page.evaluate(() => {
        const layers = document.getElementById("map").tiemap.cluster.getLayers();
        return ["site", "action"].map((r) => layers.filter((l) => l.feature.properties.record === r).length);
      });
      return sites === 3 && actions === 1;
    });
    await check("/map draws the offline basemap (Natural Earth countries from world-atlas)", async () => {
      await page.waitForSelector('#map[data-basemap-ready="1"]');
      // well over a hundred country shapes, drawn as SVG paths besides the markers
      const shapes = await page.locator("#map path:not(.leaflet-interactive)").count();
      return shapes > 100;
    });
    await check("a point opens a popup that links to the entity's page", async () => {
      // the Vancouver office and Burnaby lie close at this zoom: show the office, then click it
      await page.evaluate(() => new Promise((res) => {
        const t = document.getElementById("map").tiemap;
        t.cluster.zoomToShowLayer(t.byId["site-hikvision-office-vancouver"], res);
      }));
      await page.locator("#map .map-marker.marker-office").first().click();
      const link = page.locator(".map-popup a");
      await link.waitFor();
      return (await link.getAttribute("href")) === "/entities/hikvision?lang=en";
    });
    await shoot(page, "map");
    await check("/map in Chinese, filtered to offices: one point", async () => {
      await page.goto(`${origin}/map?lang=zh&kind=office&f=1`);
      await page.waitForSelector("#map:not([hidden])[data-ready] .leaflet-marker-icon");
      const n = await page.evaluate(() => document.getElementById("map").tiemap.cluster.getLayers()
        .filter((l) => l.feature.properties.record === "site").length);
      const list = await page.textContent(".site-list");
      return n === 1 && list.includes("海康威视温哥华办事处") && !list.includes("ADI Global Distribution");
    });
    await check("/map#action-ID opens the action's popup", async () => {
      await page.goto(`${origin}/map?lang=en#action-2024-02-27-protest-burnaby`);
      const link = page.locator(".map-popup a");
      await link.waitFor();
      return (await link.getAttribute("href")) === "/actions/2024-02-27-protest-burnaby?lang=en";
    });
    await check("the map fits a 360 px phone", async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${origin}/map?lang=zh`);
      await page.waitForSelector("#map:not([hidden])[data-ready] .leaflet-marker-icon");
      await shoot(page, "map-zh");
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.setViewportSize({ width: 1280, height: 900 });
      return w <= 362;
    });

    await check("from /actions to the action page, its sources and the week's digest", async () => {
      await page.goto(`${origin}/actions?lang=zh`);
      await shoot(page, "actions");
      await Promise.all([page.waitForURL(/\/actions\/2024-02-27-protest-burnaby/),
        page.click('a[href^="/actions/2024-02-27-protest-burnaby?"]')]);
      await shoot(page, "action");
      const notes = await page.locator(".notes li").count();
      const h1 = await page.textContent("h1");
      await page.goto(`${origin}/digest/2024-W09?lang=zh`);
      await shoot(page, "digest");
      const digest = await page.textContent(".digest");
      return notes === 2 && h1.includes("本拿比") && digest.includes("本周共 1 项行动") && digest.includes("来源");
    });
    await check("the filter form of /actions works (kind and dates)", async () => {
      await page.goto(`${origin}/actions?lang=en`);
      await page.selectOption('select[name="kind"]', "boycott");
      await Promise.all([page.waitForURL(/kind=boycott/), page.click(".filter-form button")]);
      const none = (await page.textContent("main")).includes("No action matches.");
      await page.selectOption('select[name="kind"]', "protest");
      await page.fill('input[name="from"]', "2024-02-01");
      await page.fill('input[name="to"]', "2024-02-29");
      await Promise.all([page.waitForURL(/kind=protest/), page.click(".filter-form button")]);
      return none && (await page.locator(".action-list li").count()) === 1;
    });
    await check("Hikvision's page lists the action against it", async () => {
      await page.goto(`${origin}/entities/hikvision?lang=en`);
      return (await page.locator('.entity-actions a[href^="/actions/2024-02-27-protest-burnaby"]').count()) === 1;
    });

    const foreign = requests.filter((u) => !u.startsWith(origin + "/"));
    ok(requests.length > 10 && foreign.length === 0, "every request the browser made went to the server's own origin",
      foreign.slice(0, 5).join("\n"));
    ok(problems.length === 0, "no script error or blocked load on the campaign pages", problems.slice(0, 5).join("\n"));

    const nojs = await launch("profile-nojs", { javaScriptEnabled: false });
    const page2 = nojs.pages()[0] || (await nojs.newPage());
    await check("with JavaScript off, /map lists the sites by country", async () => {
      await page2.goto(`${origin}/map?lang=en`);
      await shoot(page2, "map-nojs");
      const hidden = await page2.locator("#map").isHidden();
      const countries = await page2.locator(".site-list h3").allTextContents();
      const sites = await page2.locator(".site-list li").count();
      return hidden && countries.join("|") === "Canada|United States" && sites === 4;
    });
    await check("with JavaScript off, the tag filter still works", async () => {
      await page2.goto(`${origin}/map?lang=en`);
      await page2.selectOption('select[name="tag"]', "surveillance");
      await Promise.all([page2.waitForURL(/tag=surveillance/), page2.click(".filter-form button")]);
      const text = await page2.textContent(".site-list");
      // the NYPD's cameras and the U.S. purchases carry the tag; Hikvision's office through its entity
      return text.includes("NYPD") && text.includes("Hikvision office") && !text.includes("ADI Global");
    });
    await nojs.close();
  } finally {
    await context.close();
    await stopServer(srv);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(failures() ? 1 : 0), (e) => {
  console.log(`not ok - campaign browser tests ran to the end\n#   ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
