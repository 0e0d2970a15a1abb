// The agency's policy (agency administrators): grace minutes before a check-in is late, working
// days before an unanswered item turns yellow and red, how long raw coordinates are kept, the
// accuracy limit, and the agency's mail sender. Each setting shows its default and range from
// the server (GET /api/attendance/policy); the server validates and audits every change
// (PUT /api/attendance/settings, PUT/DELETE /api/attendance/policy/mail-sender).

import { api, ApiError } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, formAlert, labelled, problemText } from "../forms.js";
import { translate } from "../i18n.js";

// Each number setting: its label and hint (catalogue keys written out, so the key check finds them).
const LABELS = {
  lateGraceMinutes: ["policy.lateGraceMinutes", "policy.lateGraceMinutesHint"],
  yellowAfterDays: ["policy.yellowAfterDays", "policy.yellowAfterDaysHint"],
  redAfterDays: ["policy.redAfterDays", "policy.redAfterDaysHint"],
  coordinateRetentionDays: ["policy.coordinateRetentionDays", "policy.coordinateRetentionDaysHint"],
  accuracyLimitM: ["policy.accuracyLimitM", "policy.accuracyLimitMHint"],
};
const NUMBERS = Object.keys(LABELS);

function numberField(name, bounds, value) {
  const input = h("input", {
    type: "number",
    class: "input input--short",
    name,
    value: String(value),
    attrs: { min: String(bounds.min), max: String(bounds.max), step: "1", inputmode: "numeric" },
  });
  const [label, hint] = LABELS[name];
  const field = labelled(label, input, { hint });
  const range = h("p", { class: "field__hint policy-range", id: `${input.id}-range` });
  translate(range, "policy.range", { min: bounds.min, max: bounds.max, default: bounds.default });
  // The range sits under the box and is read with it (after the hint).
  input.after(range);
  input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") ?? ""} ${range.id}`.trim());
  return field;
}

function textField(key, name, value, type = "text") {
  const input = h("input", { type, class: "input", name, value: value ?? "", attrs: { autocomplete: "off" } });
  return labelled(key, input);
}

export const adminPolicyView = {
  title: "policy.title",
  async render() {
    const data = await api.get("/api/attendance/policy");
    const alert = formAlert();
    const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const fields = Object.fromEntries(NUMBERS.map((name) => [name, numberField(name, data.bounds[name], data.settings[name])]));
    const save = h("button", { type: "submit", class: "button button--primary", t: "policy.save" });
    const settingsTitle = uniqueId("policy-settings");
    const form = h(
      "form",
      { class: "card policy-form", attrs: { "aria-labelledby": settingsTitle, novalidate: true } },
      h("h2", { id: settingsTitle, t: "policy.rulesTitle" }),
      alert.element,
      ...NUMBERS.map((name) => fields[name].element),
      save,
      status,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(save, async () => {
        alert.clear();
        status.hidden = true;
        const body = {};
        let bad = null;
        for (const name of NUMBERS) {
          const field = fields[name];
          field.clear();
          const value = Number(field.control.value);
          const { min, max } = data.bounds[name];
          if (field.control.value.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
            field.setError({ key: "policy.outOfRange" });
            bad ??= field;
          } else body[name] = value;
        }
        if (!bad && body.yellowAfterDays > body.redAfterDays) {
          fields.yellowAfterDays.setError({ key: "policy.yellowAfterRed" });
          bad = fields.yellowAfterDays;
        }
        if (bad) {
          bad.control.focus();
          return;
        }
        try {
          const saved = await api.put("/api/attendance/settings", body);
          for (const name of NUMBERS) fields[name].control.value = String(saved[name]);
          translate(status, "policy.saved");
          status.hidden = false;
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          alert.show(problemText(error));
        }
      });
    });
    return h(
      "section",
      { class: "page policy" },
      h("header", { class: "page__header" }, h("h1", { class: "page__title", t: "policy.title" })),
      form,
      senderSection(data.mailSender),
    );
  },
};

function senderSection(sender) {
  const titleId = uniqueId("policy-sender");
  const alert = formAlert();
  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const address = textField("policy.senderAddress", "fromAddress", sender?.fromAddress, "email");
  const name = textField("policy.senderName", "fromName", sender?.fromName);
  const save = h("button", { type: "submit", class: "button button--primary", t: "policy.senderSave" });
  const reset = h("button", { type: "button", class: "button button--secondary", t: "policy.senderReset" });
  const form = h(
    "form",
    { class: "card policy-form", attrs: { "aria-labelledby": titleId, novalidate: true } },
    h("h2", { id: titleId, t: "policy.senderTitle" }),
    h("p", { class: "field__hint", t: "policy.senderHint" }),
    alert.element,
    address.element,
    name.element,
    h("div", { class: "button-row" }, save, reset),
    status,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(save, async () => {
      alert.clear();
      address.clear();
      name.clear();
      status.hidden = true;
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address.control.value.trim())) {
        address.setError({ key: "policy.senderAddressInvalid" });
        address.control.focus();
        return;
      }
      if (!name.control.value.trim()) {
        name.setError({ key: "policy.senderNameRequired" });
        name.control.focus();
        return;
      }
      try {
        await api.put("/api/attendance/policy/mail-sender", {
          fromAddress: address.control.value.trim(),
          fromName: name.control.value.trim(),
        });
        translate(status, "policy.senderSaved");
        status.hidden = false;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        alert.show(problemText(error));
      }
    });
  });
  reset.addEventListener("click", () =>
    busy(reset, async () => {
      alert.clear();
      try {
        await api.del("/api/attendance/policy/mail-sender");
        address.control.value = "";
        name.control.value = "";
        translate(status, "policy.senderRemoved");
        status.hidden = false;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        alert.show(problemText(error));
      }
    }),
  );
  return form;
}
