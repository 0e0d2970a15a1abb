// My account: who I am, the language of the app (also saved on the server for e-mails and
// server messages), second factors, sessions, password change and sign-out.

import { h, icon } from "../dom.js";
import { takeFlash } from "../flash.js";
import { busy, languageSwitch } from "../forms.js";
import { currentUser, signOut } from "../session.js";
import { factorsSection, sessionsSection } from "./account-security.js";

const ROLE_KEYS = {
  super_admin: "role.superAdmin",
  agency_admin: "role.agencyAdmin",
  executive: "role.executive",
};

export const accountView = {
  title: "account.title",
  render(ctx) {
    const user = currentUser();
    const flash = takeFlash();
    const roles = (user.roles ?? []).filter((role) => ROLE_KEYS[role]);
    const signOutButton = h(
      "button",
      { type: "button", class: "button button--secondary", t: "account.signOut" },
    );
    signOutButton.addEventListener("click", async () => {
      await busy(signOutButton, () => signOut().catch(() => {}));
      ctx.navigate("/sign-in");
    });

    const row = (labelKey, value) =>
      h("div", { class: "details__row" }, h("dt", { t: labelKey }), h("dd", { text: value }));

    return h(
      "section",
      { class: "page page--narrow" },
      h("header", { class: "page__header" }, h("h1", { class: "page__title", t: "account.title" })),
      flash ? h("p", { class: "alert alert--success", attrs: { role: "status" }, t: flash }) : null,
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": "account-profile" } },
        h("h2", { class: "card__title", id: "account-profile", t: "account.profile" }),
        h(
          "dl",
          { class: "details" },
          row("account.name", user.name),
          row("account.loginId", user.loginId),
          roles.length
            ? h(
                "div",
                { class: "details__row" },
                h("dt", { t: "account.roles" }),
                h("dd", {}, roles.map((role) => h("span", { class: "badge", t: ROLE_KEYS[role] }))),
              )
            : null,
        ),
      ),
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": "account-language" } },
        h("h2", { class: "card__title", id: "account-language", t: "account.languageTitle" }),
        h("p", { class: "card__text", t: "account.languageHint" }),
        languageSwitch(),
      ),
      h(
        "a",
        { class: "link-card", href: "#/account/notifications" },
        icon("bell"),
        h(
          "span",
          { class: "link-card__body" },
          h("span", { class: "link-card__title", t: "notify.title" }),
          h("span", { class: "link-card__text", t: "notify.accountHint" }),
        ),
      ),
      factorsSection(),
      sessionsSection(),
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": "account-security" } },
        h("h2", { class: "card__title", id: "account-security", t: "account.security" }),
        h(
          "div",
          { class: "button-row" },
          h("a", { class: "button button--secondary", href: "#/change-password" }, icon("key"), h("span", { t: "account.changePassword" })),
          h("a", { class: "button button--secondary", href: "#/profile" }, icon("account"), h("span", { t: "profile.link" })),
          signOutButton,
        ),
      ),
    );
  },
};
