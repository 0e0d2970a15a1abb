// The officer's own profile (the contact details their agency lets them change; the rest comes
// from HR through the administrator) and acting supervisors: a supervisor names a colleague to
// decide in their place for a date range, and sees the ranges they act in.

import { api } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, dateInput, dmyFromIso, formAlert, isoDate, labelled, problemText } from "../forms.js";
import { translate } from "../i18n.js";
import { currentUser } from "../session.js";

const EDITABLE = [
  ["phone", "person.phone", "tel", 32],
  ["email", "person.email", "email", 255],
  ["title", "person.title", "text", 64],
];

function readOnlyRow(labelKey, value) {
  return h("div", { class: "details__row" }, h("dt", { t: labelKey }), h("dd", { text: value || "—" }));
}

function renderDetails(profile) {
  return h(
    "dl",
    { class: "details details--compact" },
    readOnlyRow("person.name", profile.name),
    readOnlyRow("person.loginId", profile.loginId),
    readOnlyRow("person.position", [profile.position, profile.grade].filter(Boolean).join(", ")),
    readOnlyRow("person.unit", profile.unitName),
    readOnlyRow("person.supervisor", profile.supervisorName),
  );
}

function renderProfileForm(profile, onSaved) {
  const alert = formAlert();
  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true, tabIndex: -1 });
  const fields = {};
  for (const [name, key, type, maxlength] of EDITABLE) {
    if (!profile.editable.includes(name)) continue;
    fields[name] = labelled(key, h("input", { name, type, class: "input", value: profile[name] ?? "", attrs: { maxlength, autocomplete: name === "email" ? "email" : "tel" } }));
  }
  if (!Object.keys(fields).length) return h("p", { class: "card__text", t: "profile.nothingEditable" });
  const save = h("button", { type: "submit", class: "button button--primary", t: "person.save" });
  async function onSubmit(event) {
    event.preventDefault();
    alert.clear();
    status.hidden = true;
    Object.values(fields).forEach((f) => f.clear());
    const body = Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.control.value.trim()]));
    try {
      const saved = await busy(save, () => api.patch("/api/me/profile", body));
      onSaved(saved);
      status.hidden = false;
      translate(status, "profile.saved");
      status.focus();
    } catch (error) {
      for (const item of error.errors ?? []) if (fields[item.field] && item.message) fields[item.field].setError({ text: item.message });
      alert.show(problemText(error));
    }
  }
  return h(
    "form",
    { class: "form", noValidate: true, on: { submit: onSubmit } },
    alert.element,
    status,
    Object.values(fields).map((f) => f.element),
    profile.editable.includes("email") ? h("p", { class: "field__hint", t: "profile.emailHint" }) : null,
    h("div", { class: "button-row" }, save),
  );
}

function renderActingList(ranges, me, reload) {
  if (!ranges.length) return h("p", { class: "card__text", t: "acting.none" });
  return h(
    "ul",
    { class: "items" },
    ranges.map((range) => {
      const mine = range.supervisorId === me;
      const cancel = mine && !range.cancelled
        ? h("button", {
            type: "button",
            class: "button button--secondary button--small",
            t: "acting.cancel",
            on: {
              click: async (event) => {
                await busy(event.currentTarget, () => api.del(`/api/acting/${range.id}`));
                await reload();
              },
            },
          })
        : null;
      return h(
        "li",
        { class: "item" },
        h("span", { class: "item__name", t: mine ? "acting.youNamed" : "acting.youAct", args: { name: mine ? range.actingName : range.supervisorName } }),
        h("p", { class: "item__meta", t: "acting.range", args: { from: dmyFromIso(range.startsOn), to: dmyFromIso(range.endsOn) } }),
        range.cancelled ? h("p", { class: "item__meta", t: "acting.cancelled" }) : null,
        cancel,
      );
    }),
  );
}

function renderActingForm(reload) {
  const alert = formAlert();
  const chosen = { id: null };
  const who = h("input", { type: "search", class: "input", attrs: { autocomplete: "off", maxlength: 100 } });
  const whoField = labelled("acting.who", who, { hint: "acting.whoHint", required: true });
  const matches = h("div", { class: "person-picker__results", attrs: { role: "group", "aria-live": "polite" } });
  let timer = null;
  who.addEventListener("input", () => {
    chosen.id = null;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = who.value.trim();
      if (q.length < 2) return matches.replaceChildren();
      const people = await api.get("/api/me/colleagues", { q }).catch(() => []);
      matches.replaceChildren(
        ...people.map((p) =>
          h("button", {
            type: "button",
            class: "button button--secondary button--small",
            text: [p.name, p.grade].filter(Boolean).join(", "),
            on: {
              click: () => {
                chosen.id = p.id;
                who.value = p.name;
                matches.replaceChildren();
              },
            },
          }),
        ),
      );
    }, 250);
  });
  const from = dateInput({ id: uniqueId("acting-from"), required: true });
  const to = dateInput({ id: uniqueId("acting-to"), required: true });
  const fromField = labelled("acting.from", from.input, { required: true });
  const toField = labelled("acting.to", to.input, { required: true });
  from.input.setAttribute("aria-describedby", from.hint.id);
  to.input.setAttribute("aria-describedby", to.hint.id);
  const reason = labelled("acting.reason", h("input", { type: "text", class: "input", attrs: { maxlength: 255 } }));
  const save = h("button", { type: "submit", class: "button button--primary", t: "acting.save" });
  async function onSubmit(event) {
    event.preventDefault();
    alert.clear();
    [whoField, fromField, toField].forEach((f) => f.clear());
    const startsOn = isoDate(from.input);
    const endsOn = isoDate(to.input);
    if (!chosen.id) whoField.setError({ key: "acting.pickSomeone" });
    if (!startsOn) fromField.setError({ key: startsOn === null ? "date.invalid" : "person.required" });
    if (!endsOn) toField.setError({ key: endsOn === null ? "date.invalid" : "person.required" });
    if (!chosen.id || !startsOn || !endsOn) return;
    try {
      await busy(save, () => api.post("/api/me/acting", { actingId: chosen.id, startsOn, endsOn, reason: reason.control.value.trim() }));
      who.value = "";
      chosen.id = null;
      await reload();
    } catch (error) {
      alert.show(problemText(error));
    }
  }
  return h(
    "form",
    { class: "form", noValidate: true, on: { submit: onSubmit } },
    alert.element,
    whoField.element,
    matches,
    h("div", { class: "person-form__grid" }, h("div", {}, fromField.element, from.hint), h("div", {}, toField.element, to.hint)),
    reason.element,
    h("div", { class: "button-row" }, save),
  );
}

export const myProfileView = {
  title: "profile.title",
  async render() {
    const profileBody = h("div", {});
    const actingList = h("div", { attrs: { "aria-live": "polite" } });
    const alert = formAlert();
    let me = null;

    async function reloadActing() {
      const ranges = await api.get("/api/me/acting");
      actingList.replaceChildren(renderActingList(ranges, me, reloadActing));
    }

    try {
      const profile = await api.get("/api/me/profile");
      me = currentUser()?.id ?? null;
      const details = h("div", {}, renderDetails(profile));
      profileBody.replaceChildren(details, renderProfileForm(profile, (saved) => details.replaceChildren(renderDetails(saved))));
      await reloadActing();
    } catch (error) {
      alert.show(problemText(error));
    }

    return h(
      "section",
      { class: "page" },
      h("header", { class: "page__header" }, h("h1", { class: "page__title", t: "profile.title" }), h("p", { class: "page__lead", t: "profile.lead" })),
      alert.element,
      h("section", { class: "card", attrs: { "aria-labelledby": "profile-details" } }, h("h2", { class: "card__title", id: "profile-details", t: "profile.details" }), profileBody),
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": "acting-title" } },
        h("h2", { class: "card__title", id: "acting-title", t: "acting.title" }),
        h("p", { class: "card__text", t: "acting.lead" }),
        actingList,
        renderActingForm(reloadActing),
      ),
    );
  },
};
