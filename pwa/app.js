// Hadir PWA entry point: catalogues, service worker, session, routes.

import { ApiError, onSessionProblem } from "./js/api.js";
import { flushQueue } from "./js/checkin-queue.js";
import { initI18n, onLanguageChange, translateTree } from "./js/i18n.js";
import { markCurrent, renderNav } from "./js/nav.js";
import { Router } from "./js/router.js";
import {
  currentStage,
  currentUser,
  forgetSession,
  isAdmin,
  loadSession,
  onSessionChange,
  requireEnrolment,
  requirePasswordChange,
  saveLanguage,
  STAGE_ROUTES,
} from "./js/session.js";
import { registerServiceWorker } from "./js/sw-register.js";
import { accountView } from "./js/views/account.js";
import { adminAuditView } from "./js/views/admin-audit.js";
import { adminCalendarView } from "./js/views/admin-calendar.js";
import { adminImportsView } from "./js/views/admin-imports.js";
import { adminOfficesView } from "./js/views/admin-offices.js";
import { adminUsersView } from "./js/views/admin-users.js";
import { approvalsView } from "./js/views/approvals.js";
import { changePasswordView } from "./js/views/change-password.js";
import { dashboardView } from "./js/views/dashboard.js";
import { reportsView } from "./js/views/reports.js";
import { homeView } from "./js/views/home.js";
import { myAttendanceView } from "./js/views/my-attendance.js";
import { meetingAttendanceView, meetingCheckInView, meetingRoomView } from "./js/views/meeting-attendance.js";
import { meetingPapersView } from "./js/views/meeting-papers.js";
import { actionsView, actionView, reportView } from "./js/views/actions.js";
import { minutesView } from "./js/views/minutes.js";
import { committeesView, committeeView } from "./js/views/committees.js";
import { meetingFormView } from "./js/views/meeting-form.js";
import { meetingsView, meetingView } from "./js/views/meetings.js";
import { meetingsCalendarView } from "./js/views/meetings-calendar.js";
import { meetingsStatsView } from "./js/views/meetings-stats.js";
import { movementSlipsView } from "./js/views/movement-slips.js";
import { notFoundView, offlineView } from "./js/views/misc.js";
import { notificationsView } from "./js/views/notifications.js";
import { enrolView } from "./js/views/enrol.js";
import { forgotPasswordView, newPasswordView, resetLinkView } from "./js/views/reset.js";
import { searchView } from "./js/views/search.js";
import { signInView } from "./js/views/sign-in.js";
import { teamView } from "./js/views/team.js";
import { verifyView } from "./js/views/verify.js";

// access: "anonymous" (signed out only), "stage" (only while the sign-in is at that stage),
// "session" (a stage's screen that a complete session may also use), "signed_in", "admin",
// "link" (an e-mailed link: opens whatever the session is, and starts a new sign-in).
const ROUTES = {
  "/sign-in": { view: signInView, access: "anonymous" },
  "/forgot-password": { view: forgotPasswordView, access: "anonymous" },
  "/reset/:token": { view: resetLinkView, access: "link" },
  "/reset-password": { view: newPasswordView, access: "stage" },
  "/verify": { view: verifyView, access: "stage" },
  "/enrol": { view: enrolView, access: "stage" },
  "/change-password": { view: changePasswordView, access: "session" },
  "/home": { view: homeView, access: "signed_in" },
  "/attendance": { view: myAttendanceView, access: "signed_in" },
  "/slips": { view: movementSlipsView, access: "signed_in" },
  "/approvals": { view: approvalsView, access: "signed_in" },
  "/team": { view: teamView, access: "signed_in" },
  "/account": { view: accountView, access: "signed_in" },
  "/search": { view: searchView, access: "signed_in" },
  "/account/notifications": { view: notificationsView, access: "signed_in" },
  "/meetings/:id/papers": { view: meetingPapersView, access: "signed_in" },
  "/meetings/:id/minutes": { view: minutesView, access: "signed_in" },
  "/meetings/:id/report": { view: reportView, access: "signed_in" },
  "/actions": { view: actionsView, access: "signed_in" },
  "/actions/:id": { view: actionView, access: "signed_in" },
  "/meetings/calendar": { view: meetingsCalendarView, access: "signed_in" },
  "/meetings/stats": { view: meetingsStatsView, access: "signed_in" },
  "/meetings/:id/attendance": { view: meetingAttendanceView, access: "signed_in" },
  "/meetings/:id/room": { view: meetingRoomView, access: "signed_in" },
  "/meetings/:id/check-in": { view: meetingCheckInView, access: "signed_in" },
  "/meetings": { view: meetingsView, access: "signed_in" },
  "/meetings/new": { view: meetingFormView, access: "signed_in" },
  "/meetings/:id": { view: meetingView, access: "signed_in" },
  "/meetings/:id/edit": { view: meetingFormView, access: "signed_in" },
  "/committees": { view: committeesView, access: "signed_in" },
  "/committees/:id": { view: committeeView, access: "signed_in" },
  "/admin/users": { view: adminUsersView, access: "admin" },
  "/admin/audit": { view: adminAuditView, access: "admin" },
  "/admin/calendar": { view: adminCalendarView, access: "admin" },
  "/admin/imports": { view: adminImportsView, access: "admin" },
  "/dashboard": { view: dashboardView, access: "signed_in" },
  "/reports": { view: reportsView, access: "signed_in" },
  "/admin/offices": { view: adminOfficesView, access: "admin" },
  "/admin/offices/:id": { view: adminOfficesView, access: "admin" },
};

/** Where the current session may go instead of `route`, or null when it may render. */
function guard(route, where) {
  if (route?.access === "link") return null;
  const stage = currentStage();
  if (!stage) {
    return route?.access === "anonymous" ? null : "/sign-in";
  }
  if (stage !== "done") {
    // Unfinished sign-in (second factor, temporary password, enrolment): only that screen.
    return where.path === STAGE_ROUTES[stage] ? null : STAGE_ROUTES[stage];
  }
  if (!route) return where.path === "/" ? "/home" : null; // null: "not found" view
  if (route.access === "anonymous" || route.access === "stage") return "/home";
  if (route.access === "admin" && !isAdmin()) return "/home";
  return null;
}

const main = document.getElementById("main");
const nav = document.getElementById("nav");
let booted = false;

const router = new Router({ routes: ROUTES, outlet: main, guard, notFound: notFoundView });
router.onRoute((path) => markCurrent(nav, path));

onSessionChange((user) => {
  renderNav(nav, user, currentStage() === "done");
  markCurrent(nav, router.current?.path);
});
onSessionProblem("unauthenticated", () => {
  if (!booted || !currentUser()) return;
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
  if (currentStage() === "done") {
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

async function start() {
  try {
    await loadSession();
  } catch (error) {
    if (error instanceof ApiError) {
      // Offline (or the server is down): the cached shell says so and offers a retry.
      const view = offlineView(() => start());
      main.replaceChildren(view.render());
      router.current = { path: null, view };
      router.updateTitle();
      main.querySelector("h1")?.focus();
      return;
    }
    throw error;
  }
  booted = true;
  await router.render();
  sendQueuedCheckIns();
}

/** Check-ins tapped offline go out at start and whenever the connection comes back. */
function sendQueuedCheckIns() {
  if (currentStage() !== "done" || !navigator.onLine) return;
  flushQueue().catch((error) => console.warn("queued check-ins not sent", error));
}

window.addEventListener("online", () => {
  // Started offline (the "no connection" view): try again by itself; start() then sends.
  if (!booted) start();
  else sendQueuedCheckIns();
});

await initI18n();
translateTree(document);
watchConnection();
registerServiceWorker();
await start();
document.documentElement.dataset.ready = "true";
