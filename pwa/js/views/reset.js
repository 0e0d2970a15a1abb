// Self-service password reset: "Forgot password?" asks for the ID (the server always answers
// the same, and e-mails a link when the account exists); the link (#/reset/<token>) leads to
// the second factor (the verify screen, as at sign-in) and then to the new password.

import { h } from "../dom.js";
import { translate } from "../i18n.js";
import { setFlash } from "../flash.js";
import { busy, field, formAlert, passwordField, problemText } from "../forms.js";
import { completePasswordReset, forgetSession, openPasswordReset, requestPasswordReset, signOut } from "../session.js";

const MIN_LENGTH = 8;

function authCard(...children) {
  return h("section", { class: "auth" }, h("div", { class: "card auth__card" }, ...children));
}

export const forgotPasswordView = {
  title: "reset.requestTitle",
  render() {
    const alert = formAlert();
    const loginId = field({
      label: "signIn.loginId",
      name: "loginId",
      autocomplete: "username",
      required: true,
    });
    const submit = h("button", { type: "submit", class: "button button--primary button--block", t: "reset.requestSubmit" });
    const body = h("div");

    async function onSubmit(event) {
      event.preventDefault();
      alert.clear();
      loginId.clearError();
      const id = loginId.input.value.trim();
      if (!id) {
        loginId.setError({ key: "signIn.loginIdRequired" });
        loginId.input.focus();
        return;
      }
      try {
        const answer = await busy(submit, () => requestPasswordReset(id));
        const heading = h("h2", { class: "card__title", tabIndex: -1, t: "reset.sentTitle" });
        body.replaceChildren(
          heading,
          answer?.message
            ? h("p", { class: "alert alert--success", attrs: { role: "status" }, text: answer.message })
            : h("p", { class: "alert alert--success", attrs: { role: "status" }, t: "reset.sent" }),
          h("p", { class: "card__text", t: "reset.sentHint" }),
          h("a", { class: "button button--secondary button--block", href: "#/sign-in", t: "reset.backToSignIn" }),
        );
        heading.focus();
      } catch (error) {
        alert.show(problemText(error));
        loginId.input.focus();
      }
    }

    body.append(
      h("form", { class: "form", noValidate: true, on: { submit: onSubmit } }, loginId.element, submit),
      h("a", { class: "button button--link", href: "#/sign-in", t: "reset.backToSignIn" }),
    );
    return authCard(
      h("h1", { class: "auth__title", t: "reset.requestTitle" }),
      h("p", { class: "auth__lead", t: "reset.requestLead" }),
      alert.element,
      body,
    );
  },
};

/** #/reset/<token>: checks the link, then the second factor is asked as at sign-in. */
export const resetLinkView = {
  title: "reset.linkTitle",
  render(ctx) {
    const body = h("div", {}, h("p", { attrs: { role: "status" }, t: "reset.checking" }));
    openPasswordReset(ctx.params.token)
      // replace: the token does not stay in the history.
      .then((next) => ctx.isCurrent() && ctx.navigate(next, { replace: true }))
      .catch((error) => {
        if (!ctx.isCurrent()) return;
        forgetSession();
        history.replaceState(null, "", "#/forgot-password");
        const message = h("p", { class: "alert alert--error", attrs: { role: "alert" } });
        const text = problemText(error);
        if (text.key) translate(message, text.key);
        else message.textContent = text.text;
        body.replaceChildren(
          message,
          h("a", { class: "button button--primary button--block", href: "#/forgot-password", t: "reset.requestAgain" }),
          h("a", { class: "button button--link", href: "#/sign-in", t: "reset.backToSignIn" }),
        );
      });
    return authCard(h("h1", { class: "auth__title", t: "reset.linkTitle" }), body);
  },
};

/** After the link and the second factor: the new password; the person is then signed in. */
export const newPasswordView = {
  title: "reset.newTitle",
  render(ctx) {
    const alert = formAlert();
    const next = passwordField({
      label: "password.new",
      name: "newPassword",
      autocomplete: "new-password",
      hint: "password.rules",
      required: true,
    });
    const confirm = passwordField({
      label: "password.confirm",
      name: "confirmPassword",
      autocomplete: "new-password",
      required: true,
    });
    const submit = h("button", { type: "submit", class: "button button--primary button--block", t: "reset.newSubmit" });
    const again = h("a", { class: "button button--secondary button--block", href: "#/forgot-password", t: "reset.requestAgain", hidden: true });

    async function onSubmit(event) {
      event.preventDefault();
      alert.clear();
      next.clearError();
      confirm.clearError();
      const invalid = [];
      if (next.input.value.length < MIN_LENGTH) {
        next.setError({ key: "password.tooShort" });
        invalid.push(next.input);
      }
      if (confirm.input.value !== next.input.value) {
        confirm.setError({ key: "password.mismatch" });
        invalid.push(confirm.input);
      }
      if (invalid.length) {
        invalid[0].focus();
        return;
      }
      try {
        const route = await busy(submit, () => completePasswordReset(next.input.value));
        setFlash("reset.done");
        ctx.navigate(route);
      } catch (error) {
        if (error.code === "reset_link_invalid") {
          // Too late or already used: a new link is needed.
          forgetSession();
          again.hidden = false;
          submit.disabled = true;
        }
        const message = error.fieldMessage?.("newPassword");
        if (message) next.setError({ text: message });
        alert.show(problemText(error));
        (message ? next.input : alert.element).focus?.();
      }
    }

    async function onCancel() {
      await signOut().catch(() => {});
      ctx.navigate("/sign-in");
    }

    alert.element.tabIndex = -1;
    return authCard(
      h("h1", { class: "auth__title", t: "reset.newTitle" }),
      h("p", { class: "auth__lead", t: "reset.newLead" }),
      alert.element,
      h("form", { class: "form", noValidate: true, on: { submit: onSubmit } }, next.element, confirm.element, submit),
      again,
      h("button", { type: "button", class: "button button--link", t: "common.cancel", on: { click: onCancel } }),
    );
  },
};
