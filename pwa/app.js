// Hadir PWA entry point: catalogues, service worker, session, routes.

import { ApiError, onSessionProblem, prefetch } from "./js/api.js";
import { flushQueue } from "./js/checkin-queue.js";
import { lastPerson, onKeptAnswerUsed } from "./js/device-store.js";
import { initI18n, locale, onLanguageChange, translate, translateTree } from "./js/i18n.js";
import { markCurrent, renderNav } from "./js/nav.js";
import { loadView, match, parseHash, Router } from "./js/router.js";
import {
  currentStage,
  currentUser,
  forgetSession,
  isAdmin,
  isOfflineSession,
  loadSession,
  onSessionChange,
  requireEnrolment,
  requirePasswordChange,
  saveLanguage,
  signedInId,
  STAGE_ROUTES,
  startOffline,
} from "./js/session.js";
import { registerServiceWorker } from "./js/sw-register.js";
import { notFoundView, offlineView } from "./js/views/misc.js";

// Per view, the modules it imports that the first load did not (written by the server,
// api/core/pwa_assets.py): preloaded together with the view instead of one level at a time.
const MODULE_GRAPH = JSON.parse(document.querySelector('meta[name="hadir-modules"]')?.content || "{}");

function preloadModules(path) {
  for (const module of MODULE_GRAPH[path.replace(/^\.\//, "")] ?? []) {
    const href = new URL(module, import.meta.url).href;
    if (document.head.querySelector(`link[rel="modulepreload"][href="${href}"]`)) continue;
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = href;
    document.head.append(link);
  }
}

/** A view loaded on demand: its module is fetched the first time its route opens. */
function lazy(path, name) {
  return {
    lazy: true,
    load: () => {
      preloadModules(path);
      return import(path).then((module) => module[name]);
    },
  };
}

// data(params): the GETs the screen makes first, started with the session on a first load
// (api.js prefetch) when the person is known on the device.
// access: "anonymous" (signed out only), "stage" (only while the sign-in is at that stage),
// "session" (a stage's screen that a complete session may also use), "signed_in", "admin",
// "link" (an e-mailed link: opens whatever the session is, and starts a new sign-in).
const ROUTES = {
  "/sign-in": { view: lazy("./js/views/sign-in.js", "signInView"), access: "anonymous" },
  "/forgot-password": { view: lazy("./js/views/reset.js", "forgotPasswordView"), access: "anonymous" },
  "/reset/:token": { view: lazy("./js/views/reset.js", "resetLinkView"), access: "link" },
  "/reset-password": { view: lazy("./js/views/reset.js", "newPasswordView"), access: "stage" },
  "/verify": { view: lazy("./js/views/verify.js", "verifyView"), access: "stage" },
  "/enrol": { view: lazy("./js/views/enrol.js", "enrolView"), access: "stage" },
  "/change-password": { view: lazy("./js/views/change-password.js", "changePasswordView"), access: "session" },
  "/home": {
    view: lazy("./js/views/home.js", "homeView"),
    access: "signed_in",
    data: () => ["/api/attendance/today", "/api/attendance/settings"],
  },
  "/attendance": { view: lazy("./js/views/my-attendance.js", "myAttendanceView"), access: "signed_in" },
  "/slips": { view: lazy("./js/views/movement-slips.js", "movementSlipsView"), access: "signed_in" },
  "/approvals": {
    view: lazy("./js/views/approvals.js", "approvalsView"),
    access: "signed_in",
    data: () => [
      "/api/attendance/approvals",
      "/api/attendance/approvals/movement-slips",
      "/api/attendance/approvals/issues",
    ],
  },
  "/team": { view: lazy("./js/views/team.js", "teamView"), access: "signed_in" },
  "/warnings": { view: lazy("./js/views/warnings.js", "warningsView"), access: "signed_in" },
  "/account": { view: lazy("./js/views/account.js", "accountView"), access: "signed_in" },
  "/search": { view: lazy("./js/views/search.js", "searchView"), access: "signed_in" },
  "/account/notifications": { view: lazy("./js/views/notifications.js", "notificationsView"), access: "signed_in" },
  "/notifications": { view: lazy("./js/views/notification-feed.js", "notificationFeedView"), access: "signed_in" },
  "/meetings/:id/papers": { view: lazy("./js/views/meeting-papers.js", "meetingPapersView"), access: "signed_in" },
  "/meetings/:id/minutes": { view: lazy("./js/views/minutes.js", "minutesView"), access: "signed_in" },
  "/meetings/:id/report": { view: lazy("./js/views/actions.js", "reportView"), access: "signed_in" },
  "/actions": { view: lazy("./js/views/actions.js", "actionsView"), access: "signed_in" },
  "/actions/:id": { view: lazy("./js/views/actions.js", "actionView"), access: "signed_in" },
  "/meetings/calendar": { view: lazy("./js/views/meetings-calendar.js", "meetingsCalendarView"), access: "signed_in" },
  "/meetings/stats": { view: lazy("./js/views/meetings-stats.js", "meetingsStatsView"), access: "signed_in" },
  "/meetings/:id/attendance": { view: lazy("./js/views/meeting-attendance.js", "meetingAttendanceView"), access: "signed_in" },
  "/meetings/:id/room": { view: lazy("./js/views/meeting-attendance.js", "meetingRoomView"), access: "signed_in" },
  "/meetings/:id/check-in": { view: lazy("./js/views/meeting-attendance.js", "meetingCheckInView"), access: "signed_in" },
  "/meetings": { view: lazy("./js/views/meetings.js", "meetingsView"), access: "signed_in" },
  "/meetings/new": { view: lazy("./js/views/meeting-form.js", "meetingFormView"), access: "signed_in" },
  "/meetings/:id": {
    view: lazy("./js/views/meetings.js", "meetingView"),
    access: "signed_in",
    data: ({ id }) => [`/api/meetings/${encodeURIComponent(id)}`],
  },
  "/meetings/:id/edit": { view: lazy("./js/views/meeting-form.js", "meetingFormView"), access: "signed_in" },
  "/committees": { view: lazy("./js/views/committees.js", "committeesView"), access: "signed_in" },
  "/committees/:id": { view: lazy("./js/views/committees.js", "committeeView"), access: "signed_in" },
  "/admin/users": { view: lazy("./js/views/admin-users.js", "adminUsersView"), access: "admin" },
  "/admin/audit": { view: lazy("./js/views/admin-audit.js", "adminAuditView"), access: "admin" },
  "/admin/calendar": { view: lazy("./js/views/admin-calendar.js", "adminCalendarView"), access: "admin" },
  "/admin/imports": { view: lazy("./js/views/admin-imports.js", "adminImportsView"), access: "admin" },
  "/dashboard": { view: lazy("./js/views/dashboard.js", "dashboardView"), access: "signed_in" },
  "/reports": { view: lazy("./js/views/reports.js", "reportsView"), access: "signed_in" },
  "/admin/offices": { view: lazy("./js/views/admin-offices.js", "adminOfficesView"), access: "admin" },
  "/admin/offices/:id": { view: lazy("./js/views/admin-offices.js", "adminOfficesView"), access: "admin" },
  "/profile": { view: lazy("./js/views/my-profile.js", "myProfileView"), access: "signed_in" },
  "/admin/policy": { view: lazy("./js/views/admin-policy.js", "adminPolicyView"), access: "admin" },
  "/admin/patterns": { view: lazy("./js/views/admin-patterns.js", "adminPatternsView"), access: "admin" },
};

// A link opened signed out (an e-mail's /#/meetings/42, a push's /#/attendance) is kept for
// this tab through sign-in, the second factor, a forced password change and enrolment, and
// opened instead of Home once the session is complete.
const RETURN_KEY = "hadir.returnTo";
const RELOADED_KEY = "hadir.reloadedForNewVersion";

function keepReturnTarget() {
  const target = location.hash.replace(/^#/, "");
  try {
    if (target.startsWith("/")) sessionStorage.setItem(RETURN_KEY, target);
  } catch {
    // No session storage: the person lands on Home as before.
  }
}

function takeReturnTarget() {
  try {
    const target = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    return target?.startsWith("/") ? target : null;
  } catch {
    return null;
  }
}

/** Where the current session may go instead of `route`, or null when it may render. */
function guard(route, where) {
  if (route?.access === "link") return null;
  const stage = currentStage();
  if (!stage) {
    if (route?.access === "anonymous") return null;
    if (route && ["signed_in", "admin"].includes(route.access)) keepReturnTarget();
    return "/sign-in";
  }
  if (stage !== "done") {
    // Unfinished sign-in (second factor, temporary password, enrolment): only that screen.
    if (route && ["signed_in", "admin"].includes(route.access)) keepReturnTarget();
    return where.path === STAGE_ROUTES[stage] ? null : STAGE_ROUTES[stage];
  }
  if (!route) return where.path === "/" ? takeReturnTarget() ?? "/home" : null; // null: "not found" view
  if (route.access === "anonymous" || route.access === "stage") return takeReturnTarget() ?? "/home";
  if (route.access === "admin" && !isAdmin()) return "/home";
  // The end of every sign-in is Home (STAGE_ROUTES.done): the kept link wins over it.
  if (where.path === STAGE_ROUTES.done) return takeReturnTarget();
  return null;
}

const main = document.getElementById("main");
const nav = document.getElementById("nav");
let booted = false;
let catalogued = false;

const router = new Router({
  routes: ROUTES,
  outlet: main,
  guard,
  notFound: notFoundView,
  loadFailed: (retry) => {
    // Online, a view's module is missing when a new version was deployed since this page
    // loaded (its versioned addresses are gone): load the new version, once.
    if (navigator.onLine && !sessionStorage.getItem(RELOADED_KEY)) {
      sessionStorage.setItem(RELOADED_KEY, "1");
      location.reload();
    }
    return offlineView(retry);
  },
});
router.onRoute((path) => markCurrent(nav, path));

// Offline, a screen may show answers kept on the device: the shell says from when.
const asOf = { banner: document.getElementById("as-of-banner"), since: null };
router.onRouteStart(() => {
  asOf.since = null;
  asOf.banner.hidden = true;
});
onKeptAnswerUsed((at) => {
  if (asOf.since && asOf.since <= at) return;
  asOf.since = at;
  const time = new Intl.DateTimeFormat(locale(), {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Asia/Kuala_Lumpur",
  }).format(new Date(at));
  translate(asOf.banner.querySelector("span"), "shell.asOf", { time });
  asOf.banner.hidden = false;
});

function showNav() {
  renderNav(nav, currentUser(), currentStage() === "done");
  markCurrent(nav, router.current?.path);
}

onSessionChange(() => {
  if (catalogued) showNav();
});
onSessionProblem("unauthenticated", () => {
  if (!booted || !currentUser()) return;
  keepReturnTarget();
  forgetSession();
  router.navigate("/sign-in?reason=expired");
});
onSessionProblem("passwordChangeRequired", () => {
  requirePasswordChange();
  router.navigate(STAGE_ROUTES.change_password);
});
onSessionProblem("enrolmentRequired", () => {
  requireEnrolment();
  router.navigate(STAGE_ROUTES.enrol_mfa);
});
onLanguageChange((lang) => {
  router.updateTitle();
  // Signed in: the server keeps the choice too, for e-mails and its own messages.
  if (currentStage() === "done" && !isOfflineSession()) {
    saveLanguage(lang).catch((error) => console.warn("language not saved", error));
  }
});

function watchConnection() {
  const banner = document.getElementById("offline-banner");
  const update = () => {
    banner.hidden = navigator.onLine;
  };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
}

// The skip link must not change the hash (that is the router's): it moves focus instead.
document.querySelector(".skip-link")?.addEventListener("click", (event) => {
  event.preventDefault();
  (main.querySelector("h1") ?? main).focus();
});

/** Who is signed in: resolves to null, or to the ApiError that kept the server from saying. */
function askSession() {
  return loadSession().then(
    () => null,
    (error) => {
      if (error instanceof ApiError) return error;
      throw error;
    },
  );
}

async function start(asking = askSession()) {
  const problem = await asking;
  // Offline (or the server is down): the last person who used the app here goes on offline;
  // with nobody known, the cached shell says it cannot reach the server and offers a retry.
  if (problem && !startOffline()) {
    const view = offlineView(() => start());
    main.replaceChildren(view.render());
    router.current = { path: null, view };
    router.updateTitle();
    main.querySelector("h1")?.focus();
    return;
  }
  booted = true;
  showNav();
  await router.render();
  sendQueuedCheckIns();
}

/** Check-ins tapped offline go out at start and whenever the connection comes back. */
function sendQueuedCheckIns() {
  if (currentStage() !== "done" || !navigator.onLine) return;
  flushQueue(signedInId).catch((error) => console.warn("queued check-ins not sent", error));
}

window.addEventListener("online", async () => {
  // Started offline with nobody known (the "no connection" view): try again by itself.
  if (!booted) {
    start();
    return;
  }
  if (isOfflineSession()) {
    // Started offline as the last known person: the server now says who is signed in (a
    // session that ended meanwhile goes to the sign-in), and the screen gets fresh answers.
    if (await askSession()) return;
    await router.render();
  }
  sendQueuedCheckIns();
});

/**
 * The first screen's module starts loading with the session and the catalogues instead of after
 * them: someone who used the app on this device most likely opens the route in the address (or
 * Home), anyone else the sign-in. A wrong guess costs one module that is soon needed anyway.
 */
function preloadFirstView() {
  const { path } = parseHash();
  const { route, params } = match(ROUTES, path);
  const person = lastPerson();
  const known = person !== null;
  const wanted = known ? ["signed_in", "admin"] : ["anonymous", "link"];
  const guessed = route && wanted.includes(route.access);
  const first = guessed ? route : ROUTES[known ? "/home" : "/sign-in"];
  loadView(first.view).catch(() => {}); // a failure shows when the route renders
  if (!known || !navigator.onLine) return;
  for (const dataPath of first.data?.(guessed ? params : {}) ?? []) prefetch(dataPath, person.id);
}

// The session is asked for while the catalogues load: the first screen waits for one round trip.
const asking = askSession();
preloadFirstView();
await initI18n();
translateTree(document);
catalogued = true;
watchConnection();
await start(asking);
sessionStorage.removeItem(RELOADED_KEY);
document.documentElement.dataset.ready = "true";
// After the first screen, so that pre-caching the app does not compete with it.
registerServiceWorker();
