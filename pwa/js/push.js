// Web Push on this device: is it supported, is it on, switching it on and off.
//
// Permission is asked only from a tap (askAndSubscribe is called by a button's click handler),
// never on load. The subscription goes to the server with the CSRF token like any other call.

import { api, request } from "./api.js";

const LATER_KEY = "hadir.pushPrompt";

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

export function permission() {
  return pushSupported() ? Notification.permission : "unsupported";
}

/** "Nanti" on the home card: remembered on this device only. */
export function promptDismissed() {
  try {
    return localStorage.getItem(LATER_KEY) === "later";
  } catch {
    return false;
  }
}

export function dismissPrompt() {
  try {
    localStorage.setItem(LATER_KEY, "later");
  } catch {
    // Private mode without storage: the card comes back next time, nothing worse.
  }
}

function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  const raw = atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function registration() {
  // The worker registers at start; wait for it, but not for ever (e.g. it failed to install).
  return Promise.race([
    navigator.serviceWorker.ready,
    new Promise((_, reject) => setTimeout(() => reject(new Error("no service worker")), 10_000)),
  ]);
}

/** The subscription of this browser, or null. */
export async function currentSubscription() {
  if (!pushSupported() || Notification.permission !== "granted") return null;
  const reg = await registration();
  return reg.pushManager.getSubscription();
}

async function send(subscription) {
  const body = { ...subscription.toJSON(), userAgent: navigator.userAgent.slice(0, 255) };
  return api.post("/api/push/subscriptions", body);
}

/**
 * Asks for permission (must run inside a tap), subscribes and tells the server.
 * Returns "granted" | "denied" | "default" (the prompt was closed); throws ApiError or Error.
 */
export async function askAndSubscribe() {
  const answer = await Notification.requestPermission();
  if (answer !== "granted") return answer;
  await subscribe();
  return "granted";
}

export async function subscribe() {
  const reg = await registration();
  let subscription = await reg.pushManager.getSubscription();
  if (!subscription) {
    const { publicKey } = await api.get("/api/push/public-key");
    subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  }
  await send(subscription);
  return subscription;
}

/** Stops push on this device: at the server first, then in the browser. */
export async function unsubscribe() {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await request("DELETE", "/api/push/subscriptions", { query: { endpoint: subscription.endpoint } });
  await subscription.unsubscribe().catch(() => {});
}
