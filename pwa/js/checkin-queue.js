// Check-ins tapped while offline, kept in IndexedDB until the server has them.
//
// Each tap keeps its clientId, so sending it again (after a lost answer, from the page and from
// the service worker's Background Sync at once, after a reload) can never count twice: the
// server answers a known clientId with the original record. A tap leaves the queue only when
// the server answered 2xx, or a 4xx other than 401/429 (then it stays, marked failed, with the
// server's message, until the officer dismisses it).
//
// Each tap belongs to the person who made it (`owner`, their user id) and is only ever sent in
// that person's session: a phone passed to a colleague, or signed out before the signal came
// back, keeps the tap for its owner (never sent as someone else, never lost) until they sign in
// here again. Only the owner's taps are listed on their screens.
//
// The service worker (sw.js) reads the same database in its "sync" handler; keep DB_NAME,
// STORE and the record shape in step with it.

import { ApiError, request } from "./api.js";

const DB_NAME = "hadir-queue";
const DB_VERSION = 1;
const STORE = "checkins";
export const SYNC_TAG = "hadir-checkins";

const listeners = new Set();

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "clientId" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const store = tx.objectStore(STORE);
      let result;
      const req = work(store);
      if (req) req.onsuccess = () => (result = req.result);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

function changed() {
  for (const listener of listeners) listener();
}

export function onQueueChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function allTaps() {
  try {
    const all = (await run("readonly", (store) => store.getAll())) ?? [];
    return all.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  } catch {
    return [];
  }
}

/**
 * The queued taps of `owner` (a user id), oldest first: [{clientId, owner, kind, fix,
 * clientAt, mode, note, passkey, queuedAt, state, error}]. `fix` is null for a tap recorded
 * without a position (then `mode` and `note` carry the required reason). `passkey` is the
 * assertion that confirmed the tap (or null): it is bound to the tap's clientId, kind and fix,
 * so it stays valid however late the tap is sent.
 */
export async function queuedTaps(owner) {
  return (await allTaps()).filter((item) => item.owner === owner);
}

/** How many taps wait on this device to be sent, leaving out those of `except` (a user id). */
export async function waitingCount({ except = null } = {}) {
  return (await allTaps()).filter((item) => item.state !== "failed" && (except === null || item.owner !== except))
    .length;
}

/** Keeps a tap for later and asks for a Background Sync where the browser has one. */
export async function queueTap({ clientId, owner, kind, fix, clientAt, mode = null, note = "", passkey = null }) {
  if (!Number.isInteger(owner)) throw new TypeError("a queued tap needs its owner");
  const item = {
    clientId,
    owner,
    kind,
    fix: fix ?? null,
    clientAt,
    mode,
    note,
    passkey,
    offline: true,
    queuedAt: new Date().toISOString(),
    state: "waiting",
    error: "",
  };
  await run("readwrite", (store) => store.put(item));
  changed();
  requestBackgroundSync();
  return item;
}

/**
 * Taps queued before they carried an owner belong to the person who last used the device
 * (`owner`): called before another person's sign-in changes who that is.
 */
export async function adoptUnownedTaps(owner) {
  const unowned = (await allTaps()).filter((item) => !Number.isInteger(item.owner));
  if (!unowned.length) return;
  await run("readwrite", (store) => {
    for (const item of unowned) store.put({ ...item, owner });
  });
}

/** At sign-out: the person's taps the server has already refused go; waiting ones stay theirs. */
export async function forgetRefusedTaps(owner) {
  const refused = (await allTaps()).filter((item) => item.owner === owner && item.state === "failed");
  if (!refused.length) return;
  await run("readwrite", (store) => {
    for (const item of refused) store.delete(item.clientId);
  });
}

export async function dismissTap(clientId) {
  await run("readwrite", (store) => store.delete(clientId));
  changed();
}

async function markFailed(item, message) {
  await run("readwrite", (store) => store.put({ ...item, state: "failed", error: message }));
}

export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync (Firefox, Safari) or not allowed: "online" and app start still send.
  }
}

export function body(item) {
  return {
    clientId: item.clientId,
    kind: item.kind,
    fix: item.fix ?? null,
    clientAt: item.clientAt,
    offline: true,
    // The server records it only in its owner's session (409 check_in_other_person otherwise).
    ...(Number.isInteger(item.owner) ? { ownerId: item.owner } : {}),
    ...(item.mode ? { mode: item.mode } : {}),
    ...(item.note ? { note: item.note } : {}),
    ...(item.passkey ? { passkeyAssertion: item.passkey } : {}),
  };
}

let flushing = null;

/**
 * Sends the waiting taps of the person signed in (`signedIn()` -> their user id) in order.
 * Stops at the first one that cannot be sent now (network, 401, 429, server error) so the
 * order is kept. Resolves with the CheckIns the server returned.
 */
export function flushQueue(signedIn) {
  if (!flushing) {
    flushing = (async () => {
      const sent = [];
      const owner = signedIn();
      try {
        for (const item of Number.isInteger(owner) ? await queuedTaps(owner) : []) {
          if (item.state === "failed") continue;
          // Signed out, or someone else signed in meanwhile: the rest waits for its owner.
          if (signedIn() !== owner) break;
          try {
            sent.push(await request("POST", "/api/attendance/check-ins", { body: body(item) }));
            await run("readwrite", (store) => store.delete(item.clientId));
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            // Another person's session (signed in meanwhile): the tap waits for its owner.
            const retryLater =
              error.isNetwork ||
              error.status === 401 ||
              error.status === 429 ||
              error.status >= 500 ||
              error.code === "check_in_other_person";
            if (retryLater) break;
            await markFailed(item, error.detail || error.code);
          }
        }
      } finally {
        flushing = null;
        changed();
      }
      return sent;
    })();
  }
  return flushing;
}

// The service worker tells the page when its Background Sync sent something.
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "CHECKINS_SYNCED") changed();
});
