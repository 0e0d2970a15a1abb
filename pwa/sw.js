// Hadir service worker.
//
// - Pre-caches the app shell under a cache named after the content version (BUILD, filled in
//   by the server: a changed file changes the version and the list); activating a new version
//   deletes every older cache.
// - Serves the shell cache-first (a file asked for by its plain address, e.g. /icons/icon.svg,
//   is answered with the versioned copy); other navigations go to the network and fall back to
//   /offline.html when it cannot be reached.
// - NEVER touches /api/: those requests are not intercepted at all (network only, nothing is
//   written to any cache), so personal or SULIT data never lands in Cache Storage. One
//   exception, read-only: GET /api/papers/<id>/content goes to the network first and, only when
//   the network cannot be reached, is answered from the "hadir-papers" cache.
// - Offline papers ("hadir-papers"): filled only when the person asks (message SAVE_PAPER from
//   js/views/meeting-papers.js). The worker fetches the paper itself and stores it only when
//   the server marked it TERBUKA or TERHAD (X-Hadir-Classification) and did not say
//   Cache-Control: no-store; SULIT is refused whatever the page asks. The activate step never
//   deletes this cache (it is the person's, not the app version's).
// - Background Sync ("hadir-checkins"): sends the check-ins the page queued in IndexedDB while
//   offline (same database as js/checkin-queue.js). Each keeps its clientId, so a tap that the
//   page sends at the same time is still recorded once.
// - pushsubscriptionchange: the browser renewed or dropped the subscription; subscribe again
//   with the same server key and tell the server, which forgets the old endpoint.
// - A new version waits until the page asks it to take over (the "Muat semula" prompt).
// - Web Push: a push shows its notification (title, body, tag, data.url); a tap on it focuses
//   an open Hadir window and takes it to data.url, or opens one. Payload urls are paths inside
//   the app ("/kehadiran/42"); the PWA routes with the hash, so they open as "/#/kehadiran/42".

// Filled in by the server from the files it serves (api/core/pwa_assets.py): the content
// version, the versioned prefix of every file, and the files to pre-cache. Never edited by hand.
const BUILD = { version: "source", prefix: "", files: [] };
const VERSION = BUILD.version;
const CACHE = `hadir-shell-${VERSION}`;
const CACHE_PREFIX = "hadir-shell-";

// The entry points by their own address, everything else by its versioned address.
const SHELL = ["/", "/offline.html", "/manifest.webmanifest", ...BUILD.files.map((file) => `${BUILD.prefix}/${file}`)];
const SHELL_PATHS = new Set(SHELL);
const PLAIN_FILES = new Set(BUILD.files.map((file) => `/${file}`));
// Navigations the shell answers (the app routes with #/…, so the path is always "/").
const APP_PAGES = new Set(["/", "/index.html"]);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // A versioned address never changes its content, so the copy the page already loaded
      // (HTTP cache) is right; the entry points skip the HTTP cache ("reload") to be current.
      cache.addAll(
        SHELL.map(
          (path) =>
            new Request(path, {
              cache: path.startsWith(`${BUILD.prefix}/`) ? "default" : "reload",
              credentials: "same-origin",
            }),
        ),
      ),
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
  if (event.data?.type === "SAVE_PAPER") {
    const reply = (result) => event.ports?.[0]?.postMessage(result);
    event.waitUntil(savePaper(event.data.url).then(reply, () => reply({ ok: false, reason: "network" })));
  }
});

// ------------------------------------------------------------------ Offline papers
const PAPERS_CACHE = "hadir-papers";
const PAPER_CONTENT = /^\/api\/papers\/\d+\/content$/;
const OFFLINE_LEVELS = new Set(["TERBUKA", "TERHAD"]);

/** Whether a response may be kept on the device: never SULIT, never no-store. */
function mayKeepOffline(response) {
  const level = (response.headers.get("x-hadir-classification") ?? "").toUpperCase();
  const cacheControl = (response.headers.get("cache-control") ?? "").toLowerCase();
  return response.ok && OFFLINE_LEVELS.has(level) && !cacheControl.includes("no-store");
}

/** Saves one paper on explicit request; {ok: true} or {ok: false, reason}. */
async function savePaper(path) {
  const url = new URL(String(path ?? ""), self.location.origin);
  if (url.origin !== self.location.origin || !PAPER_CONTENT.test(url.pathname) || url.search) {
    return { ok: false, reason: "refused" };
  }
  const response = await fetch(url.pathname, { credentials: "same-origin", cache: "no-store" });
  if (!mayKeepOffline(response)) return { ok: false, reason: response.ok ? "refused" : "http" };
  const papers = await caches.open(PAPERS_CACHE);
  await papers.put(url.pathname, response);
  return { ok: true };
}

/** A saved paper's address: the network first, the saved copy only when offline. */
async function paperNetworkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const saved = await (await caches.open(PAPERS_CACHE)).match(new URL(request.url).pathname);
    if (saved) return saved;
    throw error;
  }
}

async function fromShell(path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(path);
  return cached ?? fetch(path, { credentials: "same-origin" });
}

async function networkNavigation(request) {
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
  if (url.pathname.startsWith("/api/") || url.pathname === "/api") {
    if (request.method === "GET" && PAPER_CONTENT.test(url.pathname)) {
      event.respondWith(paperNetworkFirst(request));
    }
    return;
  }
  if (request.method !== "GET") return;

  if (request.mode === "navigate") {
    if (APP_PAGES.has(url.pathname)) {
      event.respondWith(fromShell("/").catch(() => networkNavigation(request)));
    } else {
      event.respondWith(networkNavigation(request));
    }
    return;
  }
  if (url.search !== "") return;
  if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(fromShell(url.pathname));
  } else if (PLAIN_FILES.has(url.pathname)) {
    event.respondWith(fromShell(`${BUILD.prefix}${url.pathname}`));
  }
  // Anything else: not intercepted, the browser goes to the network as usual.
});

// ------------------------------------------------------------------ Background Sync
const QUEUE_DB = "hadir-queue";
const QUEUE_STORE = "checkins";
const SYNC_TAG = "hadir-checkins";

function queueDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(QUEUE_DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(QUEUE_STORE)) {
        req.result.createObjectStore(QUEUE_STORE, { keyPath: "clientId" });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function queueOp(db, mode, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(QUEUE_STORE, mode);
    const req = work(tx.objectStore(QUEUE_STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
  });
}

async function csrfToken() {
  if (!self.cookieStore) return null;
  let cookie = await self.cookieStore.get("__Host-hadir_csrf");
  if (!cookie) {
    await fetch("/healthz", { credentials: "same-origin", cache: "no-store" });
    cookie = await self.cookieStore.get("__Host-hadir_csrf");
  }
  return cookie?.value ?? null;
}

/** The user id of the person whose session this browser holds, or null. */
async function signedInId() {
  const response = await fetch("/api/auth/session", { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(`check-in sync: session HTTP ${response.status}`);
  const session = await response.json();
  return session.signedIn && !session.stage && Number.isInteger(session.me?.id) ? session.me.id : null;
}

/**
 * Sends the waiting taps of the person signed in, in order; throws (so the browser retries
 * later) when one cannot go. Another person's taps wait for their owner's session (the page
 * sends them when the owner signs in here): a tap is never sent as someone else.
 */
async function sendQueuedCheckIns() {
  const db = await queueDb();
  let sent = 0;
  try {
    const waiting = (await queueOp(db, "readonly", (store) => store.getAll())).filter(
      (item) => item.state !== "failed",
    );
    if (!waiting.length) return;
    const owner = await signedInId();
    const items = waiting
      .filter((item) => item.owner === owner && owner !== null)
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
    if (!items.length) return;
    const token = await csrfToken();
    if (!token) throw new Error("no CSRF token in the worker: the page sends when it opens");
    for (const item of items) {
      const response = await fetch("/api/attendance/check-ins", {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: {
          "content-type": "application/json",
          accept: "application/json, application/problem+json",
          "x-csrf-token": token,
        },
        // The same body as js/checkin-queue.js body() (a reason for a tap without a position,
        // the passkey assertion that confirmed the tap).
        body: JSON.stringify({
          clientId: item.clientId,
          kind: item.kind,
          fix: item.fix ?? null,
          clientAt: item.clientAt,
          offline: true,
          ownerId: item.owner,
          ...(item.mode ? { mode: item.mode } : {}),
          ...(item.note ? { note: item.note } : {}),
          ...(item.passkey ? { passkeyAssertion: item.passkey } : {}),
        }),
      });
      if (response.ok) {
        await queueOp(db, "readwrite", (store) => store.delete(item.clientId));
        sent += 1;
      } else if (response.status >= 400 && response.status < 500 && ![401, 429].includes(response.status)) {
        const problem = await response.json().catch(() => null);
        // Someone else signed in between the session check and the send: it waits for its owner.
        if (problem?.code === "check_in_other_person") break;
        await queueOp(db, "readwrite", (store) =>
          store.put({ ...item, state: "failed", error: problem?.detail || `HTTP ${response.status}` }),
        );
      } else {
        throw new Error(`check-in sync: HTTP ${response.status}`);
      }
    }
  } finally {
    db.close();
    if (sent) {
      for (const client of await self.clients.matchAll({ type: "window" })) {
        client.postMessage({ type: "CHECKINS_SYNCED" });
      }
    }
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(sendQueuedCheckIns());
});

// ------------------------------------------------------------------ Web Push
// Payload (notifications/push.py make_payload): {kind, title, body?, url, tag}. A SULIT item
// carries no body: only its kind's label as the title.

/** The in-app address for a payload url: same origin only, hash-routed. */
function appUrl(path) {
  if (typeof path !== "string" || !path.startsWith("/") || path.startsWith("//")) return "/";
  if (path === "/" || path.startsWith("/#")) return path;
  return `/#${path}`;
}

function showPush(payload) {
  const data = payload && typeof payload === "object" ? payload : {};
  const title = typeof data.title === "string" && data.title ? data.title : "Hadir";
  const options = {
    body: typeof data.body === "string" ? data.body : "",
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    data: { url: appUrl(data.url), kind: data.kind ?? null },
  };
  if (typeof data.tag === "string" && data.tag) {
    options.tag = data.tag;
    options.renotify = true; // a replacement (same tag) still alerts the person
  }
  return self.registration.showNotification(title, options);
}

function onPush(event) {
  let payload = null;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = null; // not JSON: still show something (userVisibleOnly requires it)
  }
  event.waitUntil(showPush(payload));
}

async function openFromNotification(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const client = windows.find((c) => new URL(c.url).origin === self.location.origin);
  if (client) {
    const focused = await client.focus().catch(() => client);
    try {
      const navigated = await (focused ?? client).navigate(target);
      if (navigated) return navigated;
    } catch {
      // Not controlled by this worker (navigate() refuses): tell the page instead.
    }
    (focused ?? client).postMessage({ type: "NAVIGATE", url: target });
    return focused;
  }
  return self.clients.openWindow(target);
}

self.addEventListener("push", onPush);

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openFromNotification(event.notification.data?.url ?? "/"));
});

// ------------------------------------------------------------------ Subscription renewal

function base64UrlToBytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function renewSubscription(event) {
  let key = event.oldSubscription?.options?.applicationServerKey ?? null;
  if (!key) {
    const response = await fetch("/api/push/public-key", { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return;
    key = base64UrlToBytes((await response.json()).publicKey);
  }
  const subscription =
    event.newSubscription ??
    (await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
  const token = await csrfToken();
  if (!token) return; // signed out: the page subscribes again after the next sign-in
  await fetch("/api/push/subscriptions", {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "content-type": "application/json", "x-csrf-token": token },
    body: JSON.stringify({
      ...subscription.toJSON(),
      userAgent: (self.navigator?.userAgent ?? "").slice(0, 255),
      replacesEndpoint: event.oldSubscription?.endpoint ?? null,
    }),
  });
}

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(renewSubscription(event).catch(() => {}));
});
