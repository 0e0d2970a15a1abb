// Password change. After a temporary password this is the only screen the session may use
// (the server answers 403 password_change_required everywhere else); from "My account" it is
// an ordinary change. The server decides the policy; its field messages go under the field.

import { h } from "../dom.js";
import { busy, formAlert, passwordField, problemText } from "../forms.js";
import { setFlash } from "../flash.js";
import { changePassword, currentStage, signOut } from "../session.js";

const MIN_LENGTH = 8;

export const changePasswordView = {
  title: "password.title",
  render(ctx) {
    const forced = currentStage() === "change_password";
    const alert = formAlert();
    const current = passwordField({
      label: forced ? "password.temporary" : "password.current",
      name: "currentPassword",
      autocomplete: "current-password",
      required: true,
    });
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
    const fields = { currentPassword: current, newPassword: next, confirmPassword: confirm };
    const submit = h("button", { type: "submit", class: "button button--primary button--block", t: "password.submit" });

    async function onSubmit(event) {
      event.preventDefault();
      alert.clear();
      for (const f of Object.values(fields)) f.clearError();
      const invalid = [];
      if (!current.input.value) {
        current.setError({ key: "password.currentRequired" });
        invalid.push(current.input);
      }
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
        const route = await busy(submit, () => changePassword(current.input.value, next.input.value));
        setFlash("password.changed");
        ctx.navigate(route);
      } catch (error) {
        let firstField = null;
        for (const { field: name, message } of error.errors ?? []) {
          const target = fields[name];
          if (!target) continue;
          target.setError({ text: message });
          firstField ??= target.input;
        }
        alert.show(problemText(error));
        (firstField ?? current.input).focus();
      }
    }

    async function onSignOut() {
      await signOut().catch(() => {});
      ctx.navigate("/sign-in");
    }

    return h(
      "section",
      { class: forced ? "auth" : "page page--narrow" },
      h(
        "div",
        { class: forced ? "card auth__card" : "card" },
        h("h1", { class: forced ? "auth__title" : "page__title", t: "password.title" }),
        h("p", { class: "auth__lead", t: forced ? "password.leadFirst" : "password.lead" }),
        alert.element,
        h(
          "form",
          { class: "form", noValidate: true, on: { submit: onSubmit } },
          current.element,
          next.element,
          confirm.element,
          submit,
        ),
        forced
          ? h("button", { type: "button", class: "button button--link", t: "account.signOut", on: { click: onSignOut } })
          : h("a", { class: "button button--link", href: "#/account", t: "common.cancel" }),
      ),
    );
  },
};
