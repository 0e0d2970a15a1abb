// The officer's reason for a check-in waiting for the supervisor (mode and a note): asked right
// after the tap, and again wherever a pending check-in is shown (Home's today card, My
// attendance), to give it later or replace it until the supervisor decides
// (PATCH /api/attendance/check-ins/{id}; 409 once decided).

import { api, ApiError } from "./api.js";
import { modeChoice } from "./attendance.js";
import { announce, h, uniqueId } from "./dom.js";
import { busy, formAlert, problemText } from "./forms.js";
import { translate } from "./i18n.js";
import { refreshWaiting } from "./waiting.js";

export function checkInReasonForm(checkIn, { onSent } = {}) {
  const formTitle = uniqueId("reason-title");
  const noteId = uniqueId("reason-note");
  // Inside the office yet pending: a tap sent after its day (or dated ahead of the server),
  // or the passkey confirmation the agency requires is missing; either way the reason is
  // not about where the officer was.
  const codes = new Set((checkIn.findings ?? []).map((f) => f.code));
  const lateTap = codes.has("synced_after_day") || codes.has("clock_ahead");
  const passkeyOnly = checkIn.verdict?.status === "inside";
  const mode = modeChoice(checkIn.mode ?? (passkeyOnly ? "other" : undefined));
  const note = h("textarea", {
    id: noteId,
    name: "note",
    class: "input textarea",
    rows: 3,
    attrs: { required: true, "aria-required": "true", maxlength: "500", "aria-describedby": `${noteId}-hint` },
  });
  note.value = checkIn.note ?? "";
  const noteError = h("p", { class: "field__error", id: `${noteId}-error`, hidden: true });
  const alert = formAlert();
  const submit = h("button", { type: "submit", class: "button button--primary", t: "attReason.submit" });
  const form = h(
    "form",
    { class: "form reason-form", attrs: { novalidate: true, "aria-labelledby": formTitle } },
    h("h3", { class: "reason-form__title", id: formTitle, t: "attReason.title" }),
    h("p", { class: "card__text", t: lateTap ? "attReason.leadLateTap" : passkeyOnly ? "attReason.leadPasskey" : "attReason.lead" }),
    alert.element,
    mode.element,
    h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: noteId, t: "attReason.noteLabel" }),
      h("p", { class: "field__hint", id: `${noteId}-hint`, t: "attReason.noteHint" }),
      note,
      noteError,
    ),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.clear();
    const text = note.value.trim();
    if (text.length < 3) {
      translate(noteError, "attReason.noteRequired");
      noteError.hidden = false;
      note.setAttribute("aria-invalid", "true");
      note.setAttribute("aria-describedby", `${noteId}-hint ${noteId}-error`);
      note.focus();
      return;
    }
    noteError.hidden = true;
    note.removeAttribute("aria-invalid");
    note.setAttribute("aria-describedby", `${noteId}-hint`);
    try {
      await busy(submit, () => api.patch(`/api/attendance/check-ins/${checkIn.id}`, { mode: mode.value(), note: text }));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      alert.show(problemText(error));
      return;
    }
    const done = h("p", { class: "alert alert--success", attrs: { tabindex: "-1" }, t: "attReason.sent" });
    form.replaceWith(done);
    done.focus();
    announce("attReason.sent");
    refreshWaiting({ force: true });
    await onSent?.();
  });
  return form;
}

