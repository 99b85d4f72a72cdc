// Browser tests: Debian's chromium, driven by playwright-core (web/node_modules),
// against a `tiemap serve` this test starts on a free loopback port.  One TAP
// line per check; screenshots of each page, desktop and 360 px, go to
// tests/e2e/screenshots/ (ignored by git) for a person to look at.
//
// $TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
import { rmSync } from "node:fs";

import { check, demoDb, failures, launch as launchIn, ok, shoot, startServer, stopServer, tempDir } from "./harness.mjs";

const tmp = tempDir("tiemap-e2e-");

async function main() {
  const db = demoDb(tmp);
  const srv = await startServer(db);
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
    await check("search 海康 from the home page and open Hikvision's page", async () => {
      await page.goto(`${origin}/?lang=en`);
      await shoot(page, "home");
      await page.fill("#home-q", "海康");
      await Promise.all([page.waitForURL(/\/search\?/), page.press("#home-q", "Enter")]);
      await shoot(page, "search");
      await Promise.all([page.waitForURL(/\/entities\/hikvision/), page.click('a.hit[href^="/entities/hikvision?"]')]);
      await shoot(page, "entity");
      return (await page.textContent("h1")).includes("Hikvision");
    });

    await check("the first Tab reaches the skip link", async () => {
      await page.keyboard.press("Tab");
      return await page.evaluate(() => document.activeElement && document.activeElement.classList.contains("skip"));
    });

    await check("switch the language and see Chinese labels", async () => {
      await Promise.all([page.waitForURL(/lang=zh/), page.click('.lang-switch a[hreflang="zh-Hans"]')]);
      await shoot(page, "entity-zh");
      const h2 = await page.textContent("#rel-h");
      const body = await page.textContent("main");
      return (await page.getAttribute("html", "lang")) === "zh-Hans" && h2.includes("关联") &&
        body.includes("被中国电子科技集团公司拥有") && body.includes("海康威视");
    });

    await check("open a footnote's source", async () => {
      await page.click("sup.marks a.fn >> nth=0");
      const target = await page.evaluate(() => location.hash);
      await Promise.all([page.waitForURL(/\/sources\//), page.click(`li${target} a.source-link`)]);
      await shoot(page, "source");
      return (await page.textContent("h1")).length > 5 && (await page.locator("ul.claims li").count()) > 0;
    });

    await check("find a path between two entities through the form", async () => {
      await page.goto(`${origin}/path?lang=en`);
      await page.fill("#from", "Hikvision");
      await page.fill("#to", "Wolf Pack");
      await Promise.all([page.waitForURL(/from=Hikvision/), page.click(".path-form button[type=submit]")]);
      await shoot(page, "path");
      const links = await page.locator("ol.path li a[href^='/entities/wolf-pack']").count();
      return links > 0 && (await page.locator(".notes li").count()) > 0;
    });

    await check("open the graph page and see nodes drawn", async () => {
      await page.goto(`${origin}/entities/hikvision/graph?lang=en`);
      await page.waitForSelector("#graph[data-ready]");
      const n = Number(await page.getAttribute("#graph", "data-ready"));
      const canvases = await page.locator("#graph canvas").count();
      // the centre is drawn in the middle of the canvas: some pixels are not background
      const painted = await page.evaluate(() => {
        const cs = [...document.querySelectorAll("#graph canvas")];
        return cs.some((c) => {
          const ctx = c.getContext("2d");
          if (!ctx || !c.width) return false;
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4 * 97) if (d[i] > 0) return true;
          return false;
        });
      });
      await shoot(page, "graph");
      return n > 5 && canvases > 0 && painted;
    });

    await check("a click on a node selects it and offers its page", async () => {
      const box = await page.locator("#graph").boundingBox();
      const pos = await page.evaluate(() => {
        // where cytoscape put the centre node, from its own layout
        const el = document.getElementById("graph");
        return el && el._cyreg && el._cyreg.cy ? el._cyreg.cy.getElementById("hikvision").renderedPosition() : null;
      });
      if (!pos) return false;
      await page.mouse.click(box.x + pos.x, box.y + pos.y);
      await page.waitForSelector("#graph-panel a[href^='/entities/hikvision']");
      return true;
    });

    await check("the graph page in Chinese labels ties in Chinese", async () => {
      await page.goto(`${origin}/entities/hikvision/graph?lang=zh`);
      await page.waitForSelector("#graph[data-ready]");
      await shoot(page, "graph-zh");
      return (await page.textContent("ul.edges")).includes("拥有");
    });

    await check("the pages fit a 360 px phone without sideways scrolling", async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      const wide = [];
      for (const [name, path] of [["home", "/?lang=zh"], ["search", "/search?q=%E6%B5%B7%E5%BA%B7&lang=zh"],
        ["entity", "/entities/hikvision?lang=en"], ["entity-zh", "/entities/hikvision?lang=zh"],
        ["source", "/sources/psan-2024?lang=en"], ["path", "/path?from=hikvision&to=wolf-pack&lang=zh"],
        ["graph", "/entities/hikvision/graph?lang=en"]]) {
        await page.goto(origin + path);
        if (name === "graph") await page.waitForSelector("#graph[data-ready]");
        await shoot(page, name);
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        if (w > 362) wide.push(`${path}: ${w}px`);
      }
      if (wide.length) throw new Error(wide.join(", "));
      return true;
    });
    await page.setViewportSize({ width: 1280, height: 900 });

    await check("the print stylesheet hides the navigation", async () => {
      await page.goto(`${origin}/entities/hikvision?lang=en`);
      await page.emulateMedia({ media: "print" });
      const hidden = await page.evaluate(() => getComputedStyle(document.querySelector(".site-header")).display);
      await page.emulateMedia({ media: "screen" });
      return hidden === "none";
    });

    ok(problems.length === 0, "no script errors or Content-Security-Policy violations in the console",
      problems.join("\n"));
    const foreign = requests.filter((u) => !u.startsWith(origin + "/"));
    ok(requests.length > 10 && foreign.length === 0, "every request the browser made went to the server's own origin",
      foreign.slice(0, 5).join("\n"));

    // JavaScript off: the same relations and the same neighbourhood, as lists
    const nojs = await launch("profile-nojs", { javaScriptEnabled: false });
    const page2 = nojs.pages()[0] || (await nojs.newPage());
    page2.setDefaultTimeout(15000);
    await check("the entity page with JavaScript off shows the relations", async () => {
      await page2.goto(`${origin}/entities/hikvision?lang=en`);
      await shoot(page2, "entity-nojs");
      const rels = await page2.locator("section.relations ul.rels li").count();
      return rels > 5 && (await page2.textContent("section.relations")).includes("owned by");
    });
    await check("the graph page with JavaScript off lists the neighbourhood", async () => {
      await page2.goto(`${origin}/entities/hikvision/graph?lang=en`);
      await shoot(page2, "graph-nojs");
      const hidden = await page2.locator("#graph").isHidden();
      return hidden && (await page2.locator("ul.edges li").count()) > 5 && (await page2.locator("ul.nodes li").count()) > 5;
    });
    await check("the path form works with JavaScript off", async () => {
      await page2.goto(`${origin}/path?lang=zh`);
      await page2.fill("#from", "海康威视");
      await page2.fill("#to", "ijop");
      await Promise.all([page2.waitForURL(/to=ijop/), page2.click(".path-form button[type=submit]")]);
      return (await page2.locator("ol.path li").count()) > 0;
    });
    await nojs.close();
  } finally {
    await context.close();
    await stopServer(srv);
    ok(!/Sanitizer|runtime error/.test(srv.stderr()), "the server's sanitizers stayed quiet", srv.stderr().slice(-2000));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(failures() ? 1 : 0), (e) => {
  console.log(`not ok - browser tests could not run: ${e && e.message ? e.message : e}`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
});
