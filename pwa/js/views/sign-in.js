// Sign-in: ID + password. The server's answer decides the next stage (see session.js).

import { h, icon } from "../dom.js";
import { busy, field, formAlert, languageSwitch, passwordField, problemText } from "../forms.js";
import { passkeysSupported, signIn, signInWithPasskey } from "../session.js";

export const signInView = {
  title: "signIn.title",
  render(ctx) {
    const alert = formAlert();
    const loginId = field({
      label: "signIn.loginId",
      name: "loginId",
      autocomplete: "username",
      required: true,
    });
    const password = passwordField({
      label: "signIn.password",
      name: "password",
      autocomplete: "current-password",
      required: true,
    });
    const submit = h("button", { type: "submit", class: "button button--primary button--block", t: "signIn.submit" });

    const REASONS = { expired: "signIn.sessionEnded", verifyExpired: "signIn.verifyExpired" };
    if (REASONS[ctx.query.reason]) alert.show({ key: REASONS[ctx.query.reason] });

    async function onSubmit(event) {
      event.preventDefault();
      alert.clear();
      loginId.clearError();
      password.clearError();
      const id = loginId.input.value.trim();
      const secret = password.input.value;
      let first = null;
      if (!id) {
        loginId.setError({ key: "signIn.loginIdRequired" });
        first = loginId.input;
      }
      if (!secret) {
        password.setError({ key: "signIn.passwordRequired" });
        first ??= password.input;
      }
      if (first) {
        first.focus();
        return;
      }
      try {
        const next = await busy(submit, () => signIn(id, secret));
        ctx.navigate(next);
      } catch (error) {
        password.input.value = "";
        alert.show(problemText(error));
        password.input.focus();
      }
    }

    // A passkey alone may sign in (it proves possession and the person, by fingerprint or PIN).
    let passkey = null;
    if (passkeysSupported()) {
      passkey = h(
        "button",
        { type: "button", class: "button button--secondary button--block" },
        icon("key"),
        h("span", { t: "signIn.withPasskey" }),
      );
      passkey.addEventListener("click", async () => {
        alert.clear();
        passkey.disabled = true;
        try {
          ctx.navigate(await signInWithPasskey());
        } catch (error) {
          if (error?.name === "NotAllowedError" || error?.name === "AbortError") {
            alert.show({ key: "verify.passkeyCancelled" });
          } else if (error?.code) {
            alert.show(problemText(error));
          } else {
            alert.show({ key: "verify.passkeyFailed" });
          }
        } finally {
          passkey.disabled = false;
        }
      });
    }

    return h(
      "section",
      { class: "auth" },
      h(
        "div",
        { class: "card auth__card" },
        h("img", { class: "auth__logo", src: "/icons/icon.svg", alt: "", width: 64, height: 64 }),
        h("h1", { class: "auth__title", t: "signIn.title" }),
        h("p", { class: "auth__lead", t: "signIn.lead" }),
        alert.element,
        h(
          "form",
          { class: "form", noValidate: true, on: { submit: onSubmit } },
          loginId.element,
          password.element,
          submit,
        ),
        h("p", { class: "auth__forgot" }, h("a", { href: "#/forgot-password", t: "signIn.forgot" })),
        passkey ? h("div", { class: "auth__alt" }, h("p", { class: "auth__or", t: "verify.or" }), passkey) : null,
        h("p", { class: "auth__help", t: "signIn.help" }),
      ),
      languageSwitch(),
    );
  },
};
