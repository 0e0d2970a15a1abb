// Navigation: a bottom tab bar on phones, a side bar from 768 px (same markup, CSS decides).
// A phone's bar has room for five tabs: with more, the fifth is "More" (Lagi), which opens a
// sheet with the rest; on tablets every item is in the side bar and "More" is not shown.

import { h, icon, uniqueId } from "./dom.js";
import { translate } from "./i18n.js";
import { isAdmin } from "./session.js";
import { forgetWaiting, lastWaiting, navCounts, onWaiting, refreshWaiting } from "./waiting.js";

const ITEMS = [
  { path: "/home", key: "nav.home", icon: "home" },
  { path: "/approvals", key: "nav.approvals", icon: "approvals", supervisor: true },
  { path: "/team", key: "team.nav", icon: "users", supervisor: true },
  { path: "/meetings", key: "nav.meetings", icon: "calendar" },
  { path: "/dashboard", key: "dashboard.nav", icon: "chart", executive: true },
  { path: "/reports", key: "reports.nav", icon: "download", executive: true },
  { path: "/admin/users", key: "nav.users", icon: "users", admin: true },
  { path: "/admin/offices", key: "nav.offices", icon: "building", admin: true },
  { path: "/admin/audit", key: "nav.audit", icon: "audit", admin: true },
  { path: "/admin/calendar", key: "adminCalendar.nav", icon: "calendar", admin: true },
  { path: "/admin/imports", key: "imports.nav", icon: "download", admin: true },
  { path: "/admin/patterns", key: "patterns.nav", icon: "calendar", admin: true },
  { path: "/admin/policy", key: "policy.nav", icon: "audit", admin: true },
  { path: "/search", key: "search.title", icon: "search" },
  // The in-app notification feed, with the unread count (under "Lagi" on most phones).
  // The officer's own attendance: in an officer's phone bar; under "Lagi" for those with more.
  { path: "/attendance", key: "myAtt.nav", icon: "checkIn" },
  // Movement slips: after search, so that an officer's phone finds them under "Lagi".
  { path: "/notifications", key: "nav.notifications", icon: "bell" },
  { path: "/slips", key: "nav.slips", icon: "audit" },
  // Warnings on inside check-ins: supervisors (their team) and administrators (the agency).
  { path: "/warnings", key: "warnings.nav", icon: "audit", oversight: true },
  { path: "/account", key: "nav.account", icon: "account" },
];
const PHONE_TABS = 5;

function count() {
  return h("span", { class: "nav__count", hidden: true, attrs: { "aria-hidden": "true" } });
}

function link(item) {
  return h(
    "a",
    { class: "nav__link", href: `#${item.path}`, dataset: { path: item.path } },
    icon(item.icon),
    h("span", { class: "nav__label", t: item.key }),
    count(),
  );
}

/**
 * Shows `n` (or nothing at 0) on the link's count badge. The number is for the eyes; screen
 * readers hear "3 menunggu" as the link's description (its name stays "Kelulusan").
 */
function showCount(control, n) {
  const badge = control.querySelector(".nav__count");
  if (!badge) return;
  badge.hidden = !n;
  badge.textContent = n > 99 ? "99+" : n ? String(n) : "";
  let words = control.nextElementSibling;
  if (!words?.classList.contains("nav__count-words")) {
    words = h("span", { class: "nav__count-words", id: uniqueId("nav-count"), hidden: true });
    control.after(words);
  }
  if (n) {
    translate(words, "nav.countWaiting", { count: n });
    control.setAttribute("aria-describedby", words.id);
  } else {
    words.textContent = "";
    control.removeAttribute("aria-describedby");
  }
}

function drawCounts(nav, waiting) {
  const counts = navCounts(waiting);
  for (const link of nav.querySelectorAll(".nav__link[data-path]")) {
    showCount(link, counts[link.dataset.path] ?? 0);
  }
  const more = nav.querySelector(".nav__more");
  if (more) {
    // The "More" tab carries the counts of what it hides on a phone.
    const hidden = [...nav.querySelectorAll(".nav__sheet .nav__link[data-path]")];
    showCount(more, hidden.reduce((sum, link) => sum + (counts[link.dataset.path] ?? 0), 0));
  }
}

let watched = null;

function moreSheet(rest) {
  const sheet = h("div", { id: "nav-more", class: "nav__sheet", hidden: true });
  const toggle = h(
    "button",
    {
      type: "button",
      class: "nav__link nav__more",
      attrs: { "aria-expanded": "false", "aria-controls": "nav-more" },
    },
    icon("more"),
    h("span", { class: "nav__label", t: "nav.more" }),
    count(),
  );
  const setOpen = (open) => {
    sheet.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  };
  toggle.addEventListener("click", () => {
    setOpen(sheet.hidden);
    if (!sheet.hidden) sheet.querySelector("a")?.focus();
  });
  sheet.addEventListener("click", (event) => {
    if (event.target.closest("a")) setOpen(false);
  });
  sheet.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      setOpen(false);
      toggle.focus();
    }
  });
  window.addEventListener("hashchange", () => setOpen(false));
  sheet.append(h("ul", { class: "nav__sheet-list" }, rest.map((item) => h("li", {}, link(item)))));
  return { toggle, sheet };
}

export function renderNav(nav, user, showNav) {
  nav.hidden = !showNav;
  document.getElementById("app").dataset.signedIn = String(showNav);
  if (!showNav) {
    nav.replaceChildren();
    forgetWaiting();
    return;
  }
  if (watched !== nav) {
    watched = nav;
    onWaiting((waiting) => drawCounts(nav, waiting));
  }
  const items = ITEMS.filter(
    (item) =>
      (!item.admin || isAdmin(user)) &&
      (!item.supervisor || user?.isSupervisor) &&
      (!item.oversight || user?.isSupervisor || isAdmin(user)) &&
      (!item.executive || isAdmin(user) || Boolean(user?.roles?.includes("executive"))),
  );
  const overflow = items.length > PHONE_TABS ? items.slice(PHONE_TABS - 1) : [];
  const list = h(
    "ul",
    { class: "nav__list" },
    items.map((item) =>
      h("li", { class: overflow.includes(item) ? "nav__item nav__item--overflow" : "nav__item" }, link(item)),
    ),
  );
  if (!overflow.length) {
    nav.replaceChildren(list);
  } else {
    const { toggle, sheet } = moreSheet(overflow);
    list.append(h("li", { class: "nav__item nav__item--more" }, toggle));
    nav.replaceChildren(sheet, list);
  }
  drawCounts(nav, lastWaiting());
  refreshWaiting({ force: true });
}

export function markCurrent(nav, path) {
  // Every change of screen is a moment to bring the counts up to date (at most every 20 s).
  if (!nav.hidden && nav.childElementCount) refreshWaiting();
  for (const link of nav.querySelectorAll(".nav__link")) {
    if (link.dataset.path === path) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
