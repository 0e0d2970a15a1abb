// Movement slips (pergerakan) waiting for the supervisor, as a section of the approvals page:
// the slips of direct reports and the red ones escalated from one level down (marked), each
// with its colour card (yellow / red by working days since it was requested) and whether its
// window has already ended. Approve or reject one at a time; rejecting asks for a note on the
// slip itself (the note and the sending are shared with the other sections: approval-decisions.js).

import { api, ApiError } from "../api.js";
import { badge, formatDateTime } from "../attendance.js";
import { h, uniqueId } from "../dom.js";
import { formAlert, problemText } from "../forms.js";
import { decisionButtons, escalationBadges, sectionHeading, sendDecision, waitingItems } from "./approval-decisions.js";

const PATH = "/api/attendance/approvals/movement-slips";

/** The section, or null when nothing waits (or the list cannot be read). */
export async function slipApprovalsSection() {
  let items = await waitingItems(PATH);
  if (!items?.length) return null;

  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const alert = formAlert();
  const list = h("ul", { class: "approvals slip-approvals__list" });
  const headingId = uniqueId("slips-heading");

  async function reload() {
    try {
      items = await api.get(PATH);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      alert.show(problemText(error));
      return;
    }
    draw();
  }

  function decide(item, decision, button, note) {
    const ids = [item.slip.id];
    return sendDecision({ path: `${PATH}/decisions`, ids, decision, note, button, alert, status, reload });
  }

  function card(item) {
    const slip = item.slip;
    const when = `${formatDateTime(slip.startsAt)} – ${formatDateTime(slip.endsAt)}`;
    const badges = escalationBadges(item, { red: "slipApprovals.red", yellow: "slipApprovals.yellow" });
    if (item.windowPassed) badges.push(badge("slipApprovals.windowPassed", "neutral"));
    return h(
      "li",
      { class: "approval card", dataset: { slipId: String(slip.id) } },
      h(
        "div",
        { class: "approval__who" },
        h("h3", { class: "approval__name", text: item.officerName }),
        h("p", { class: "approval__meta", text: when }),
      ),
      badges.length ? h("p", { class: "badges" }, badges) : null,
      h(
        "dl",
        { class: "details details--compact" },
        h(
          "div",
          { class: "details__row" },
          h("dt", { t: "slipApprovals.destination" }),
          h("dd", { text: slip.destinationName }),
        ),
        h(
          "div",
          { class: "details__row" },
          h("dt", { t: "slipApprovals.purpose" }),
          h("dd", { class: "approval__reason", text: slip.purpose }),
        ),
      ),
      decisionButtons(
        { name: item.officerName, when },
        (decision, button, note) => decide(item, decision, button, note),
        { noteLabelKey: "slipApprovals.noteLabel" },
      ),
    );
  }

  const empty = h("p", { t: "slipApprovals.empty", hidden: true });
  const heading = h("div");

  function draw() {
    list.replaceChildren(...items.map(card));
    list.hidden = !items.length;
    empty.hidden = Boolean(items.length);
    heading.replaceChildren(sectionHeading(headingId, "slipApprovals.title", items.length));
  }

  draw();
  return h(
    "section",
    { class: "card slip-approvals", attrs: { "aria-labelledby": headingId } },
    heading,
    h("p", { class: "field__hint", t: "slipApprovals.lead" }),
    status,
    alert.element,
    list,
    empty,
  );
}
