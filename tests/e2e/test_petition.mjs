// Browser tests of signing a petition (docs/petitions.md): Debian's
// chromium, driven by playwright-core, against a `tiemap serve` that holds
// the petition's server key, with the guard's real fill time (3 s).  With
// JavaScript on and off, in Chinese and English: from the list to the
// petition, the form filled in and sent, the thanks and the count, the name
// shown only when asked for; no cookie, no request to another host, and the
// organisers' export gives back both signatures.  One TAP line per check.
//
// $TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { TIEMAP, check, demoDb, failures, launch, ok, shoot, startServer, stopServer, tempDir } from "./harness.mjs";

const tmp = tempDir("tiemap-e2e-petition-");
const FILL_MS = 3300; // the guard's least fill time is 3 s

const signers = {
  zh: { name: "林小明", email: "lin.e2e@example.org", city: "温哥华", show: true },
  en: { name: "Sam Rivera", email: "sam.e2e@example.org", city: "Burnaby", show: false },
};
const text = {
  zh: { list: "请愿", thanks: "签名已计入", count: "个签名" },
  en: { list: "Petitions", thanks: "your signature is counted", count: "signatures" },
};

async function main() {
  const db = demoDb(tmp);
  const org = join(tmp, "org.key"), srvKey = join(tmp, "server.key");
  const out = execFileSync(TIEMAP, ["petition", "keygen", "--secret-key", org, "--server-key", srvKey], { stdio: ["ignore", "pipe", "ignore"] }).toString();
  const pk = out.match(/^public_key (\S+)$/m)[1];
  const rec = join(tmp, "petition.jsonl");
  writeFileSync(rec, JSON.stringify({
    type: "petition", id: "drop-hikvision", title: { en: "Stop selling Hikvision", zh: "停止销售海康威视" },
    target: { en: "ADI Global Distribution", zh: "ADI Global Distribution" },
    text: { en: "We ask you to stop selling Hikvision cameras.", zh: "我们要求你们停止销售海康威视摄像头。" },
    entities: ["hikvision"], action: "2024-02-27-protest-burnaby", opens: "2024-03-01", goal: 100, public_key: pk,
  }) + "\n");
  execFileSync(TIEMAP, ["--db", db, "--quiet", "import", rec]);
  const srv = await startServer(db, {}, ["--petition-key", srvKey]);
  const origin = srv.origin;
  const elsewhere = [];
  try {
    let count = 0;
    for (const [js, lang] of [[false, "zh"], [true, "en"]]) {
      const s = signers[lang], t = text[lang];
      const how = `JavaScript ${js ? "on" : "off"}, ${lang}`;
      const context = await launch(tmp, js ? "profile-js" : "profile-nojs", { javaScriptEnabled: js });
      const page = context.pages()[0] || (await context.newPage());
      page.setDefaultTimeout(20000);
      page.on("request", (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) elsewhere.push(r.url()); });
      let opened = 0;
      await check(`${how}: the list of petitions leads to the petition, with its form`, async () => {
        await page.goto(`${origin}/petitions?lang=${lang}`);
        const h1 = await page.textContent("h1");
        await Promise.all([page.waitForURL(/\/petitions\/drop-hikvision/), page.click(".petitions h2 a")]);
        opened = Date.now();
        await shoot(page, `petition-${lang}${js ? "" : "-nojs"}`);
        // the honeypot is there, but off the screen
        const trap = await page.locator(".petition-form .trap input").boundingBox();
        return h1 === t.list && (await page.locator("form.petition-form").count()) === 1 &&
          trap && trap.x + trap.width <= 0 &&
          (await page.textContent(".petition-count")).includes(`${count} ${t.count}`);
      });
      await check(`${how}: signing shows the thanks and the new count, and sets no cookie`, async () => {
        await page.fill("#pf-name", s.name);
        await page.fill("#pf-email", s.email);
        await page.fill("#pf-city", s.city);
        if (s.show) await page.check(".petition-form input[name=show]");
        const wait = FILL_MS - (Date.now() - opened);
        if (wait > 0) await page.waitForTimeout(wait);
        await Promise.all([page.waitForURL(/signed=1/), page.click(".petition-form button[type=submit]")]);
        count++;
        await shoot(page, `petition-signed-${lang}${js ? "" : "-nojs"}`);
        const notice = await page.textContent("#signed");
        const c = await page.textContent(".petition-count strong");
        return notice.includes(t.thanks) && c === String(count) && (await context.cookies()).length === 0;
      });
      await check(`${how}: the name and city are listed only when the signer asked`, async () => {
        const list = (await page.locator(".petition-signers").textContent()) || "";
        return list.includes(s.name) === s.show && list.includes(s.city) === s.show;
      });
      await check(`${how}: on a 360 px phone the form fits the screen`, async () => {
        await page.setViewportSize({ width: 360, height: 740 });
        await page.goto(`${origin}/petitions/drop-hikvision?lang=${lang}`);
        await shoot(page, `petition-${lang}${js ? "" : "-nojs"}`);
        const w = await page.evaluate(() => document.documentElement.scrollWidth).catch(() => 360);
        const box = await page.locator("#pf-email").boundingBox();
        return w <= 360 && box && box.x + box.width <= 360;
      });
      await context.close();
    }
    ok(elsewhere.length === 0, "no request went to another host", elsewhere.slice(0, 3).join("\n"));
  } finally {
    await stopServer(srv);
  }
  const log = srv.stderr();
  ok(!Object.values(signers).some((s) => log.includes(s.name) || log.includes(s.email) || log.includes(s.city)),
    "the server's log holds nothing a signer typed");
  const exp = spawnSync(TIEMAP, ["--db", db, "petition", "export", "drop-hikvision", "--secret-key", org]);
  const csv = exp.stdout.toString();
  ok(exp.status === 0 && csv.trim().split("\r\n").length === 3 &&
    csv.includes(`,${signers.zh.name},${signers.zh.email},${signers.zh.city},yes`) &&
    csv.includes(`,${signers.en.name},${signers.en.email},${signers.en.city},no`),
  "the organisers' export gives back both signatures", csv);
}

try {
  await main();
} catch (e) {
  ok(false, "the browser test ran", e && e.stack ? e.stack : e);
}
rmSync(tmp, { recursive: true, force: true });
process.exit(failures() ? 1 : 0);
