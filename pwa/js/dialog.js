// Modal dialogs built on <dialog>: focus moves into the dialog, Escape closes it, and focus
// returns to the control that opened it.

import { h, uniqueId } from "./dom.js";

/** build(close) returns the dialog's content (after its title); close(value) ends it. */
export function openDialog({ labelKey, args, build, opener = document.activeElement }) {
  const titleId = uniqueId("dialog-title");
  const dialog = h("dialog", { class: "dialog", attrs: { "aria-labelledby": titleId } });
  const close = (value) => dialog.close(value);
  dialog.append(h("h2", { class: "dialog__title", id: titleId, t: labelKey, args }), ...build(close));
  document.body.append(dialog);
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && document.contains(opener)) opener.focus();
  });
  dialog.showModal();
  return dialog;
}

/**
 * "Are you sure?": resolves true when confirmed. Focus starts on Cancel (the safe choice).
 * danger: the confirm button is styled as destructive.
 */
export function confirmDialog({ titleKey, textKey, args, confirmKey, danger = false, opener }) {
  return new Promise((resolve) => {
    openDialog({
      labelKey: titleKey,
      args,
      opener,
      build: (close) => {
        const confirm = h("button", {
          type: "button",
          class: danger ? "button button--danger-solid" : "button button--primary",
          t: confirmKey,
          on: { click: () => close("yes") },
        });
        const cancel = h("button", {
          type: "button",
          class: "button button--secondary",
          t: "common.cancel",
          on: { click: () => close("no") },
        });
        queueMicrotask(() => cancel.focus());
        return [
          h("p", { class: "dialog__text", t: textKey, args }),
          h("div", { class: "button-row button-row--end" }, cancel, confirm),
        ];
      },
    }).addEventListener("close", (event) => resolve(event.target.returnValue === "yes"));
  });
}
