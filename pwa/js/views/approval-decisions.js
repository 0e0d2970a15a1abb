// What the sections of the approvals page share when the supervisor decides (movement slips,
// attendance issues): the decision note (optional to approve, required to reject, its error
// linked to the field), the "select several" check boxes, and sending a decision (the button
// says "please wait"; a 404 or 409 is explained and the list refreshed; the result announced).

import { api, ApiError } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { badge } from "../attendance.js";
import { busy, problemText } from "../forms.js";
import { translate } from "../i18n.js";

/** The note field of a section: {element, input, value(), reset(), clear(), check(decision)}. */
export function decisionNote({ name, labelKey, hintKey = "approvals.noteHint" }) {
  const id = uniqueId(name);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const input = h("textarea", {
    id,
    name,
    class: "input textarea",
    rows: 2,
    attrs: { maxlength: "500", "aria-describedby": hintId },
  });
  const error = h("p", { class: "field__error", id: errorId, hidden: true });
  const element = h(
    "div",
    { class: "field" },
    h("label", { class: "field__label", htmlFor: id, t: labelKey }),
    h("p", { class: "field__hint", id: hintId, t: hintKey }),
    input,
    error,
  );

  function clear() {
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", hintId);
  }

  /** False, with the error shown and the focus on the note, when rejecting without one. */
  function check(decision) {
    clear();
    if (decision !== "rejected" || input.value.trim()) return true;
    translate(error, "approvals.noteRequired");
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", `${hintId} ${errorId}`);
    input.focus();
    return false;
  }

  return {
    element,
    input,
    value: () => input.value.trim(),
    reset: () => {
      input.value = "";
    },
    clear,
    check,
  };
}

/**
 * Check boxes to decide several at once in `list` (each `.approval__select` with the id as its
 * value): {selectAll (element), ids(), update()}; update() after the list is redrawn.
 * `onChange(count)` hears every change of the selection.
 */
export function selection(list, { onChange }) {
  const id = uniqueId("select-all");
  const box = h("input", {
    type: "checkbox",
    id,
    class: "checkbox__input",
    on: {
      change: () => {
        for (const item of boxes()) item.checked = box.checked;
        update();
      },
    },
  });
  list.addEventListener("change", (event) => {
    if (event.target.classList?.contains("approval__select")) update();
  });

  function boxes() {
    return [...list.querySelectorAll(".approval__select")];
  }

  function ids() {
    return boxes()
      .filter((item) => item.checked)
      .map((item) => Number(item.value));
  }

  function update() {
    const all = boxes();
    const chosen = all.filter((item) => item.checked).length;
    box.checked = all.length > 0 && chosen === all.length;
    box.indeterminate = chosen > 0 && chosen < all.length;
    onChange(chosen);
  }

  const selectAll = h(
    "div",
    { class: "checkbox" },
    box,
    h("label", { class: "checkbox__label", htmlFor: id, t: "approvals.selectAll" }),
  );
  return { selectAll, ids, update };
}

/**
 * Sends `decision` on `ids` to `path` ({ids, decision, note}). `note` is a decisionNote,
 * `alert` a formAlert, `status` the section's role=status paragraph; `reload()` reads the list
 * again. Returns true when decided.
 */
export async function sendDecision({ path, ids, decision, note, button, alert, status, reload }) {
  alert.clear();
  status.hidden = true;
  if (!ids.length || !note.check(decision)) return false;
  let done;
  try {
    done = await busy(button, () => api.post(path, { ids, decision, note: note.value() }));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    alert.show(problemText(error));
    // Decided meanwhile (409), or no longer this person's to decide (404): refresh.
    if (error.status === 404 || error.status === 409) await reload();
    return false;
  }
  note.reset();
  await reload();
  const count = done?.decided?.length ?? ids.length;
  translate(status, decision === "approved" ? "approvals.approvedDone" : "approvals.rejectedDone", { count });
  status.hidden = false;
  status.tabIndex = -1;
  status.focus();
  return true;
}

/** The items waiting at `path`, or null when they cannot be read (the section is left out). */
export async function waitingItems(path) {
  try {
    return await api.get(path);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return null;
  }
}

/** "Escalated to you", or the yellow / red card of an item left unanswered. */
export function escalationBadges(item, { red, yellow }) {
  if (item.escalated) return [badge("approvals.escalated", "bad")];
  if (item.escalation === "red") return [badge(red, "bad")];
  if (item.escalation === "yellow") return [badge(yellow, "warn")];
  return [];
}

/**
 * Approve and reject buttons for one item; their names say whose item and when. The item has
 * its own note (optional to approve, required to reject), shown by "Tambah catatan" or by
 * "Tolak" itself when it is still empty: the note is asked on the item, where the decision is
 * taken. `decide(decision, button, note)` gets that item's note.
 */
export function decisionButtons(args, decide, { noteLabelKey = "approvals.noteLabel" } = {}) {
  const note = decisionNote({ name: "item-note", labelKey: noteLabelKey });
  note.element.hidden = true;
  note.element.classList.add("approval__note");
  const addNote = h("button", {
    type: "button",
    class: "button button--link button--small",
    t: "approvals.addNote",
    attrs: { "aria-expanded": "false" },
    on: { click: () => showNote() },
  });

  function showNote() {
    note.element.hidden = false;
    addNote.hidden = true;
    addNote.setAttribute("aria-expanded", "true");
    note.input.focus();
  }

  return h(
    "div",
    { class: "approval__decision" },
    note.element,
    h(
      "div",
      { class: "button-row button-row--tight" },
      h("button", {
        type: "button",
        class: "button button--primary button--small",
        t: "approvals.approveOne",
        args,
        tAttrs: { "aria-label": "approvals.approveFor" },
        on: { click: (event) => decide("approved", event.currentTarget, note) },
      }),
      h("button", {
        type: "button",
        class: "button button--secondary button--danger button--small",
        t: "approvals.rejectOne",
        args,
        tAttrs: { "aria-label": "approvals.rejectFor" },
        on: {
          click: (event) => {
            if (note.element.hidden) {
              note.element.hidden = false;
              addNote.hidden = true;
            }
            decide("rejected", event.currentTarget, note);
          },
        },
      }),
      addNote,
    ),
  );
}

/**
 * The note of "reject the selected ones": hidden until that button is first pressed, then
 * shown next to it and focused (the note is asked where the decision is taken).
 * Returns true when the note was already shown (the decision may go ahead).
 */
export function revealBulkNote(note) {
  if (!note.element.hidden) return true;
  note.element.hidden = false;
  note.input.focus();
  return false;
}

/** A section's heading with its count: "Slip pergerakan (3)". */
export function sectionHeading(id, key, count) {
  return h(
    "h2",
    { id, class: "approvals__section-title" },
    h("span", { t: key }),
    " ",
    h("span", { class: "approvals__section-count", text: `(${count})` }),
  );
}
