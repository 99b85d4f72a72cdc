// What every browser test shares: TAP lines, a `tiemap serve` on a free
// loopback port over the demo data, Debian's chromium with a fresh profile,
// and screenshots (desktop and 360 px) in tests/e2e/screenshots/ for a person
// to look at.  The tests themselves are tests/e2e/test_*.mjs.
//
// $TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
const require = createRequire(join(root, "web", "package.json"));
const { chromium } = require("playwright-core");

export const TIEMAP = process.env.TIEMAP || join(root, "tiemap");
const shots = join(here, "screenshots");

let failed = 0;
export const failures = () => failed;

export function ok(cond, name, detail) {
  if (cond) {
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}`);
    if (detail !== undefined) console.log(`#   ${String(detail).split("\n").slice(0, 8).join("\n#   ")}`);
  }
}

// One check: fn resolves to true; a throw is a failure with its message.
export async function check(name, fn) {
  try {
    ok(await fn(), name);
  } catch (e) {
    ok(false, name, e && e.message ? e.message : e);
  }
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

// The demo data (data/seed) imported into dir/demo.db.
export function demoDb(dir) {
  const db = join(dir, "demo.db");
  const seed = join(root, "data", "seed");
  execFileSync(TIEMAP, ["--db", db, "--quiet", "import",
    ...readdirSync(seed).filter((f) => f.endsWith(".jsonl")).sort().map((f) => join(seed, f))]);
  return db;
}

// `tiemap serve` on a free port, with more serve flags in args; resolves to { p, port, origin, stderr() }.
export function startServer(db, env = {}, args = []) {
  return new Promise((resolve, reject) => {
    // under the sanitizers, beside other test files, a page may take longer than
    // a real site's 2 s query deadline
    const p = spawn(TIEMAP, ["--db", db, "serve", "--listen", "127.0.0.1:0", "--query-seconds", "30", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "", err = "";
    p.stderr.on("data", (d) => { err += d; });
    p.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve({ p, port: Number(m[1]), origin: `http://127.0.0.1:${m[1]}`, stderr: () => err });
    });
    p.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
    setTimeout(() => reject(new Error("server did not start")), 30000);
  });
}

export async function stopServer(srv) {
  srv.p.kill("SIGTERM");
  await new Promise((r) => srv.p.on("exit", r));
}

// A browser with a fresh profile (user data dir) under dir, none of the user's.
export function launch(dir, profile, extra = {}) {
  return chromium.launchPersistentContext(join(dir, profile), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
    locale: "en-GB",
    ...extra,
  });
}

export async function shoot(page, name) {
  mkdirSync(shots, { recursive: true });
  const w = page.viewportSize().width;
  await page.screenshot({ path: join(shots, `${name}-${w <= 400 ? "360" : "desktop"}.png`), fullPage: true });
}
