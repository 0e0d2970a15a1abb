// Setting up an authenticator app, the same at the first sign-in (views/enrol.js) and later
// from the account (views/account-security.js): the steps (on a phone: open the app with the
// otpauth:// link or copy the key, the QR code being for another device; elsewhere: scan the
// QR code, the key under "cannot scan") and the form that confirms the first code.

import { h, icon } from "./dom.js";
import { busy, field, problemText } from "./forms.js";
import { translate } from "./i18n.js";

/** A phone: a QR code on its own screen cannot be scanned by its own camera. */
export function onPhone() {
  return window.matchMedia("(max-width: 767.98px), (pointer: coarse)").matches;
}

/** "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP": easier to read and type. */
export function groupedSecret(secret) {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

function qrImage(setup) {
  return h("img", { class: "qr", src: setup.qrSvgDataUri, width: 200, height: 200, tAttrs: { alt: "enrol.qrAlt" } });
}

/** The key with a copy button (typed or pasted into the authenticator app). */
function secretBlock(setup, secretId) {
  const status = h("p", { class: "dialog__status", attrs: { role: "status" } });
  const copy = h(
    "button",
    {
      type: "button",
      class: "button button--secondary button--small",
      on: {
        click: async () => {
          try {
            await navigator.clipboard.writeText(setup.secret);
            translate(status, "admin.copied");
          } catch {
            translate(status, "admin.copyFailed");
          }
        },
      },
    },
    icon("copy"),
    h("span", { t: "enrol.copyKey" }),
  );
  return [
    h("p", { t: "enrol.secretLabel" }),
    h("p", { class: "mono secret__value", id: secretId, text: groupedSecret(setup.secret) }),
    copy,
    status,
  ];
}

function scanStep(setup, secretId) {
  return h(
    "li",
    {},
    h("span", { t: "enrol.step2" }),
    qrImage(setup),
    h("details", { class: "secret" }, h("summary", { t: "enrol.cantScan" }), secretBlock(setup, secretId)),
  );
}

function phoneStep(setup, secretId) {
  return h(
    "li",
    {},
    h("span", { t: "enrol.step2Phone" }),
    h("p", {}, h("a", { class: "button button--primary button--block", href: setup.otpauthUri, t: "enrol.openApp" })),
    secretBlock(setup, secretId),
    h("details", { class: "secret" }, h("summary", { t: "enrol.scanElsewhere" }), qrImage(setup)),
  );
}

/** The three steps for `setup` ({secret, otpauthUri, qrSvgDataUri}), for a phone or not. */
export function totpSteps(setup, { secretId = "totp-secret" } = {}) {
  return h(
    "ol",
    { class: "steps" },
    h("li", {}, h("span", { t: "enrol.step1" })),
    onPhone() ? phoneStep(setup, secretId) : scanStep(setup, secretId),
    h("li", {}, h("span", { t: "enrol.step3" })),
  );
}

/**
 * The form for the first code: six digits checked here, then confirm(code). done(result) on
 * success; a wrong code is said at the field, anything else goes to fail(error).
 * `buttons(submit)` lays out the submit button (with a cancel button, say).
 */
export function totpConfirmForm({ confirm, done, fail, before = () => {}, block = false, buttons = (submit) => submit }) {
  const code = field({
    label: "enrol.codeLabel",
    name: "code",
    hint: "enrol.codeHint",
    required: true,
    autocomplete: "one-time-code",
    inputmode: "numeric",
  });
  code.input.setAttribute("maxlength", "7");
  const submit = h("button", {
    type: "submit",
    class: `button button--primary${block ? " button--block" : ""}`,
    t: "enrol.confirm",
  });
  async function onSubmit(event) {
    event.preventDefault();
    before();
    code.clearError();
    const value = code.input.value.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(value)) {
      code.setError({ key: "verify.totpFormat" });
      code.input.focus();
      return;
    }
    let result;
    try {
      result = await busy(submit, () => confirm(value));
    } catch (error) {
      if (error.errors?.length || error.code === "mfa_code_wrong") code.setError(problemText(error));
      else fail(error);
      code.input.focus();
      return;
    }
    await done(result);
  }
  return h("form", { class: "form", noValidate: true, on: { submit: onSubmit } }, code.element, buttons(submit));
}
