// What waits for the signed-in person (GET /api/waiting): one request, shared by Home's
// "Menunggu tindakan anda" card, the counts on the navigation and the app icon's badge.
// Read again at most every REFRESH_MS when screens change, and at once after a decision.

import { api, ApiError } from "./api.js";

const REFRESH_MS = 20_000;
let last = null;
let loadedAt = 0;
let pending = null;
const listeners = new Set();

/** The last answer ({checkInsToDecide, …, total}), or null before the first. */
export function lastWaiting() {
  return last;
}

export function onWaiting(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where each kind is handled, and which navigation entry counts it. */
export const WAITING_KINDS = [
  { field: "minutesToApprove", key: "waiting.minutesApprove", href: "#/approvals", nav: "/approvals" },
  { field: "checkInsToDecide", key: "waiting.checkIns", href: "#/approvals", nav: "/approvals" },
  { field: "slipsToDecide", key: "waiting.slips", href: "#/approvals", nav: "/approvals" },
  { field: "issuesToDecide", key: "waiting.issues", href: "#/approvals", nav: "/approvals" },
  { field: "minutesToReview", key: "waiting.minutesReview", href: (w) => `#/meetings/${w.reviewMeetingId}/minutes`, nav: "/meetings" },
  { field: "invitationsToAnswer", key: "waiting.invitations", href: "#/meetings", nav: "/meetings" },
  { field: "actionsOpen", key: "waiting.actions", href: "#/actions", nav: "/meetings" },
  { field: "ownCheckInsWithoutReason", key: "waiting.ownCheckIns", href: "#/attendance?tab=issues", nav: "/attendance" },
  { field: "ownIssuesToJustify", key: "waiting.ownIssues", href: "#/attendance?tab=issues", nav: "/attendance" },
  { field: "unreadNotifications", key: "waiting.unread", href: "#/notifications", nav: "/notifications" },
];

/** Counts per navigation path: {"/approvals": 4, …}. */
export function navCounts(waiting) {
  const counts = {};
  for (const kind of WAITING_KINDS) {
    const n = waiting?.[kind.field] ?? 0;
    if (n > 0) counts[kind.nav] = (counts[kind.nav] ?? 0) + n;
  }
  return counts;
}

function setBadge(total) {
  // The installed app's icon (where the platform has badges); cleared at zero.
  try {
    if (total > 0 && "setAppBadge" in navigator) navigator.setAppBadge(total).catch(() => {});
    else if ("clearAppBadge" in navigator) navigator.clearAppBadge().catch(() => {});
  } catch {
    // Badging is a courtesy.
  }
}

function publish(value) {
  last = value;
  setBadge(value ? value.total : 0);
  for (const listener of listeners) listener(value);
}

/** Reads the counts (again when older than REFRESH_MS, or always with force). */
export async function refreshWaiting({ force = false } = {}) {
  if (!force && last && Date.now() - loadedAt < REFRESH_MS) return last;
  if (pending) return pending;
  pending = (async () => {
    try {
      const value = await api.get("/api/waiting");
      loadedAt = Date.now();
      publish(value);
      return value;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return last; // offline or signed out: keep what is shown
    } finally {
      pending = null;
    }
  })();
  return pending;
}

/** Signed out: nothing waits on this device any more. */
export function forgetWaiting() {
  loadedAt = 0;
  if (last !== null) publish(null);
}
