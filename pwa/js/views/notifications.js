// Notifications: the "switch them on" card on the home screen, and My account > Notifications
// (per kind push / e-mail, quiet hours, the daily digest, push on this device).
//
// Essential kinds (password reset, official meeting notices) are shown checked and disabled:
// the server never lets them be switched off, and the screen says why.

import { api, ApiError } from "../api.js";
import { announce, h, uniqueId } from "../dom.js";
import { busy, formAlert, isoTime, problemText, timeInput } from "../forms.js";
import { translate } from "../i18n.js";
import {
  askAndSubscribe,
  currentSubscription,
  dismissPrompt,
  permission,
  promptDismissed,
  pushSupported,
  subscribe,
  unsubscribe,
} from "../push.js";

function alertNode(tone, text, role = "status") {
  const node = h("p", { class: `alert alert--${tone}`, attrs: { role } });
  if (text.key) translate(node, text.key, text.args);
  else node.textContent = text.text;
  return node;
}

/** What a finished permission request means for the person, as an alert. */
function permissionResult(answer) {
  if (answer === "granted") return alertNode("success", { key: "notify.enabled" });
  if (answer === "denied") return alertNode("warning", { key: "notify.blocked" });
  return null; // the prompt was closed without an answer: nothing changed
}

// ---------------------------------------------------------------- the home card

/** The card, or null when there is nothing to ask (unsupported, already answered, "Nanti"). */
export function pushCard() {
  if (!pushSupported() || permission() !== "default" || promptDismissed()) return null;
  const titleId = uniqueId("push-title");
  const result = h("div", { attrs: { "aria-live": "polite" } });
  const enable = h("button", { type: "button", class: "button button--primary", t: "notify.enable" });
  const later = h("button", { type: "button", class: "button button--secondary", t: "notify.later" });
  const buttons = h("div", { class: "button-row" }, enable, later);
  const card = h(
    "section",
    { class: "card push-card", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "notify.cardTitle" }),
    h("p", { class: "card__text", t: "notify.cardText" }),
    buttons,
    result,
  );

  enable.addEventListener("click", async () => {
    result.replaceChildren();
    let answer;
    try {
      answer = await busy(enable, () => askAndSubscribe());
    } catch (error) {
      const text = error instanceof ApiError ? problemText(error) : { key: "notify.failed" };
      result.replaceChildren(alertNode("error", text, "alert"));
      return;
    }
    const node = permissionResult(answer);
    if (!node) return;
    buttons.remove();
    result.replaceChildren(node);
    if (answer === "granted") {
      result.append(h("a", { class: "button button--secondary", href: "#/account/notifications", t: "notify.settingsLink" }));
    }
  });

  later.addEventListener("click", () => {
    dismissPrompt();
    card.remove();
    announce("notify.laterDone");
    document.querySelector("#main h1")?.focus();
  });
  return card;
}

// ---------------------------------------------------------------- this device

function deviceSection() {
  const titleId = uniqueId("device-title");
  const body = h("div", {});
  const section = h(
    "section",
    { class: "card", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "notify.deviceTitle" }),
    body,
  );

  async function show(message) {
    const state = permission();
    let subscribed = false;
    if (state === "granted") subscribed = Boolean(await currentSubscription().catch(() => null));
    const parts = [];
    if (state === "unsupported") parts.push(h("p", { class: "card__text", t: "notify.deviceUnsupported" }));
    else if (state === "denied") parts.push(h("p", { class: "card__text", t: "notify.blocked" }));
    else if (subscribed) {
      parts.push(h("p", { class: "card__text", t: "notify.deviceOn" }));
      const off = h("button", { type: "button", class: "button button--secondary", t: "notify.deviceTurnOff" });
      off.addEventListener("click", () => run(off, () => unsubscribe(), "notify.deviceTurnedOff"));
      parts.push(off);
    } else {
      parts.push(h("p", { class: "card__text", t: "notify.deviceOff" }));
      const on = h("button", { type: "button", class: "button button--primary", t: "notify.enable" });
      on.addEventListener("click", () =>
        run(on, async () => {
          if (Notification.permission === "granted") {
            await subscribe();
            return "granted";
          }
          return askAndSubscribe();
        }),
      );
      parts.push(on);
    }
    if (message) parts.push(message);
    body.replaceChildren(...parts);
  }

  async function run(button, work, doneKey) {
    let answer;
    try {
      answer = await busy(button, work);
    } catch (error) {
      const text = error instanceof ApiError ? problemText(error) : { key: "notify.failed" };
      await show(alertNode("error", text, "alert"));
      return;
    }
    await show(doneKey ? alertNode("success", { key: doneKey }) : permissionResult(answer));
  }

  return { section, load: () => show(null) };
}

// ---------------------------------------------------------------- preferences

function checkbox({ labelKey, checked, disabled, name, describedBy }) {
  const id = uniqueId(name);
  const input = h("input", {
    type: "checkbox",
    id,
    name,
    class: "checkbox__input",
    checked,
    disabled,
    attrs: { "aria-describedby": describedBy || null },
  });
  const element = h("div", { class: "checkbox" }, input, h("label", { class: "checkbox__label", htmlFor: id, t: labelKey }));
  return { element, input };
}

function kindRow(kind) {
  const hintId = kind.essential ? uniqueId("essential") : null;
  const error = h("p", { class: "field__error", hidden: true, attrs: { role: "alert" } });
  const push = kind.pushAvailable
    ? checkbox({ labelKey: "notify.push", checked: kind.push, disabled: kind.essential, name: `${kind.kind}-push`, describedBy: hintId })
    : null;
  const email = kind.emailAvailable
    ? checkbox({ labelKey: "notify.email", checked: kind.email, disabled: kind.essential, name: `${kind.kind}-email`, describedBy: hintId })
    : null;
  const element = h(
    "fieldset",
    { class: "pref", dataset: { kind: kind.kind } },
    h("legend", { class: "pref__label", text: kind.label }),
    h("div", { class: "pref__channels" }, push?.element, email?.element),
    kind.essential ? h("p", { class: "field__hint", id: hintId, t: "notify.essential" }) : null,
    error,
  );
  return {
    kind,
    element,
    value: () => ({ kind: kind.kind, push: Boolean(push?.input.checked), email: Boolean(email?.input.checked) }),
    setError(text) {
      error.textContent = text;
      error.hidden = !text;
    },
  };
}

/** A 24-hour hh:mm field (forms.js timeInput: no AM/PM on any phone). */
function timeField(labelKey, name, value) {
  const id = uniqueId(name);
  const input = timeInput({ id, value: value ?? "" });
  input.name = name;
  return {
    input,
    element: h("div", { class: "field field--inline" }, h("label", { class: "field__label", htmlFor: id, t: labelKey }), input),
  };
}

function preferencesForm(prefs) {
  const alert = formAlert();
  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const rows = prefs.kinds.map(kindRow);

  const quietHintId = uniqueId("quiet-hint");
  const quietError = h("p", { class: "field__error", hidden: true });
  const quietOn = checkbox({ labelKey: "notify.quietOn", checked: Boolean(prefs.quietHours), name: "quiet", describedBy: quietHintId });
  const start = timeField("notify.quietStart", "quiet-start", prefs.quietHours?.start ?? "22:00");
  const end = timeField("notify.quietEnd", "quiet-end", prefs.quietHours?.end ?? "07:00");
  const times = h("div", { class: "pref__times" }, start.element, end.element);
  const syncQuiet = () => {
    times.hidden = !quietOn.input.checked;
  };
  quietOn.input.addEventListener("change", syncQuiet);
  syncQuiet();

  const digestError = h("p", { class: "field__error", hidden: true });
  const digestHintId = uniqueId("digest-hint");
  const digest = prefs.digestAvailable
    ? checkbox({ labelKey: "notify.digestOn", checked: prefs.digest, name: "digest", describedBy: digestHintId })
    : null;

  const submit = h("button", { type: "submit", class: "button button--primary", t: "notify.save" });
  const kindsTitle = uniqueId("kinds-title");
  const quietTitle = uniqueId("quiet-title");
  const form = h(
    "form",
    { class: "form", attrs: { novalidate: true } },
    alert.element,
    h(
      "section",
      { class: "card", attrs: { "aria-labelledby": kindsTitle } },
      h("h2", { class: "card__title", id: kindsTitle, t: "notify.kindsTitle" }),
      h("p", { class: "card__text", t: "notify.kindsLead" }),
      rows.map((row) => row.element),
    ),
    h(
      "section",
      { class: "card", attrs: { "aria-labelledby": quietTitle } },
      h("h2", { class: "card__title", id: quietTitle, t: "notify.quietTitle" }),
      h("p", { class: "card__text", id: quietHintId, t: "notify.quietHint", args: { timezone: prefs.timezone } }),
      quietOn.element,
      times,
      quietError,
      digest
        ? [
            h("p", { class: "card__text", id: digestHintId, t: "notify.digestHint" }),
            digest.element,
            digestError,
          ]
        : null,
    ),
    status,
    h("div", { class: "button-row" }, submit),
  );

  function clearErrors() {
    alert.clear();
    status.hidden = true;
    for (const row of rows) row.setError("");
    quietError.hidden = true;
    digestError.hidden = true;
    for (const input of [start.input, end.input]) input.removeAttribute("aria-invalid");
  }

  function showErrors(error, sent) {
    alert.show(problemText(error));
    for (const { field, message } of error.errors) {
      const match = /^kinds\[(\d+)\]/.exec(field ?? "");
      if (match) {
        const kind = sent[Number(match[1])]?.kind;
        rows.find((row) => row.kind.kind === kind)?.setError(message);
      } else if (field?.startsWith("quietHours")) {
        quietError.textContent = message;
        quietError.hidden = false;
        for (const input of [start.input, end.input]) input.setAttribute("aria-invalid", "true");
      } else if (field === "digest") {
        digestError.textContent = message;
        digestError.hidden = false;
      }
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const kinds = rows.filter((row) => !row.kind.essential).map((row) => row.value());
    const body = {
      kinds,
      quietHours: quietOn.input.checked
        ? { start: isoTime(start.input) || start.input.value, end: isoTime(end.input) || end.input.value }
        : null,
      digest: Boolean(digest?.input.checked),
    };
    try {
      await busy(submit, () => api.put("/api/notifications/preferences", body));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(error, kinds);
      alert.element.scrollIntoView({ block: "nearest" });
      return;
    }
    translate(status, "notify.saved");
    status.hidden = false;
    announce("notify.saved");
  });
  return form;
}

export const notificationsView = {
  title: "notify.title",
  async render() {
    const device = deviceSection();
    let content;
    try {
      const [prefs] = await Promise.all([api.get("/api/notifications/preferences"), device.load()]);
      content = preferencesForm(prefs);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      content = alertNode("error", problemText(error), "alert");
    }
    return h(
      "section",
      { class: "page page--narrow" },
      h(
        "header",
        { class: "page__header" },
        h("a", { class: "button button--link", href: "#/account", t: "notify.back" }),
        h("h1", { class: "page__title", t: "notify.title" }),
      ),
      device.section,
      content,
    );
  },
};
