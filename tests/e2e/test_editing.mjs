// Browser tests of editing, review and history (docs/editing.md): Debian's
// chromium, driven by playwright-core, against one `tiemap serve` that is
// never restarted.  In English and Chinese, with JavaScript on and off:
// a contributor adds a tie (Hikvision owns ADI Global Distribution, an
// entity with no ties in the demo data: made up, as its source is) with a new
// source and a quote; it is not public; an editor approves it with a note; it
// is then on both entities' pages, in the path finder and in screening
// (/screen flags ADI via its owner Hikvision: only ownership carries a flag,
// docs/screening.md); the editor reverts it; it is gone from all of them; and the
// tie's history shows three revisions (proposed, approved, reverted), each
// with its diff.  Then two editors open the same entity in two browsers and
// the second save is refused with what the first changed.  One TAP line
// per check.  The tie and its source are made up for the test, in a
// temporary database; example.org is never fetched.
//
// $TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

import { TIEMAP, check, demoDb, failures, launch as launchIn, ok, shoot, startServer, stopServer, tempDir } from "./harness.mjs";

const tmp = tempDir("tiemap-e2e-edit-");
const PW = { con: "contributor pass phrase 一", ed: "editor pass phrase number 2", ed2: "second editor phrase 3" };
const ROLE = { con: "contributor", ed: "editor", ed2: "editor" };
const text = {
  en: { history: "History", approved: "approved" },
  zh: { history: "修改历史", approved: "已批准" },
};
// the graph of a running server catches up with a write in the background
// (bench/ measures how fast); a loaded test machine gets this long
const CATCH_UP_MS = 15000;

async function login(context, name, lang, origin) {
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(20000);
  await page.goto(`${origin}/login?lang=${lang}`);
  await page.fill("#login-name", name);
  await page.fill("#login-password", PW[name]);
  await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.click(".login-form button[type=submit]")]);
  return page;
}

// Click and wait for the page that the form's POST answers.
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

// Reload url in page until test(html) holds or time runs out.
async function eventually(page, url, test) {
  const end = Date.now() + CATCH_UP_MS;
  for (;;) {
    await page.goto(url);
    if (test(await page.content())) return true;
    if (Date.now() > end) return false;
    await page.waitForTimeout(200);
  }
}

// Screen a pasted list in page; the html of the report.
async function screen(page, origin, lang) {
  await page.goto(`${origin}/screen?lang=${lang}`);
  await page.fill("#screen-list", "name\nADI Global Distribution\n");
  await submit(page, ".screen-form button[value=html]");
  return page.content();
}

const adiFlagged = (html) => /<tr id="row-2" class="flagged">[^]*?adi-global-distribution[^]*?<\/tr>/.test(html) &&
  /<tr id="row-2"[^]*?href="\/entities\/hikvision\?[^]*?<\/tr>/.test(html);

async function flow(ctx, origin, js, lang, year) {
  const { con, ed } = ctx;
  const how = `${lang}, JavaScript ${js ? "on" : "off"}`;
  const title = `Test report ${year} on a distributor`;
  const quote = `Test quote ${year}: Hikvision owns ADI Global Distribution`;
  const key = `hikvision owns adi-global-distribution ${year}..`;
  const adi = `${origin}/entities/adi-global-distribution?lang=${lang}`;
  const hik = `${origin}/entities/hikvision?lang=${lang}`;
  const path = `${origin}/path?from=hikvision&to=adi-global-distribution&lang=${lang}`;
  let change = 0;

  await check(`${how}: a contributor adds a tie with a new source and a quote`, async () => {
    await con.goto(`${origin}/edit/relation?subject=hikvision&lang=${lang}`);
    if (js) {
      // search as you type offers the entity by its name
      await con.fill("#f-object", "ADI Glo");
      await con.waitForFunction(() => [...document.querySelectorAll("#entities-list option")]
        .some((o) => o.value === "adi-global-distribution"));
      await con.fill("#f-object", "adi-global-distribution");
    } else {
      await con.fill("#f-object", "ADI Global Distribution"); // the server resolves the name
    }
    await con.selectOption("#f-predicate", "owns");
    await con.fill("#f-start", String(year));
    await con.fill("#f-src_title", title);
    await con.fill("#f-src_url", `https://example.org/test-report-${year}`);
    await con.fill("#f-src_quote", quote);
    await con.fill("#f-summary", `a test tie ${year}`);
    await submit(con, ".edit-form button[value=save]");
    const m = new URL(con.url()).pathname.match(/^\/review\/(\d+)$/);
    change = m ? Number(m[1]) : 0;
    await shoot(con, `edit-proposed-${lang}${js ? "" : "-nojs"}`);
    return change > 0;
  });
  await check(`${how}: waiting for review, it is not public`, async () => {
    const anon = await (await fetch(adi)).text();
    await con.goto(adi);
    const own = await con.content();
    await con.goto(path);
    const p = await con.content();
    return !anon.includes(title) && !own.includes(title) && !p.includes(quote);
  });
  await check(`${how}: an editor finds it in the queue and approves it with a note`, async () => {
    await ed.goto(`${origin}/review?lang=${lang}`);
    await Promise.all([ed.waitForURL(new RegExp(`/review/${change}\\b`)), ed.click(`a[href^="/review/${change}?"]`)]);
    const page = await ed.content();
    await ed.fill("#note", `checked ${year}`);
    await submit(ed, "form.decide button[value=approve]");
    return page.includes(quote) && page.includes(title) &&
      (await ed.textContent("dd.status")).includes(text[lang].approved);
  });
  await check(`${how}: it is on both entities' pages, with its quote and source`, async () =>
    (await eventually(con, adi, (h) => h.includes(quote) && h.includes(title))) &&
    (await eventually(con, hik, (h) => h.includes(quote) && h.includes(title))));
  await check(`${how}: the path finder of the running server has it`, async () =>
    eventually(con, path, (h) => /<ol class="path">/.test(h) && h.includes(quote)));
  await check(`${how}: screening flags ADI through it`, async () => {
    const end = Date.now() + CATCH_UP_MS;
    while (!adiFlagged(await screen(con, origin, lang))) {
      if (Date.now() > end) return false;
      await con.waitForTimeout(200);
    }
    await shoot(con, `edit-screen-flagged-${lang}${js ? "" : "-nojs"}`);
    return true;
  });
  const history = `${origin}/history?record=relation&key=${encodeURIComponent(key)}&lang=${lang}`;
  await check(`${how}: the editor reverts it`, async () => {
    await ed.goto(history);
    await Promise.all([ed.waitForURL(/\/revisions\/\d+/), ed.click("ol.history li.revision a[href^='/revisions/']")]);
    await ed.fill("#summary", `revert the test tie ${year}`);
    await submit(ed, "form.revert button[type=submit]");
    return !/class="error"/.test(await ed.content());
  });
  await check(`${how}: after the revert it is gone from both pages`, async () =>
    (await eventually(con, adi, (h) => !h.includes(quote))) && (await eventually(con, hik, (h) => !h.includes(quote))));
  await check(`${how}: and from the path finder`, async () => eventually(con, path, (h) => !h.includes(quote)));
  await check(`${how}: and screening no longer flags ADI`, async () => {
    const end = Date.now() + CATCH_UP_MS;
    while (adiFlagged(await screen(con, origin, lang))) {
      if (Date.now() > end) return false;
      await con.waitForTimeout(200);
    }
    return true;
  });
  await check(`${how}: the history shows the three revisions, each with its diff`, async () => {
    await con.goto(history);
    await shoot(con, `edit-history-${lang}${js ? "" : "-nojs"}`);
    const items = await con.$$eval("ol.history li.revision", (lis) => lis.map((li) => ({
      text: li.textContent, diffs: li.querySelectorAll("table.diff tbody tr").length,
      approved: !!li.querySelector(".approved"), approves: !!li.querySelector(".approves"),
    })));
    const [revert, approval, proposal] = items;
    return items.length === 3 && items.every((i) => i.diffs > 0) &&
      (await con.textContent("h1")) === text[lang].history &&
      revert.text.includes(`revert the test tie ${year}`) && revert.text.includes("ed") &&
      approval.approves && approval.text.includes(`checked ${year}`) &&
      proposal.approved && proposal.text.includes("con") && proposal.text.includes(`a test tie ${year}`);
  });
}

// Two editors open the same entity; the first saves; the second's save
// is refused (409) and shows what the first changed.
async function lostUpdate(ctx, origin, js, lang) {
  const how = `${lang}, JavaScript ${js ? "on" : "off"}`;
  const url = `${origin}/edit/entity?key=wolf-pack&lang=${lang}`;
  const first = `First editor's words (${lang}, ${js ? "js" : "no js"}).`;
  await check(`${how}: two browsers edit the same entity; the second save shows the conflict`, async () => {
    await ctx.ed.goto(url);
    await ctx.ed2.goto(url);
    await ctx.ed.fill("#f-desc_en", first);
    await ctx.ed.fill("#f-summary", "the first edit");
    await submit(ctx.ed, ".edit-form button[value=save]");
    await ctx.ed2.fill("#f-desc_en", "The second editor's words.");
    await ctx.ed2.fill("#f-summary", "the second edit");
    const [resp] = await Promise.all([ctx.ed2.waitForNavigation(), ctx.ed2.click(".edit-form button[value=save]")]);
    await shoot(ctx.ed2, `edit-conflict-${lang}${js ? "" : "-nojs"}`);
    const conflict = ctx.ed2.locator(".conflict");
    const saved = await (await fetch(`${origin}/entities/wolf-pack?lang=en`)).text();
    return resp.status() === 409 && (await conflict.count()) > 0 && (await conflict.first().textContent()).includes(first) &&
      saved.includes(first.replace("'", "&#39;")) && !saved.includes("The second editor");
  });
}

async function main() {
  const db = demoDb(tmp);
  for (const name of Object.keys(PW))
    execFileSync(TIEMAP, ["--db", db, "--quiet", "user", "add", name, "--role", ROLE[name]], { input: `${PW[name]}\n` });
  const srv = await startServer(db);
  const origin = srv.origin;
  let year = 2020;
  try {
    for (const js of [true, false]) {
      const problems = [];
      const ctx = {};
      const contexts = [];
      for (const name of Object.keys(PW)) {
        const context = await launchIn(tmp, `${name}-${js ? "js" : "nojs"}`, { javaScriptEnabled: js });
        contexts.push(context);
        ctx[name] = await login(context, name, "en", origin);
        ctx[name].on("pageerror", (e) => problems.push(String(e)));
      }
      for (const lang of ["en", "zh"]) {
        await flow(ctx, origin, js, lang, ++year);
        await lostUpdate(ctx, origin, js, lang);
      }
      ok(problems.length === 0, `JavaScript ${js ? "on" : "off"}: no script errors`, problems.join("\n"));
      for (const c of contexts) await c.close();
    }
  } finally {
    await stopServer(srv);
    const log = srv.stderr();
    ok(!/Sanitizer|runtime error/.test(log), "the server's sanitizers stayed quiet", log.slice(-2000));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(failures() ? 1 : 0), (e) => {
  console.log(`not ok - browser tests could not run: ${e && e.message ? e.message : e}`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
});
