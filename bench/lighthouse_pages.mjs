// Lighthouse 12 (mobile, default simulated throttling) on four Hadir pages; prints JSON lines.
// Run by bench/lighthouse_bench.py, which starts Hadir, installs lighthouse@12 and puppeteer-core
// into bench/lighthouse/ (gitignored) and copies this file there so that the imports resolve.
//
// Signed-in pages: a cookie passed with --extra-headers does not sign in, so puppeteer-core
// signs each person in (password + TOTP, through the API as the PWA does) in a browser context
// of their own, then Lighthouse runs on that context's page with storage reset off (keeping the
// session cookie). Before each run the HTTP cache, Cache Storage and the service worker are
// cleared, so every figure is a first open: nothing of the app is on the device yet.

import { createHmac } from "node:crypto";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const BASE = process.env.HADIR_URL;
const ACCOUNTS = JSON.parse(process.env.HADIR_ACCOUNTS);

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret, step = Math.floor(Date.now() / 30000)) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, "0");
}

async function signIn(page, account) {
  await page.goto(`${BASE}/`, { waitUntil: "load" });
  const result = await page.evaluate(
    async ({ loginId, password, code }) => {
      const csrf = () => document.cookie.match(/__Host-hadir_csrf=([^;]+)/)?.[1] ?? "";
      const post = (path, body) =>
        fetch(path, {
          method: "POST",
          credentials: "same-origin",
          headers: { "content-type": "application/json", "x-csrf-token": csrf() },
          body: JSON.stringify(body),
        }).then((r) => r.json());
      const first = await post("/api/auth/sign-in", { loginId, password });
      if (first.stage !== "mfa") return first;
      return post("/api/auth/mfa/totp", { code });
    },
    { loginId: account.login_id, password: account.password, code: totp(account.totp_secret) },
  );
  if (result.stage !== "done") throw new Error(`${account.role}: sign-in ended at ${JSON.stringify(result)}`);
  // The app opened once signed in, as after a sign-in through its screens (it then knows the
  // person on this device); the cache is emptied afterwards, before Lighthouse's run.
  await page.goto(`${BASE}/#/home`, { waitUntil: "load" });
  await page.waitForSelector("html[data-ready]");
}

async function firstMeeting(page) {
  return page.evaluate(async () => {
    const data = await fetch("/api/meetings", { credentials: "same-origin" }).then((r) => r.json());
    const items = Array.isArray(data) ? data : data.items ?? data.meetings ?? [];
    return items[0]?.id ?? null;
  });
}

async function coldCache(page) {
  const session = await page.createCDPSession();
  await session.send("Network.clearBrowserCache");
  await session.send("Storage.clearDataForOrigin", {
    origin: new URL(BASE).origin,
    storageTypes: "service_workers,cache_storage",
  });
  await session.detach();
}

function figures(name, lhr) {
  const audit = (id) => lhr.audits[id];
  const value = (id) => audit(id)?.numericValue ?? NaN;
  const requests = audit("network-requests")?.details?.items ?? [];
  return {
    page: name,
    url: lhr.finalDisplayedUrl,
    performance: lhr.categories.performance.score ?? NaN,
    accessibility: lhr.categories.accessibility.score,
    bestPractices: lhr.categories["best-practices"].score,
    fcpMs: Math.round(value("first-contentful-paint")),
    lcpMs: Math.round(value("largest-contentful-paint")),
    tbtMs: Math.round(value("total-blocking-time")),
    cls: Number(value("cumulative-layout-shift").toFixed(3)),
    transferKiB: Number((value("total-byte-weight") / 1024).toFixed(1)),
    error: lhr.runtimeError?.code ?? null,
    requests: requests.length,
    lcpElement: audit("largest-contentful-paint-element")?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? "",
    // Where the main thread's time went (the 4x-slowed CPU), and the longest tasks.
    mainThread: (audit("mainthread-work-breakdown")?.details?.items ?? [])
      .slice(0, 4)
      .map((item) => `${item.groupLabel ?? item.group}: ${Math.round(item.duration)} ms`),
    longTasks: (audit("long-tasks")?.details?.items ?? [])
      .slice(0, 3)
      .map((item) => `${item.url.replace(BASE, "")} ${Math.round(item.duration)} ms`),
    failed: Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary")
      .map((a) => a.id),
  };
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const flags = {
  output: "json",
  logLevel: "error",
  onlyCategories: ["performance", "accessibility", "best-practices"],
};

async function run(name, account, route) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  let url = `${BASE}/#${route}`;
  let options = flags;
  if (account) {
    await signIn(page, ACCOUNTS[account]);
    if (route.includes(":meeting")) {
      const id = await firstMeeting(page);
      if (id === null) throw new Error(`${account} sees no meeting`);
      url = url.replace(":meeting", String(id));
    }
    await coldCache(page);
    options = { ...flags, disableStorageReset: true };
  }
  const result = await lighthouse(url, options, undefined, page);
  console.log(JSON.stringify(figures(name, result.lhr)));
  await context.close();
}

const pages = (process.env.HADIR_PAGES ?? "sign-in,home,approvals,meeting").split(",");
const plan = {
  "sign-in": ["sign-in", null, "/sign-in"],
  home: ["home (officer)", "officer", "/home"],
  approvals: ["approvals (supervisor)", "supervisor", "/approvals"],
  meeting: ["meeting page (member)", "member", "/meetings/:meeting"],
};
try {
  for (const key of pages) await run(...plan[key]);
} finally {
  await browser.close();
}
