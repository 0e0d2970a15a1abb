// First sign-in, after the password: set up a second factor (authenticator app, or a passkey
// where the browser supports it), then keep the recovery codes, shown once.

import { announce, h, icon } from "../dom.js";
import { formAlert, problemText } from "../forms.js";
import { t, translate } from "../i18n.js";
import {
  confirmTotpEnrolment,
  finishEnrolment,
  passkeysSupported,
  registerPasskey,
  signOut,
  startTotpEnrolment,
} from "../session.js";
import { onPhone, totpConfirmForm, totpSteps } from "../totp-setup.js";

export const enrolView = {
  title: "enrol.title",
  render(ctx) {
    const alert = formAlert();
    const body = h("div", { class: "enrol" });
    let alternative = null; // "or use a passkey", hidden once a factor is set up

    async function onSignOut() {
      await signOut().catch(() => {});
      ctx.navigate("/sign-in");
    }

    function showRecoveryCodes(codes) {
      if (alternative) alternative.hidden = true;
      if (!codes?.length) {
        finish();
        return;
      }
      const heading = h("h2", { class: "card__title", t: "enrol.codesTitle", tabIndex: -1 });
      const saved = h("input", { type: "checkbox", id: "codes-saved", class: "checkbox__input" });
      const savedError = h("p", { class: "field__error", id: "codes-saved-error", hidden: true });
      const copyStatus = h("p", { class: "dialog__status", attrs: { role: "status" } });
      const copy = h("button", { type: "button", class: "button button--secondary" }, icon("copy"), h("span", { t: "enrol.copyCodes" }));
      copy.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(codes.join("\n"));
          translate(copyStatus, "admin.copied");
        } catch {
          translate(copyStatus, "admin.copyFailed");
        }
      });
      const next = h("button", { type: "button", class: "button button--primary button--block", t: "enrol.continue" });
      next.addEventListener("click", () => {
        if (!saved.checked) {
          translate(savedError, "enrol.codesConfirmRequired");
          savedError.hidden = false;
          saved.setAttribute("aria-invalid", "true");
          saved.setAttribute("aria-describedby", "codes-saved-error");
          saved.focus();
          return;
        }
        finish();
      });
      body.replaceChildren(
        heading,
        h("p", { class: "alert alert--warning", t: "enrol.codesShownOnce" }),
        h("ol", { class: "codes", attrs: { "aria-labelledby": "enrol-codes-label" } }, codes.map((c) => h("li", { class: "mono", text: c }))),
        h("p", { class: "visually-hidden", id: "enrol-codes-label", t: "enrol.codesTitle" }),
        h("div", { class: "button-row" }, copy),
        copyStatus,
        h(
          "div",
          { class: "checkbox" },
          saved,
          h("label", { htmlFor: "codes-saved", class: "checkbox__label", t: "enrol.codesSaved" }),
        ),
        savedError,
        next,
      );
      heading.focus();
    }

    async function finish() {
      try {
        ctx.navigate(await finishEnrolment());
      } catch (error) {
        alert.show(problemText(error));
      }
    }

    function showTotp(setup) {
      const form = totpConfirmForm({
        confirm: confirmTotpEnrolment,
        before: () => alert.clear(),
        done: (result) => {
          announce("enrol.done");
          showRecoveryCodes(result.codes);
        },
        fail: (error) => alert.show(problemText(error)),
        block: true,
      });
      body.replaceChildren(totpSteps(setup), form);
    }

    async function start() {
      body.replaceChildren(h("p", { attrs: { role: "status" }, t: "common.loading" }));
      try {
        showTotp(await startTotpEnrolment());
      } catch (error) {
        body.replaceChildren();
        alert.show(problemText(error));
      }
    }

    let passkey = null;
    if (passkeysSupported()) {
      passkey = h("button", { type: "button", class: "button button--secondary button--block" }, icon("key"), h("span", { t: "enrol.usePasskey" }));
      passkey.addEventListener("click", async () => {
        alert.clear();
        passkey.disabled = true;
        try {
          const result = await registerPasskey(t("enrol.passkeyName"));
          showRecoveryCodes(result.codes);
        } catch (error) {
          if (error?.name === "NotAllowedError" || error?.name === "AbortError") alert.show({ key: "verify.passkeyCancelled" });
          else if (error?.code) alert.show(problemText(error));
          else alert.show({ key: "verify.passkeyFailed" });
        } finally {
          passkey.disabled = false;
        }
      });
    }

    // On a phone the passkey comes first (the phone itself is the second factor, nothing to
    // scan); elsewhere it is the alternative under the authenticator app.
    const passkeyFirst = Boolean(passkey) && onPhone();
    if (passkey) {
      if (passkeyFirst) passkey.className = "button button--primary button--block";
      alternative = h(
        "div",
        { class: passkeyFirst ? "auth__alt auth__alt--first" : "auth__alt" },
        h("p", { class: "auth__note", t: passkeyFirst ? "enrol.passkeyFirst" : "enrol.orPasskey" }),
        passkey,
        passkeyFirst ? h("p", { class: "auth__note", t: "enrol.orApp" }) : null,
      );
    }
    start();

    return h(
      "section",
      { class: "auth auth--wide" },
      h(
        "div",
        { class: "card auth__card" },
        h("h1", { class: "auth__title", t: "enrol.title" }),
        h("p", { class: "auth__lead", t: "enrol.lead" }),
        alert.element,
        passkeyFirst ? alternative : null,
        body,
        passkeyFirst ? null : alternative,
        h("div", { class: "auth__links" }, h("button", { type: "button", class: "button button--link", t: "account.signOut", on: { click: onSignOut } })),
      ),
    );
  },
};
