// Browser tests of logging in and out (docs/security.md): Debian's chromium,
// driven by playwright-core, against a `tiemap serve` on a free port.  With
// JavaScript on and off: a reader has no cookie;
// a wrong password shows the one failure message; the right one sets an
// HttpOnly, SameSite=Strict cookie and shows the account in the header;
// "log out" ends it and the cookie goes.  And a page that needs an account
// sends the browser to /login and back.  In English, Simplified and
// Traditional Chinese.  One TAP line per check.
//
// $TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

import { TIEMAP, check, demoDb, failures, launch as launchIn, ok, shoot, startServer, stopServer, tempDir } from "./harness.mjs";

const tmp = tempDir("tiemap-e2e-login-");
const PASSWORD = "a long pass phrase 七";

const text = {
  en: { login: "Log in", logout: "Log out", failed: "Wrong name or password", signedIn: "Signed in as", account: "Your account" },
  zh: { login: "登录", logout: "退出登录", failed: "用户名或密码错误", signedIn: "已登录", account: "您的账户" },
  "zh-Hant": { login: "登入", logout: "登出", failed: "用戶名或密碼錯誤", signedIn: "已登入", account: "您的帳戶" },
};

async function session(context) {
  return (await context.cookies()).filter((c) => c.name === "tiemap");
}

async function main() {
  const db = demoDb(tmp);
  execFileSync(TIEMAP, ["--db", db, "--quiet", "user", "add", "lin", "--role", "editor"], { input: `${PASSWORD}\n` });
  const srv = await startServer(db);
  const origin = srv.origin;
  const launch = (profile, extra) => launchIn(tmp, profile, extra);
  try {
    for (const js of [true, false]) {
      const context = await launch(js ? "profile-js" : "profile-nojs", { javaScriptEnabled: js });
      const page = context.pages()[0] || (await context.newPage());
      page.setDefaultTimeout(15000);
      const problems = [];
      page.on("pageerror", (e) => problems.push(String(e)));
      for (const lang of ["en", "zh", "zh-Hant"]) {
        const t = text[lang];
        const how = `${lang}, JavaScript ${js ? "on" : "off"}`;
        await check(`${how}: a reader has no cookie, and finds the login form in the footer`, async () => {
          await page.goto(`${origin}/entities/hikvision?lang=${lang}`);
          await Promise.all([page.waitForURL(/\/login\?/), page.click(".site-footer .editors a")]);
          await shoot(page, `login-${lang}${js ? "" : "-nojs"}`);
          return (await context.cookies()).length === 0 && (await page.textContent("h1")) === t.login &&
            (await page.getAttribute("html", "lang")) === (lang === "zh" ? "zh-Hans" : lang);
        });
        await check(`${how}: a wrong password shows the failure, in the page's language, and sets no cookie`, async () => {
          await page.fill("#login-name", "lin");
          await page.fill("#login-password", "not the password at all");
          await Promise.all([page.waitForLoadState(), page.click(".login-form button[type=submit]")]);
          return (await page.textContent("p.error")).includes(t.failed) && (await context.cookies()).length === 0;
        });
        await check(`${how}: the right password logs in, with an HttpOnly SameSite=Strict cookie`, async () => {
          await page.fill("#login-name", "lin");
          await page.fill("#login-password", PASSWORD);
          await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.click(".login-form button[type=submit]")]);
          await shoot(page, `home-signed-in-${lang}${js ? "" : "-nojs"}`);
          const c = await session(context);
          const box = await page.textContent(".user-box");
          return c.length === 1 && c[0].httpOnly && c[0].sameSite === "Strict" && !c[0].secure &&
            box.includes(t.signedIn) && box.includes("lin");
        });
        await check(`${how}: the account page shows the user`, async () => {
          await Promise.all([page.waitForURL(/\/account/), page.click(".user-box a")]);
          return (await page.textContent("h1")) === t.account && (await page.textContent("dl.facts")).includes("lin");
        });
        await check(`${how}: log out ends the session and removes the cookie`, async () => {
          await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.click(".user-box button[type=submit]")]);
          return (await session(context)).length === 0 && (await page.locator(".user-box").count()) === 0 &&
            (await page.textContent(".site-footer .editors a")) === t.login;
        });
      }
      await check(`JavaScript ${js ? "on" : "off"}: a page that needs an account goes to /login and back`, async () => {
        await page.goto(`${origin}/account?lang=zh`);
        await page.waitForURL(/\/login\?next=%2Faccount/);
        await page.fill("#login-name", "LIN");
        await page.fill("#login-password", PASSWORD);
        await Promise.all([page.waitForURL(/\/account/), page.click(".login-form button[type=submit]")]);
        const back = (await page.textContent("h1")) === text.zh.account;
        await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.click(".user-box button[type=submit]")]);
        return back && (await session(context)).length === 0;
      });
      ok(problems.length === 0, `JavaScript ${js ? "on" : "off"}: no script errors`, problems.join("\n"));
      await context.close();
    }
  } finally {
    await stopServer(srv);
    const log = srv.stderr();
    ok(!/Sanitizer|runtime error/.test(log), "the server's sanitizers stayed quiet", log.slice(-2000));
    ok(!log.includes(PASSWORD) && !/password=|csrf=/.test(log), "the access log holds no password or form field");
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(failures() ? 1 : 0), (e) => {
  console.log(`not ok - browser tests could not run: ${e && e.message ? e.message : e}`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
});
