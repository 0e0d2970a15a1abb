// Hadir service worker.
//
// - Pre-caches the app shell under a VERSIONED cache name; activating a new version deletes
//   every older cache. Bump VERSION whenever any file in SHELL changes (tests/browser checks
//   that SHELL lists every file under pwa/).
// - Serves the shell cache-first; other navigations go to the network and fall back to
//   /offline.html when it cannot be reached.
// - NEVER touches /api/: those requests are not intercepted at all (network only, nothing is
//   written to any cache), so personal or SULIT data never lands in Cache Storage.
// - A new version waits until the page asks it to take over (the "Muat semula" prompt).

const VERSION = "2026.11.22-1";
const CACHE = `hadir-shell-${VERSION}`;
const CACHE_PREFIX = "hadir-shell-";

const SHELL = [
  "/",
  "/app.js",
  "/offline.html",
  "/manifest.webmanifest",
  "/css/app.css",
  "/i18n/ms.json",
  "/i18n/en.json",
  "/icons/icon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable-512.png",
  "/icons/apple-touch-icon.png",
  "/js/api.js",
  "/js/dom.js",
  "/js/flash.js",
  "/js/forms.js",
  "/js/i18n.js",
  "/js/nav.js",
  "/js/router.js",
  "/js/session.js",
  "/js/sw-register.js",
  "/js/webauthn.js",
  "/js/views/account.js",
  "/js/views/admin-users.js",
  "/js/views/change-password.js",
  "/js/views/enrol.js",
  "/js/views/home.js",
  "/js/views/misc.js",
  "/js/views/sign-in.js",
  "/js/views/verify.js",
];
const SHELL_PATHS = new Set(SHELL);
// Navigations the shell answers (the app routes with #/…, so the path is always "/").
const APP_PAGES = new Set(["/", "/index.html"]);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // cache: "reload" skips the HTTP cache so a new version never pre-caches stale files.
      cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload", credentials: "same-origin" }))),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
});

async function fromShell(path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(path);
  return cached ?? fetch(path, { credentials: "same-origin" });
}

async function navigation(request) {
  try {
    return await fetch(request);
  } catch {
    const cache = await caches.open(CACHE);
    return (await cache.match("/offline.html")) ?? Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API (and the health, metrics and schema endpoints) are network only: not intercepted.
  if (url.pathname.startsWith("/api/") || url.pathname === "/api") return;
  if (request.method !== "GET") return;

  if (request.mode === "navigate") {
    if (APP_PAGES.has(url.pathname)) {
      event.respondWith(fromShell("/").catch(() => navigation(request)));
    } else {
      event.respondWith(navigation(request));
    }
    return;
  }
  if (SHELL_PATHS.has(url.pathname) && url.search === "") {
    event.respondWith(fromShell(url.pathname));
  }
  // Anything else: not intercepted, the browser goes to the network as usual.
});
