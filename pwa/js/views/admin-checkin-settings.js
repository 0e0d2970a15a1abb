// The agency's check-in settings for its administrator (shown on the agency calendar screen):
// a switch "check-ins must be confirmed with a passkey", saved at once, and the late-sync grace
// in hours (how long after the end of its day an offline check-in may arrive before the
// supervisor must look at it), saved with its button. Both go to PUT /api/attendance/settings,
// audited by the server; on failure the value goes back and the reason is shown.

import { api, ApiError } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, formAlert, labelled, problemText } from "../forms.js";
import { translate } from "../i18n.js";

export async function checkInSettingsSection() {
  const titleId = uniqueId("checkin-settings-title");
  const switchId = uniqueId("passkey-required");
  const hintId = `${switchId}-hint`;
  const alert = formAlert();
  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const toggle = h("input", {
    type: "checkbox",
    id: switchId,
    class: "checkbox__input",
    attrs: { role: "switch", "aria-describedby": hintId },
  });
  const grace = labelled(
    "adminCheckIn.graceLabel",
    h("input", { type: "number", class: "input", attrs: { min: "0", max: "48", step: "0.5", inputmode: "decimal" } }),
    { hint: "adminCheckIn.graceHint" },
  );
  const saveGrace = h("button", { type: "button", class: "button button--secondary", t: "adminCheckIn.graceSave" });
  let savedGraceMinutes = 120;
  try {
    const settings = await api.get("/api/attendance/settings");
    toggle.checked = Boolean(settings.passkeyRequired);
    savedGraceMinutes = settings.lateSyncGraceMinutes ?? 120;
    grace.control.value = String(savedGraceMinutes / 60);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    alert.show(problemText(error));
    toggle.disabled = true;
    saveGrace.disabled = true;
  }
  saveGrace.addEventListener("click", () =>
    busy(saveGrace, async () => {
      alert.clear();
      grace.clear();
      status.hidden = true;
      const hours = Number(grace.control.value);
      if (grace.control.value.trim() === "" || !Number.isFinite(hours) || hours < 0 || hours > 48) {
        grace.setError({ key: "adminCheckIn.graceInvalid" });
        grace.control.focus();
        return;
      }
      try {
        const saved = await api.put("/api/attendance/settings", { lateSyncGraceMinutes: Math.round(hours * 60) });
        savedGraceMinutes = saved.lateSyncGraceMinutes;
        grace.control.value = String(savedGraceMinutes / 60);
        translate(status, "adminCheckIn.graceSaved", { hours: savedGraceMinutes / 60 });
        status.hidden = false;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        grace.control.value = String(savedGraceMinutes / 60);
        alert.show(problemText(error));
      }
    }),
  );
  toggle.addEventListener("change", async () => {
    const wanted = toggle.checked;
    alert.clear();
    status.hidden = true;
    toggle.disabled = true;
    toggle.setAttribute("aria-busy", "true");
    try {
      const saved = await api.put("/api/attendance/settings", { passkeyRequired: wanted });
      toggle.checked = Boolean(saved.passkeyRequired);
      translate(status, saved.passkeyRequired ? "adminCheckIn.savedOn" : "adminCheckIn.savedOff");
      status.hidden = false;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      toggle.checked = !wanted;
      alert.show(problemText(error));
    } finally {
      toggle.disabled = false;
      toggle.removeAttribute("aria-busy");
      toggle.focus();
    }
  });
  return h(
    "section",
    { class: "card checkin-settings", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "ac-heading", id: titleId, t: "adminCheckIn.title" }),
    alert.element,
    h(
      "div",
      { class: "checkbox" },
      toggle,
      h("label", { class: "checkbox__label", htmlFor: switchId, t: "adminCheckIn.passkeyRequired" }),
    ),
    h("p", { class: "field__hint", id: hintId, t: "adminCheckIn.passkeyHint" }),
    grace.element,
    saveGrace,
    status,
  );
}
