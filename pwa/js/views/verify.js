// Second factor at sign-in: a code from the authenticator app, a recovery code, or a passkey
// (when the account has one and the browser can use it).

import { h, icon } from "../dom.js";
import { busy, field, formAlert, problemText } from "../forms.js";
import { translate } from "../i18n.js";
import {
  forgetSession,
  passkeysSupported,
  secondFactorMethods,
  signInWithPasskey,
  signOut,
  verifyRecoveryCode,
  verifyTotp,
} from "../session.js";

const SESSION_GONE = new Set(["mfa_expired", "invalid_credentials", "not_authenticated"]);

export const verifyView = {
  title: "verify.title",
  render(ctx) {
    const methods = secondFactorMethods();
    let mode = methods.includes("totp") || !methods.length ? "totp" : "recovery";
    const alert = formAlert();
    const code = field({ label: "verify.totpLabel", name: "code", hint: "verify.totpHint", required: true });
    const label = code.element.querySelector("label");
    const hint = code.element.querySelector(".field__hint");
    const lead = h("p", { class: "auth__lead" });
    const submit = h("button", { type: "submit", class: "button button--primary button--block", t: "verify.submit" });
    const switcher = h("button", { type: "button", class: "button button--link" });

    function applyMode() {
      const totp = mode === "totp";
      translate(lead, totp ? "verify.leadTotp" : "verify.leadRecovery");
      translate(label, totp ? "verify.totpLabel" : "verify.recoveryLabel");
      translate(hint, totp ? "verify.totpHint" : "verify.recoveryHint");
      translate(switcher, totp ? "verify.useRecovery" : "verify.useTotp");
      code.input.setAttribute("inputmode", totp ? "numeric" : "text");
      code.input.setAttribute("autocomplete", totp ? "one-time-code" : "off");
      code.input.setAttribute("maxlength", totp ? "7" : "32");
      code.input.setAttribute("autocapitalize", "none");
      code.input.setAttribute("spellcheck", "false");
      switcher.hidden = !(methods.includes("totp") && methods.includes("recovery"));
    }
    applyMode();
    switcher.addEventListener("click", () => {
      mode = mode === "totp" ? "recovery" : "totp";
      code.input.value = "";
      code.clearError();
      alert.clear();
      applyMode();
      code.input.focus();
    });

    function failed(error) {
      if (SESSION_GONE.has(error.code)) {
        // The password step has to be done again (five minutes passed, or the account locked).
        forgetSession();
        ctx.navigate("/sign-in?reason=verifyExpired");
        return;
      }
      if (error.code === "mfa_code_wrong") code.setError(problemText(error));
      else alert.show(problemText(error));
      code.input.select();
      code.input.focus();
    }

    async function onSubmit(event) {
      event.preventDefault();
      alert.clear();
      code.clearError();
      const value = code.input.value.replace(/\s+/g, "");
      if (mode === "totp" && !/^\d{6}$/.test(value)) {
        code.setError({ key: "verify.totpFormat" });
        code.input.focus();
        return;
      }
      if (!value) {
        code.setError({ key: "verify.recoveryRequired" });
        code.input.focus();
        return;
      }
      try {
        const next = await busy(submit, () => (mode === "totp" ? verifyTotp(value) : verifyRecoveryCode(value)));
        ctx.navigate(next);
      } catch (error) {
        failed(error);
      }
    }

    let passkeyButton = null;
    if (methods.includes("passkey") && passkeysSupported()) {
      passkeyButton = h(
        "button",
        { type: "button", class: "button button--secondary button--block" },
        icon("key"),
        h("span", { t: "verify.usePasskey" }),
      );
      passkeyButton.addEventListener("click", async () => {
        alert.clear();
        passkeyButton.disabled = true;
        try {
          ctx.navigate(await signInWithPasskey());
        } catch (error) {
          if (error?.name === "NotAllowedError" || error?.name === "AbortError") {
            alert.show({ key: "verify.passkeyCancelled" });
          } else if (error?.code) {
            failed(error);
          } else {
            alert.show({ key: "verify.passkeyFailed" });
          }
        } finally {
          passkeyButton.disabled = false;
        }
      });
    }

    const cancel = h("button", { type: "button", class: "button button--link", t: "verify.cancel" });
    cancel.addEventListener("click", async () => {
      await busy(cancel, () => signOut().catch(() => {}));
      ctx.navigate("/sign-in");
    });

    return h(
      "section",
      { class: "auth" },
      h(
        "div",
        { class: "card auth__card" },
        h("h1", { class: "auth__title", t: "verify.title" }),
        lead,
        alert.element,
        h("form", { class: "form", noValidate: true, on: { submit: onSubmit } }, code.element, submit),
        passkeyButton ? h("div", { class: "auth__alt" }, h("p", { class: "auth__or", t: "verify.or" }), passkeyButton) : null,
        h("div", { class: "auth__links" }, switcher, cancel),
      ),
    );
  },
};
