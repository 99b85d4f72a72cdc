// The sweep: every page of the demo site in English, Simplified and
// Traditional Chinese, at 1280 and 360 px, with JavaScript on and off, in one
// browser.  Each page must fit its width (no sideways scrolling), pass
// axe-core's WCAG 2.x A and AA rules, and on the Chinese pages show no run
// of interface English; the browser must request nothing from another origin
// and log no error.  Then the few things a sweep cannot see: the print header
// of an entity page, the graph's PNG and SVG downloads, two co-located map
// markers both clickable, and the nav from home to the week's digest.
//
// To stay fast it loads each page once per language and JavaScript setting,
// checks it at 1280 px, resizes the same page to 360 px and checks again,
// in two tabs at once.
// axe-core is slow (a second or more a page), so in make test it runs on every page of
// which there is one (home, lists, forms, errors …) and on one page of each
// kind there are many of (an entity, its graph, a source, a tag, an action:
// the same template over other data): every rule at 1280 px in all three
// languages, and at 360 px the rules that depend on layout (target size,
// contrast, scrollable regions) on the Chinese pages, whose lines are the
// longest.  The other checks (status, overflow at both
// widths, interface English, requests, console) run on every page.  With
// JavaScript off the sweep visits the pages a script changes (each graph, the
// map); every other page has no script, so it is the page already checked.
//
// $TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

import { check, demoDb, failures, launch as launchIn, ok, root, shoot, startServer, stopServer, tempDir } from "./harness.mjs";

const tmp = tempDir("tiemap-e2e-sweep-");
const axeSource = readFileSync(join(root, "web", "node_modules", "axe-core", "axe.min.js"), "utf8");
const LANGS = ["en", "zh", "zh-Hant"];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const LAYOUT_RULES = ["target-size", "color-contrast", "scrollable-region-focusable", "meta-viewport"];

// Words that are not interface English: names of formats, programs and
// data the interface cites as examples.
const ALLOWED = new Set(["tiemap", "API", "JSON", "Lines", "CSV", "TSV", "PNG", "SVG", "Atom", "Markdown",
  "Substack", "ISO", "Natural", "Earth", "world-atlas", "Hikvision", "haikang", "surveillance", "Host", "YYYY-MM-DD",
  "ISIN", "LEI", "Wikidata", "cookie", "zzzz-nothing", "hikvison"]);
// The data's own text (names, titles, descriptions that quote English
// titles): content, not interface.  A run found in it is not counted.
const DATA = readdirSync(join(root, "data", "seed")).filter((f) => f.endsWith(".jsonl"))
  .map((f) => readFileSync(join(root, "data", "seed", f), "utf8")).join("\n");

// In the page: runs of Latin words outside elements marked with another
// language (or translate="no", or code), in text and in the attributes a
// reader hears or sees.
function englishRuns(allowed) {
  const skipTags = new Set(["SCRIPT", "STYLE", "CODE", "NOSCRIPT", "TEMPLATE", "TEXTAREA"]);
  const skip = (el) => {
    for (; el; el = el.parentElement) {
      if (skipTags.has(el.tagName)) return true;
      if (el.getAttribute && el.getAttribute("translate") === "no") return true;
      const l = el.getAttribute && el.getAttribute("lang");
      if (l !== null && l !== undefined) return !l.startsWith("zh");
    }
    return false;
  };
  const found = [];
  const look = (text, where) => {
    const t = text.replace(/https?:\/\/\S+/g, " ").replace(/[\w.-]*\.(?:jsonl|json|csv|tsv|xlsx|ods|md|txt|atom)\b/g, " ");
    for (const m of t.matchAll(/[A-Za-z][A-Za-z'’_-]*(?:[ \t]+[A-Za-z][A-Za-z'’_-]*)*/g)) {
      const words = m[0].split(/[ \t]+/).filter((w) => !allowed.includes(w) && !/^[A-Z0-9-]{2,8}$/.test(w));
      // interface English: a lower-case word, or two words together
      if (words.some((w) => /^[a-z]{3,}/.test(w)) || words.length >= 2) found.push([where, m[0]]);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.nodeValue.trim() || skip(n.parentElement)) continue;
    look(n.nodeValue, n.parentElement.tagName.toLowerCase());
  }
  for (const el of document.querySelectorAll("[aria-label],[placeholder],[title],[alt]")) {
    if (skip(el)) continue;
    for (const a of ["aria-label", "placeholder", "title", "alt"]) if (el.hasAttribute(a)) look(el.getAttribute(a), "@" + a);
  }
  look(document.title, "title");
  return found;
}

// Pages of which there are many: axe runs on the first of each family,
// unless SWEEP_AXE_ALL=1 (make a11y), which runs it on every page: too slow
// for make test's ten minutes on two cores, so it is a target of its own.
const FAMILIES = [/^\/entities\/[^/?]+$/, /^\/entities\/[^/?]+\/graph$/, /^\/sources\/[^/?]+$/, /^\/tags\/[^/?]+$/,
  /^\/actions\/[^/?]+$/];

function axeSet(pages) {
  if (process.env.SWEEP_AXE_ALL === "1") return new Set(pages);
  const seen = new Set();
  return new Set(pages.filter((p) => {
    const f = FAMILIES.findIndex((re) => re.test(p.split("?")[0]));
    if (f < 0) return true;
    if (seen.has(f)) return false;
    seen.add(f);
    return true;
  }));
}

async function pagesOf(origin) {
  const get = async (u) => (await fetch(origin + u)).json();
  const ents = (await get("/api/v1/entities?limit=100")).results.map((e) => e.id);
  const srcs = (await get("/api/v1/sources?limit=100")).results.map((s) => s.id);
  const tags = (await get("/api/v1/entities?limit=1")).facets.tag.map((t) => t.value);
  const actions = [...(await (await fetch(origin + "/actions?lang=en")).text()).matchAll(/<li data-id="([^"]+)"/g)]
    .map((m) => m[1]);
  return [
    "/", "/search?q=%E6%B5%B7%E5%BA%B7", "/search?q=zzzz-nothing", "/search",
    // what search forgives: a typo, words beyond the name, a topic
    "/search?q=hikvison", "/search?q=Huawei%20Technologies%20Co.%2C%20Ltd.", "/search?q=%E7%9B%91%E6%8E%A7",
    "/entities", "/entities?kind=company&country=CN&sort=ties", "/entities?country=Canada",
    "/tags", ...tags.map((t) => `/tags/${t}`),
    "/sources", ...srcs.map((s) => `/sources/${s}`),
    // Hikvision first: the richest page of each family is the one axe checks
    ...["hikvision", ...ents.filter((e) => e !== "hikvision")].map((e) => `/entities/${e}`),
    ...["hikvision", ...ents.filter((e) => e !== "hikvision")].map((e) => `/entities/${e}/graph`),
    "/path", "/path?from=hikvision&to=wolf-pack", "/path?from=hikvision&to=wolf-pack&max_hops=9",
    "/actions", "/actions?kind=riot", ...actions.map((a) => `/actions/${a}`),
    "/digest", "/digest/2024-W09", "/digest/2024-W09?pair=1", "/digest/2030-W01",
    "/map", "/screen", "/no-such-page/hikvison",
  ];
}

function withLang(path, lang) {
  return path + (path.includes("?") ? "&" : "?") + "lang=" + lang;
}

async function ready(page, path, js) {
  if (!js) return;
  if (/\/graph$/.test(path.split("?")[0])) await page.waitForSelector("#graph[data-ready]", { timeout: 20000 });
  if (path.startsWith("/map")) await page.waitForSelector("#map[data-ready]", { timeout: 20000 });
}

async function axe(page, rules) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`axe-core did not finish on ${page.url()}`)), 90000); });
  return Promise.race([late, axeRun(page, rules)]).finally(() => clearTimeout(timer));
}

async function axeRun(page, rules) {
  return page.evaluate(async ([src, tags, only]) => {
    if (!window.axe) (0, eval)(src); // axe-core from npm, put in by the test, not the page
    const opts = { resultTypes: ["violations"], runOnly: only ? { type: "rule", values: only } : { type: "tag", values: tags } };
    const r = await window.axe.run(document, opts);
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")}`);
  }, [axeSource, AXE_TAGS, rules || null]);
}

// One tab's work: load the page at 1280 px, check it, shrink it to 360 px
// and check again.
async function visit(page, origin, path, lang, js, axed, bad) {
  const url = withLang(path, lang);
  const t0 = Date.now();
  await page.setViewportSize({ width: 1280, height: 900 });
  const resp = await page.goto(origin + url);
  if (!resp || resp.status() >= 500) bad.status.push(`${url}: ${resp && resp.status()}`);
  await ready(page, path, js);
  let runs = 0;
  for (const width of [1280, 360]) {
    if (width === 360) await page.setViewportSize({ width: 360, height: 740 });
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > width + 1) bad.overflow.push(`${url} at ${width}: ${w}px`);
    // all rules at 1280 in every language; at 360 the layout rules, on the
    // Chinese pages (the longest lines of the three)
    if (axed && js && (width === 1280 || lang === "zh")) {
      const v = await axe(page, width === 360 ? LAYOUT_RULES : null);
      if (v.length) bad.axe.push(`${url} at ${width}${js ? "" : " (no JS)"}: ${v.join("; ")}`);
      runs++;
    }
  }
  if (lang !== "en" && js) {
    // what the reader typed, echoed (a search's query, in its title too), is no interface text
    const typed = new URL(origin + url).searchParams.get("q") || "";
    const found = (await page.evaluate(englishRuns, [...ALLOWED]))
      .filter(([, run]) => !DATA.includes(run) && !typed.includes(run));
    if (found.length) bad.english.push(`${url}: ${found.slice(0, 5).map((r) => r.join(": ")).join(" | ")}`);
  }
  if (process.env.SWEEP_DEBUG) console.log(`# ${url} ${js ? "" : "(no JS) "}${Date.now() - t0} ms, ${runs} axe`);
  return runs;
}

// Every page in every language, two tabs at a time.
async function sweep(context, origin, pages, js, onPage) {
  const axed = axeSet(pages);
  const bad = { overflow: [], axe: [], english: [], status: [] };
  const tasks = [];
  for (const lang of LANGS)
    for (const path of pages)
      // without JavaScript a page with no script is the page already checked
      if (js || /\/graph$|^\/map/.test(path.split("?")[0])) tasks.push([path, lang]);
  let next = 0, axeRuns = 0;
  const worker = async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    if (onPage) onPage(page);
    while (next < tasks.length) {
      const [path, lang] = tasks[next++];
      axeRuns += await visit(page, origin, path, lang, js, axed.has(path), bad);
    }
    await page.close();
  };
  await Promise.all([worker(), worker()]);
  return { bad, visited: tasks.length, axeRuns };
}

async function main() {
  const db = demoDb(tmp);
  const srv = await startServer(db, { TIEMAP_MAP_TILES: "", TIEMAP_BASE_URL: "" }, ["--rate", "0"]);
  const origin = srv.origin;
  const launch = (profile, extra) => launchIn(tmp, profile, extra);
  let pages = await pagesOf(origin);
  // a developer's quick run: the first N pages only
  if (process.env.SWEEP_PAGES) pages = pages.slice(Number(process.env.SWEEP_FROM || 0), Number(process.env.SWEEP_PAGES));
  const requests = [];
  const problems = [];
  const context = await launch("profile", { acceptDownloads: true });
  context.on("request", (r) => requests.push(r.url()));
  const first = context.pages()[0] || (await context.newPage());
  // the pages asked for with a bad value answer 400 or 404 on purpose
  const expected4xx = /country=Canada|kind=riot|max_hops=9|no-such-page|2030-W01/;
  const watch = (p) => {
    p.on("console", (m) => {
      if (m.type() !== "error") return;
      if (/status of 4\d\d/.test(m.text()) && expected4xx.test(p.url())) return;
      problems.push(`${p.url()}: ${m.text()}`);
    });
    p.on("pageerror", (e) => problems.push(`${p.url()}: ${e}`));
  };
  watch(first);

  try {
    const t0 = Date.now();
    const on = await sweep(context, origin, pages, true, watch);
    console.log(`# JavaScript on: ${on.visited} pages, ${on.axeRuns} axe runs, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const nojs = await launch("profile-nojs", { javaScriptEnabled: false });
    nojs.on("request", (r) => requests.push(r.url()));
    const off = await sweep(nojs, origin, pages, false, watch);
    await nojs.close();
    // axe-core needs a script engine, which a context with JavaScript off
    // has not: the pages a script changes are checked as they are without
    // their scripts in a context that blocks the site's scripts instead
    const blocked = await launch("profile-blocked", {});
    await blocked.route(/\/static\/[^?]+\.js/, (r) => r.abort());
    const bpage = await blocked.newPage();
    for (const lang of LANGS) {
      for (const path of [...axeSet(pages)].filter((p) => /\/graph$|^\/map/.test(p.split("?")[0]))) {
        const url = withLang(path, lang);
        await bpage.setViewportSize({ width: 1280, height: 900 });
        await bpage.goto(origin + url);
        for (const width of [1280, 360]) {
          if (width === 360) await bpage.setViewportSize({ width: 360, height: 740 });
          if (width === 360 && lang !== "zh") continue;
          const v = await axe(bpage, width === 360 ? LAYOUT_RULES : null);
          if (v.length) off.bad.axe.push(`${url} at ${width} (no JS): ${v.join("; ")}`);
          off.axeRuns++;
        }
      }
    }
    await blocked.close();
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    console.log(`# swept ${pages.length} pages × 3 languages × 2 widths, JavaScript on and off (${on.visited + off.visited} loads, ${on.axeRuns + off.axeRuns} axe runs, ${secs} s)`);
    for (const [name, r] of [["JavaScript on", on.bad], ["JavaScript off", off.bad]]) {
      ok(!r.status.length, `every page answers (${name})`, r.status.join("\n"));
      ok(!r.overflow.length, `no page scrolls sideways at 1280 or 360 px (${name})`, r.overflow.join("\n"));
      ok(!r.axe.length, `axe-core finds no WCAG 2.2 A/AA violation on any page, both widths (${name})`, r.axe.join("\n"));
    }
    ok(!on.bad.english.length, "no interface English on any zh-Hans or zh-Hant page", on.bad.english.join("\n"));

    const page = first;
    await page.setViewportSize({ width: 1280, height: 900 });
    await check("a print-media screenshot of an entity page shows the site name, absolute URL and date", async () => {
      await page.goto(`${origin}/entities/hikvision?lang=zh`);
      await page.emulateMedia({ media: "print" });
      const head = await page.evaluate(() => {
        const h = document.querySelector(".print-head");
        const cs = getComputedStyle(h);
        return { display: cs.display, position: cs.position, text: h.textContent };
      });
      await shoot(page, "entity-print");
      const link = await page.evaluate(() => getComputedStyle(document.querySelector("main a[href^='/entities/']"), "::after").content);
      await page.emulateMedia({ media: "screen" });
      const today = new Date().toISOString().slice(0, 10);
      return head.display !== "none" && head.position === "fixed" && head.text.includes("tiemap 关联图谱") &&
        head.text.includes(`${origin}/entities/hikvision?lang=zh`) && head.text.includes(today) &&
        link.includes(`<${origin}/entities/`);
    });
    await check("the graph downloads as PNG and as SVG", async () => {
      await page.goto(`${origin}/entities/hikvision/graph?lang=en`);
      await page.waitForSelector("#graph[data-ready]");
      const [png] = await Promise.all([page.waitForEvent("download"), page.click("#graph-png")]);
      const pngPath = join(tmp, "g.png");
      await png.saveAs(pngPath);
      const [svg] = await Promise.all([page.waitForEvent("download"), page.click("#graph-svg")]);
      const svgPath = join(tmp, "g.svg");
      await svg.saveAs(svgPath);
      const head = readFileSync(pngPath).subarray(0, 8).toString("hex");
      const text = readFileSync(svgPath, "utf8");
      return head === "89504e470d0a1a0a" && statSync(pngPath).size > 5000 && text.includes("<svg") &&
        text.includes("Hikvision") && png.suggestedFilename() === "hikvision.png";
    });
    await check("the graph's legend lists only the kinds drawn", async () => {
      const kinds = await page.locator("#graph-legend li").evaluateAll((l) => l.map((x) => x.dataset.kind));
      const drawn = await page.evaluate(() => [...new Set(document.getElementById("graph")._cyreg.cy.nodes().map((n) => n.data("kind")))]);
      return kinds.length === drawn.length && drawn.every((k) => kinds.includes(k)) && kinds.length < 17;
    });
    await check("two co-located map markers are both clickable", async () => {
      // ADI's Burnaby site and the Burnaby protest share one point: a cluster
      // that zooms in and then spreads them apart
      await page.goto(`${origin}/map?lang=en`);
      await page.waitForSelector("#map[data-ready]");
      const pos = await page.evaluate(() => {
        const t = document.getElementById("map").tiemap;
        const a = t.byId["site-adi-global-distribution-burnaby"].getLatLng();
        const b = t.byId["action-2024-02-27-protest-burnaby"].getLatLng();
        return a.lat === b.lat && a.lng === b.lng;
      });
      for (let i = 0; i < 5 && !(await page.locator(".map-marker.marker-distributor").count()); i++) {
        await page.locator(".map-cluster").last().click();
        await page.waitForTimeout(800);
      }
      const hrefs = [];
      for (const [sel, href] of [[".map-marker.marker-distributor", "/entities/adi-global-distribution?lang=en"],
        [".map-marker.marker-action", "/actions/2024-02-27-protest-burnaby?lang=en"]]) {
        await page.locator(sel).first().click();
        const link = page.locator(`.map-popup a[href="${href}"]`);
        await link.waitFor();
        hrefs.push(await link.getAttribute("href"));
      }
      return pos && hrefs[0] === "/entities/adi-global-distribution?lang=en" &&
        hrefs[1] === "/actions/2024-02-27-protest-burnaby?lang=en";
    });
    await check("a map marker is reached by keyboard, shows its focus and opens with Enter", async () => {
      await page.goto(`${origin}/map?lang=en`);
      await page.waitForSelector("#map[data-ready]");
      await page.evaluate(() => new Promise((res) => {
        const t = document.getElementById("map").tiemap;
        t.cluster.zoomToShowLayer(t.byId["site-hikvision-office-vancouver"], res);
      }));
      const marker = page.locator(".map-marker.marker-office").first();
      const tabbable = await marker.evaluate((m) => m.tabIndex >= 0);
      await marker.focus();
      const ring = await marker.evaluate((m) => getComputedStyle(m).outlineStyle + " " + getComputedStyle(m).outlineWidth);
      await page.keyboard.press("Enter");
      await page.locator('.map-popup a[href="/entities/hikvision?lang=en"]').waitFor();
      return tabbable && ring === "solid 3px";
    });
    for (const lang of ["en", "zh"]) {
      await check(`from the home page, the nav leads to the digest of 2024-W09 (${lang})`, async () => {
        await page.goto(`${origin}/?lang=${lang}`);
        await Promise.all([page.waitForURL(/\/digest\?/), page.click(`nav a[href="/digest?lang=${lang}"]`)]);
        await Promise.all([page.waitForURL(/\/digest\/2024-W09/), page.click(`a[href="/digest/2024-W09?lang=${lang}"]`)]);
        const text = await page.textContent(".digest");
        return lang === "en" ? text.includes("Burnaby") : text.includes("本拿比");
      });
    }
    const foreign = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("blob:") && !u.startsWith("data:"));
    ok(requests.length > 100 && foreign.length === 0, "no request to another origin", foreign.slice(0, 5).join("\n"));
    ok(problems.length === 0, "no console error on any page", problems.slice(0, 8).join("\n"));
  } finally {
    await context.close();
    await stopServer(srv);
    ok(!/Sanitizer|runtime error/.test(srv.stderr()), "the server's sanitizers stayed quiet", srv.stderr().slice(-2000));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(failures() ? 1 : 0), (e) => {
  console.log(`not ok - the sweep ran to the end\n#   ${e && e.stack ? e.stack : e}`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
});
