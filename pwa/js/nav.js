// Navigation: a bottom tab bar on phones, a side bar from 768 px (same markup, CSS decides).
// A phone's bar has room for five tabs: with more, the fifth is "More" (Lagi), which opens a
// sheet with the rest; on tablets every item is in the side bar and "More" is not shown.

import { h, icon } from "./dom.js";
import { isAdmin } from "./session.js";

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
  { path: "/search", key: "search.title", icon: "search" },
  // The officer's own attendance: in an officer's phone bar; under "Lagi" for those with more.
  { path: "/attendance", key: "myAtt.nav", icon: "checkIn" },
  // Movement slips: after search, so that an officer's phone finds them under "Lagi".
  { path: "/slips", key: "nav.slips", icon: "audit" },
  { path: "/account", key: "nav.account", icon: "account" },
];
const PHONE_TABS = 5;

function link(item) {
  return h(
    "a",
    { class: "nav__link", href: `#${item.path}`, dataset: { path: item.path } },
    icon(item.icon),
    h("span", { class: "nav__label", t: item.key }),
  );
}

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
    return;
  }
  const items = ITEMS.filter(
    (item) =>
      (!item.admin || isAdmin(user)) &&
      (!item.supervisor || user?.isSupervisor) &&
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
    return;
  }
  const { toggle, sheet } = moreSheet(overflow);
  list.append(h("li", { class: "nav__item nav__item--more" }, toggle));
  nav.replaceChildren(sheet, list);
}

export function markCurrent(nav, path) {
  for (const link of nav.querySelectorAll(".nav__link")) {
    if (link.dataset.path === path) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
