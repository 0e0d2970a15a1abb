// Form pieces shared by the screens: labelled fields whose errors are linked to the input
// (aria-describedby + aria-invalid), a form-level alert that is announced, the password
// show/hide toggle and the language switch.

import { h, icon, uniqueId } from "./dom.js";
import { language, LANGUAGES, setLanguage, translate } from "./i18n.js";

function describedBy(input, ids) {
  const value = ids.filter(Boolean).join(" ");
  if (value) input.setAttribute("aria-describedby", value);
  else input.removeAttribute("aria-describedby");
}

/**
 * A labelled input. Returns {element, input, setError, clearError}.
 * setError({key}) shows a catalogue message (re-translated on a language switch);
 * setError({text}) shows a message the server already localised.
 */
export function field({ label, name, type = "text", hint, autocomplete, inputmode, required, value, extra }) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h("input", {
    id,
    name,
    type,
    class: "input",
    attrs: {
      autocomplete,
      inputmode,
      required: required || null,
      "aria-required": required ? "true" : null,
      autocapitalize: type === "password" || autocomplete === "username" ? "none" : null,
      spellcheck: type === "password" || autocomplete === "username" ? "false" : null,
    },
  });
  if (value !== undefined) input.value = value;
  const error = h("p", { class: "field__error", id: errorId, hidden: true });
  const control = extra ? h("div", { class: "field__control" }, input, extra(input)) : input;
  const element = h(
    "div",
    { class: "field" },
    h("label", { class: "field__label", htmlFor: id, t: label }),
    hint ? h("p", { class: "field__hint", id: hintId, t: hint }) : null,
    control,
    error,
  );
  describedBy(input, [hintId]);

  function setError({ key, text }) {
    if (key) translate(error, key);
    else {
      delete error.dataset.i18n;
      error.textContent = text;
    }
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    describedBy(input, [hintId, errorId]);
  }

  function clearError() {
    error.hidden = true;
    error.textContent = "";
    delete error.dataset.i18n;
    input.removeAttribute("aria-invalid");
    describedBy(input, [hintId]);
  }

  return { element, input, setError, clearError };
}

/** A password field with a show/hide toggle button right after the input. */
export function passwordField(options) {
  return field({
    ...options,
    type: "password",
    extra: (input) => {
      const toggle = h(
        "button",
        {
          type: "button",
          class: "field__toggle",
          attrs: { "aria-pressed": "false", "aria-controls": input.id },
          tAttrs: { "aria-label": "password.show" },
          on: {
            click: () => {
              const showing = input.type === "text";
              input.type = showing ? "password" : "text";
              toggle.setAttribute("aria-pressed", String(!showing));
              toggle.replaceChildren(icon(showing ? "eye" : "eyeOff"));
            },
          },
        },
        icon("eye"),
      );
      return toggle;
    },
  });
}

/** The form-level message: role="alert" so it is announced as soon as it is shown. */
export function formAlert() {
  const element = h("div", { class: "alert alert--error", attrs: { role: "alert" }, hidden: true });
  return {
    element,
    show({ key, text }) {
      element.hidden = false;
      if (key) translate(element, key);
      else {
        delete element.dataset.i18n;
        element.textContent = text;
      }
    },
    clear() {
      element.hidden = true;
      element.textContent = "";
      delete element.dataset.i18n;
    },
  };
}

/** The text for an ApiError: the server's localised detail, or ours when it gave none. */
export function problemText(error) {
  if (error?.isNetwork) return { key: "error.network" };
  if (error?.detail) return { text: error.detail };
  return { key: "error.unexpected" };
}

/** Disables a submit button while work runs, with a "please wait" label. */
export async function busy(button, work) {
  const key = button.dataset.i18n;
  const args = button.dataset.i18nArgs ? JSON.parse(button.dataset.i18nArgs) : undefined;
  // A disabled button loses focus; give it back afterwards so keyboard users stay in place.
  const hadFocus = document.activeElement === button;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  translate(button, "common.wait");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    translate(button, key, args);
    const active = document.activeElement;
    if (hadFocus && document.contains(button) && (!active || active === document.body)) button.focus();
  }
}

/** Malay / English, as a radio group; the choice applies at once. */
export function languageSwitch() {
  const name = uniqueId("language");
  const options = LANGUAGES.map((lang) => {
    const id = `${name}-${lang}`;
    const input = h("input", {
      type: "radio",
      name,
      id,
      value: lang,
      class: "segmented__input",
      checked: language() === lang,
      attrs: { lang },
      on: { change: () => setLanguage(lang) },
    });
    const label = h("label", { htmlFor: id, class: "segmented__label", t: `language.${lang}`, attrs: { lang } });
    return [input, label];
  });
  const fieldset = h(
    "fieldset",
    { class: "segmented" },
    h("legend", { class: "segmented__legend" }, icon("language", "icon icon--small"), h("span", { t: "language.label" })),
    h("div", { class: "segmented__options" }, options),
  );
  return fieldset;
}


const MALAYSIA = "Asia/Kuala_Lumpur";

/** An ISO instant or a Date -> "YYYY-MM-DDTHH:MM" in Malaysian time, for
 * <input type="datetime-local"> ("" for none). */
export function localDateTimeValue(moment) {
  if (!moment) return "";
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: MALAYSIA,
    })
      .formatToParts(new Date(moment))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** "YYYY-MM-DDTHH:MM" Malaysian wall-clock time -> ISO with the +08:00 offset ("" if empty). */
export function isoFromLocal(local) {
  return local ? `${local}:00+08:00` : "";
}

/**
 * A labelled control (input, select, textarea) with an optional hint and an error linked to it:
 * {element, control, setError({key} | {text}), clear()}. `field()` builds its own <input>; this
 * wraps a control made by the caller.
 */
export function labelled(labelKey, control, { hint, required } = {}) {
  const id = control.id || uniqueId("field");
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const error = h("p", { class: "field__error", id: errorId, hidden: true });
  if (required) {
    control.required = true;
    control.setAttribute("aria-required", "true");
  }
  const describe = (ids) => {
    const value = ids.filter(Boolean).join(" ");
    if (value) control.setAttribute("aria-describedby", value);
    else control.removeAttribute("aria-describedby");
  };
  describe([hintId]);
  return {
    control,
    element: h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: id, t: labelKey }),
      hint ? h("p", { class: "field__hint", id: hintId, t: hint }) : null,
      control,
      error,
    ),
    setError({ key, text }) {
      if (key) translate(error, key);
      else {
        delete error.dataset.i18n;
        error.textContent = text;
      }
      error.hidden = false;
      control.setAttribute("aria-invalid", "true");
      describe([hintId, errorId]);
    },
    clear() {
      error.hidden = true;
      error.textContent = "";
      delete error.dataset.i18n;
      control.removeAttribute("aria-invalid");
      describe([hintId]);
    },
  };
}

// ---------------------------------------------------------------- Malaysian dates
// A native <input type="date"> shows the browser's format (mm/dd/yyyy on an English-US
// phone). A date is typed as dd/mm/yyyy instead, the same on every phone and at 360 px; the
// code reads and writes ISO dates through isoDate() / setIsoDate().

const DMY = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/;
const YMD = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/;

/** "2026-10-05" -> "05/10/2026" ("" for none). */
export function dmyFromIso(iso) {
  const match = YMD.exec(iso ?? "");
  return match ? `${match[3]}/${match[2]}/${match[1]}` : "";
}

/** The ISO date typed in a dateInput (dd/mm/yyyy; an ISO date is taken too), "" when empty,
 * null when it is not a real date. */
export function isoDate(input) {
  const text = input.value.trim();
  if (!text) return "";
  let y, m, d;
  const iso = YMD.exec(text);
  const dmy = DMY.exec(text);
  if (iso) [, y, m, d] = iso.map(Number);
  else if (dmy) [, d, m, y] = dmy.map(Number);
  else return null;
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function setIsoDate(input, iso) {
  input.value = dmyFromIso(iso);
}

/** A text input for a date typed dd/mm/yyyy; `hint` says so (the caller places it and links
 * it with aria-describedby, see `describedDateInput`). */
export function dateInput({ id = uniqueId("date"), value = "", required = false } = {}) {
  const hintId = `${id}-format`;
  const input = h("input", {
    id,
    type: "text",
    class: "input input--date",
    value: dmyFromIso(value),
    attrs: {
      inputmode: "numeric",
      autocomplete: "off",
      maxlength: "10",
      required,
    },
    tAttrs: { placeholder: "date.placeholder" },
  });
  const hint = h("span", { class: "field__hint field__hint--inline", id: hintId, t: "date.format" });
  return { input, hint };
}

/** dateInput with its hint linked: {input, hint} ready to place. */
export function describedDateInput(options) {
  const { input, hint } = dateInput(options);
  input.setAttribute("aria-describedby", hint.id);
  return { input, hint };
}

/** A labelled dd/mm/yyyy date field: labelled()'s {element, control, setError, clear} with
 * iso() ("YYYY-MM-DD", "" when empty, null when not a date) and setIso(iso). */
export function dateField(labelKey, { value = "", required = false, hint = "date.format" } = {}) {
  const { input } = dateInput({ value, required });
  const result = labelled(labelKey, input, { hint, required });
  return { ...result, input, iso: () => isoDate(input), setIso: (iso) => setIsoDate(input, iso) };
}

// ---------------------------------------------------------------- 24-hour times
// A native <input type="time"> shows 12-hour times with AM/PM on many phones. A time is typed
// hh:mm on a 24-hour clock instead ("930", "9.30" and "09:30" all read as 09:30).

const HM = /^\s*(\d{1,2})(?:[:.h]?(\d{2}))?\s*$/;

/** The "HH:MM" typed in a timeInput, "" when empty, null when it is not a time of day. */
export function isoTime(input) {
  const text = input.value.trim();
  if (!text) return "";
  const match = HM.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2] ?? 0);
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

/** A text input for a 24-hour time (hh:mm); written back as hh:mm when it is left. */
export function timeInput({ id = uniqueId("time"), value = "", required = false } = {}) {
  const input = h("input", {
    id,
    type: "text",
    class: "input input--time",
    value,
    attrs: { inputmode: "numeric", autocomplete: "off", maxlength: "5", required },
    tAttrs: { placeholder: "time.placeholder" },
  });
  input.addEventListener("blur", () => {
    const time = isoTime(input);
    if (time) input.value = time;
  });
  return input;
}

/** A labelled 24-hour time field: {element, control, setError, clear, time()}. */
export function timeField(labelKey, { value = "", required = false, hint = "time.format" } = {}) {
  const input = timeInput({ value, required });
  const result = labelled(labelKey, input, { hint, required });
  return { ...result, input, time: () => isoTime(input) };
}

/**
 * A date and a time in Malaysia (dd/mm/yyyy and a 24-hour hh:mm) under one label, for a
 * moment such as the start of a movement slip or a meeting: {element, control (the date, to
 * focus), setError, clear, local() -> "YYYY-MM-DDTHH:MM" ("" when both are empty, null when
 * either is missing or not valid), setLocal(local)}. isoFromLocal() turns local() into ISO.
 */
export function dateTimeField(labelKey, { value = "", required = false, hint } = {}) {
  const legendId = uniqueId("when");
  const errorId = `${legendId}-error`;
  const hintId = hint ? `${legendId}-hint` : null;
  const formatId = `${legendId}-format`;
  // One format line for both parts (not one per input): the form stays short on a phone.
  const date = dateField("date.label", { required, hint: null });
  const time = timeField("time.label", { required, hint: null });
  const error = h("p", { class: "field__error", id: errorId, hidden: true });
  const inputs = [date.input, time.input];
  const ownHints = new Map(inputs.map((input) => [input, input.getAttribute("aria-describedby")]));
  const describe = (withError) => {
    for (const input of inputs) {
      const ids = [ownHints.get(input), hintId, formatId, withError ? errorId : null].filter(Boolean).join(" ");
      input.setAttribute("aria-describedby", ids);
      if (withError) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  };
  const element = h(
    "fieldset",
    { class: "field datetime-field", attrs: { "aria-labelledby": legendId } },
    h("legend", { class: "field__label", id: legendId, t: labelKey }),
    hint ? h("p", { class: "field__hint", id: hintId, t: hint }) : null,
    h("p", { class: "field__hint", id: formatId, t: "dateTime.format" }),
    h("div", { class: "datetime-field__parts" }, date.element, time.element),
    error,
  );
  describe(false);

  function setLocal(local) {
    const [day = "", clock = ""] = (local ?? "").split("T");
    date.setIso(day);
    time.input.value = clock.slice(0, 5);
  }
  setLocal(value);

  return {
    element,
    control: date.input,
    dateInput: date.input,
    timeInput: time.input,
    setLocal,
    local() {
      const day = date.iso();
      const clock = time.time();
      if (day === "" && clock === "") return "";
      return day && clock ? `${day}T${clock}` : null;
    },
    setError({ key, text }) {
      if (key) translate(error, key);
      else {
        delete error.dataset.i18n;
        error.textContent = text;
      }
      error.hidden = false;
      describe(true);
    },
    clear() {
      error.hidden = true;
      error.textContent = "";
      delete error.dataset.i18n;
      describe(false);
    },
  };
}
