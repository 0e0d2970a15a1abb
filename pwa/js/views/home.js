// Home: who is signed in, and the place reserved for the main action, check-in (a later issue:
// shown disabled as "coming soon", not as a button that does nothing).

import { h, icon } from "../dom.js";
import { takeFlash } from "../flash.js";
import { language, locale } from "../i18n.js";
import { currentUser, isAdmin } from "../session.js";

export const homeView = {
  title: "home.title",
  render() {
    const user = currentUser();
    const flash = takeFlash();
    const today = new Intl.DateTimeFormat(locale(), {
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "Asia/Kuala_Lumpur",
    }).format(new Date());

    return h(
      "section",
      { class: "page" },
      h(
        "header",
        { class: "page__header" },
        h("p", { class: "page__eyebrow", text: today, attrs: { lang: language() } }),
        h("h1", { class: "page__title", t: "home.greeting", args: { name: user.name } }),
      ),
      flash ? h("p", { class: "alert alert--success", attrs: { role: "status" }, t: flash }) : null,
      h(
        "section",
        { class: "action-card", attrs: { "aria-labelledby": "checkin-title" } },
        h("span", { class: "action-card__icon" }, icon("checkIn", "icon icon--large")),
        h(
          "div",
          { class: "action-card__body" },
          h("h2", { class: "action-card__title", id: "checkin-title", t: "home.checkIn" }),
          h("p", { class: "action-card__text", t: "home.checkInSoon" }),
        ),
        h("span", { class: "badge badge--soon", t: "common.comingSoon" }),
      ),
      isAdmin(user)
        ? h(
            "a",
            { class: "link-card", href: "#/admin/users" },
            icon("users"),
            h(
              "span",
              { class: "link-card__body" },
              h("span", { class: "link-card__title", t: "nav.users" }),
              h("span", { class: "link-card__text", t: "home.usersHint" }),
            ),
          )
        : null,
    );
  },
};
