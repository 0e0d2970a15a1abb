// Navigation: a bottom tab bar on phones, a side bar from 768 px (same markup, CSS decides).

import { h, icon } from "./dom.js";
import { isAdmin } from "./session.js";

const ITEMS = [
  { path: "/home", key: "nav.home", icon: "home" },
  { path: "/approvals", key: "nav.approvals", icon: "approvals", supervisor: true },
  { path: "/admin/users", key: "nav.users", icon: "users", admin: true },
  { path: "/admin/offices", key: "nav.offices", icon: "building", admin: true },
  { path: "/admin/audit", key: "nav.audit", icon: "audit", admin: true },
  { path: "/account", key: "nav.account", icon: "account" },
];

export function renderNav(nav, user, showNav) {
  nav.hidden = !showNav;
  document.getElementById("app").dataset.signedIn = String(showNav);
  if (!showNav) {
    nav.replaceChildren();
    return;
  }
  const items = ITEMS.filter(
    (item) => (!item.admin || isAdmin(user)) && (!item.supervisor || user?.isSupervisor),
  );
  nav.replaceChildren(
    h(
      "ul",
      { class: "nav__list" },
      items.map((item) =>
        h(
          "li",
          { class: "nav__item" },
          h(
            "a",
            { class: "nav__link", href: `#${item.path}`, dataset: { path: item.path } },
            icon(item.icon),
            h("span", { class: "nav__label", t: item.key }),
          ),
        ),
      ),
    ),
  );
}

export function markCurrent(nav, path) {
  for (const link of nav.querySelectorAll(".nav__link")) {
    if (link.dataset.path === path) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
