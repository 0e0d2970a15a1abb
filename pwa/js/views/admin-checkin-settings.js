// The agency's check-in settings for its administrator (shown on the agency calendar screen):
// a switch "check-ins must be confirmed with a passkey". The change is saved at once (PUT
// /api/attendance/settings, audited by the server); on failure the switch goes back and the
// reason is shown.

import { api, ApiError } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { formAlert, problemText } from "../forms.js";
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
  try {
    toggle.checked = Boolean((await api.get("/api/attendance/settings")).passkeyRequired);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    alert.show(problemText(error));
    toggle.disabled = true;
  }
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
    status,
  );
}
