// Browser tests of evidence in plain sight (issue 10): on the entity, owners
// chain, path, graph, source, screen and digest pages every claim's quote is
// visible page text — no tooltip needed — on a 360 px phone and in print,
// exposed to screen readers; unchecked sources are marked where cited; the
// footer names the data licence; every page has a "cite this page" line; no
// page names a repository path.  Debian's chromium driven by playwright-core
// against a `tiemap serve` of the demo data.  One TAP line per check.
//
// $TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
import { rmSync } from "node:fs";

import { check, demoDb, failures, launch, ok, shoot, startServer, stopServer, tempDir } from "./harness.mjs";

const tmp = tempDir("tiemap-e2e-claims-");

const LIST = "name\nHikvision\nEZVIZ Network\nAmnesty International\nBYD\n";

// Each page: where, what quote must be there, a name for screenshots.
const PAGES = [
  { name: "entity", url: "/entities/hikvision?lang=en",
    quotes: ["For example, Hikvision cameras feed information into 狼群 (Wolf Pack)",
      "Hikvision’s parent company is the China Electronics Technology Corporation"],
    locator: "section “Interconnected Surveillance”" },
  { name: "owners", url: "/entities/ezviz?lang=en", quotes: ["Hikvision will spin off Ezviz Network"] },
  { name: "path", url: "/path?from=hikvision&to=wolf-pack&lang=en", quotes: ["surveillance equipment made by Hikvision and Dahua"] },
  { name: "graph", url: "/entities/hikvision/graph?depth=1&lang=en", quotes: ["surveillance equipment made by Hikvision and Dahua"] },
  { name: "source", url: "/sources/psan-2024?lang=en",
    quotes: ["Hikvision’s parent company is the China Electronics Technology Corporation",
      "For example, Hikvision cameras feed information into 狼群 (Wolf Pack)"] },
  { name: "digest", url: "/digest/2024-W09?lang=en", quotes: ["Roughly a dozen people showed up for the action"] },
  { name: "screen", url: null, quotes: ["For example, Hikvision cameras feed information into 狼群 (Wolf Pack)",
    "Hikvision will spin off Ezviz Network"] },
  { name: "entity-zh", url: "/entities/hikvision?lang=zh", quotes: ["For example, Hikvision cameras feed information into 狼群 (Wolf Pack)"] },
];

async function open(page, origin, p) {
  if (p.url) {
    await page.goto(origin + p.url);
    return;
  }
  // the screen page: the form as a reader fills it (on screen: print hides
  // forms), then the report in the medium asked for
  const media = await page.evaluate(() => (matchMedia("print").matches ? "print" : "screen"));
  await page.emulateMedia({ media: "screen" });
  await page.goto(`${origin}/screen?lang=en`);
  await page.fill("#screen-list", LIST);
  await Promise.all([page.waitForNavigation(), page.click('button[name="format"][value="html"]')]);
  await page.emulateMedia({ media });
}

// Every <q> of the page's main part: its text shown (not display:none, not
// hidden, not clipped to nothing), inside the viewport's width, not hidden
// from assistive technology; and each expected quote among them.
async function quotesShown(page, want) {
  return page.evaluate((want) => {
    const vw = document.documentElement.clientWidth;
    const qs = [...document.querySelectorAll("main q")];
    const bad = [];
    for (const q of qs) {
      const r = q.getBoundingClientRect();
      const cs = getComputedStyle(q);
      let hidden = false;
      for (let e = q; e; e = e.parentElement) {
        if (e.getAttribute("aria-hidden") === "true" || e.hidden) hidden = true;
      }
      if (!q.innerText.trim() || r.width < 1 || r.height < 1 || cs.visibility !== "visible" ||
          Number(cs.opacity) === 0 || r.left < -1 || r.right > vw + 1 || hidden) {
        bad.push(`${q.innerText.slice(0, 40)} ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
      }
    }
    const text = document.querySelector("main").innerText;
    const missing = want.filter((w) => !text.includes(w));
    const tooltipOnly = [...document.querySelectorAll("[title]")].filter((e) =>
      want.some((w) => e.getAttribute("title").includes(w.slice(0, 30))));
    const wide = document.documentElement.scrollWidth > vw + 1 ? document.documentElement.scrollWidth : 0;
    return { n: qs.length, bad, missing, tooltips: tooltipOnly.length, wide };
  }, want);
}

async function main() {
  const db = demoDb(tmp);
  const srv = await startServer(db, { TIEMAP_MAP_TILES: "", TIEMAP_BASE_URL: "" });
  const origin = srv.origin;
  const context = await launch(tmp, "profile", { viewport: { width: 360, height: 740 } });
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  page.setDefaultTimeout(15000);

  try {
    for (const p of PAGES) {
      for (const media of ["screen", "print"]) {
        await check(`${p.name} (${media}, 360 px): every quote is visible page text, none only in a tooltip, nothing wider than the page`, async () => {
          await page.emulateMedia({ media });
          await open(page, origin, p);
          if (media === "screen") await shoot(page, `claims-${p.name}`);
          const r = await quotesShown(page, p.quotes.concat(p.locator ? [p.locator] : []));
          if (r.n === 0 || r.bad.length || r.missing.length || r.tooltips || r.wide) {
            throw new Error(JSON.stringify(r).slice(0, 600));
          }
          return true;
        });
      }
      await page.emulateMedia({ media: "screen" });
      await check(`${p.name}: the quotes are in the accessibility tree`, async () => {
        await open(page, origin, p);
        const snap = await page.locator("main").ariaSnapshot();
        const miss = p.quotes.filter((q) => !snap.includes(q.slice(0, 30)));
        if (miss.length) throw new Error("not exposed: " + miss.join(" | "));
        return true;
      });
      await check(`${p.name}: the footer names the licence, the page has a cite line, no repository path`, async () => {
        await open(page, origin, p);
        const footer = await page.locator("footer").innerText();
        const cite = await page.locator(".cite-page").innerText();
        const html = await page.content();
        const zh = p.name.endsWith("-zh");
        if (!footer.includes("CC BY-SA 4.0")) throw new Error("footer: " + footer);
        if (!(zh ? /引用本页/ : /Cite this page/).test(cite) || !cite.includes(origin.replace("http://", "")) && !cite.includes("/"))
          throw new Error("cite: " + cite);
        if (html.includes("shared/") || html.includes("data/seed")) throw new Error("a repository path");
        return true;
      });
      await page.emulateMedia({ media: "print" });
      await check(`${p.name}: in print the cite line and the licence remain`, async () => {
        await open(page, origin, p);
        const shown = await page.evaluate(() => ["footer .licence", ".cite-page"].every((s) => {
          const e = document.querySelector(s);
          return e && e.getBoundingClientRect().height > 0 && getComputedStyle(e).display !== "none";
        }));
        return shown;
      });
      await page.emulateMedia({ media: "screen" });
    }

    await check("an unchecked source is marked where it is cited (New York City Police Department), at 360 px", async () => {
      await page.goto(`${origin}/entities/nypd?lang=en`);
      await shoot(page, "claims-unchecked");
      const marks = page.locator("main .unchecked");
      const n = await marks.count();
      const vis = n && await marks.first().isVisible();
      const text = n && await marks.first().innerText();
      return n > 0 && vis && /not checked/.test(text);
    });
    await check("and on its own page, in Chinese", async () => {
      await page.goto(`${origin}/sources/stop-2021?lang=zh`);
      return (await page.locator("main .unchecked").count()) > 0 && (await page.locator("main .unchecked").first().isVisible());
    });
    await check("a checked source is not marked", async () => {
      await page.goto(`${origin}/sources/psan-2024?lang=en`);
      return (await page.locator("main .unchecked").count()) === 0;
    });
    await check("the screen page says that a match is not proof and absence is not innocence", async () => {
      await page.goto(`${origin}/screen?lang=en`);
      const t = await page.locator(".caveat").first().innerText();
      return /not proof/.test(t) && /not innocence/.test(t);
    });
    await check("the path page leaves places out, and its checkbox brings them back", async () => {
      await page.goto(`${origin}/path?from=hikvision&to=wolf-pack&lang=en`);
      const without = await page.locator("main").innerText();
      await page.check('input[name="places"]');
      await Promise.all([page.waitForNavigation(), page.locator('input[name="places"]').evaluate((e) => e.form.submit())]);
      const withp = await page.locator("main").innerText();
      return !/\bIsrael\b/.test(without.split("\n").filter((l) => /→|—/.test(l)).join("\n")) && /Israel/.test(withp);
    });
    await check("the about page explains the categories in both languages", async () => {
      await page.goto(`${origin}/about?lang=zh`);
      const zh = await page.locator("main").innerText();
      await page.goto(`${origin}/about?lang=en`);
      const en = await page.locator("main").innerText();
      return zh.includes("监控被占领的巴勒斯坦人") && en.includes("A/HRC/22/63") && en.includes("Who Profits");
    });
    ok(problems.length === 0, "no script errors", problems.join("\n"));
  } finally {
    await context.close();
    await stopServer(srv);
    const err = srv.stderr();
    ok(!/runtime error|AddressSanitizer/.test(err), "the server ran cleanly", err.slice(-1500));
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`# ${failures()} failed`);
  process.exit(failures() ? 1 : 0);
}

main().catch((e) => {
  console.log(`not ok - ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
