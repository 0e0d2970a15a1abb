// Supervisor approvals (tablet first): one section per kind of item, each with its heading and
// count, minutes first (for chairs), then check-ins, movement slips and attendance issues; a
// kind with nothing waiting is left out, and only when nothing at all waits does the page say
// so. Check-ins: the pending ones of direct reports, with what the supervisor needs to decide
// (where, how accurate, the officer's mode and reason, whether it was confirmed with the
// officer's passkey, plausibility findings); approve or reject one by one (rejecting asks for a
// note on the item itself) or several at once.

import { api, ApiError } from "../api.js";
import { findingBadges, findingNotes, formatDateTime, kindText, MODES, verdictMessage } from "../attendance.js";
import { h, uniqueId } from "../dom.js";
import { formAlert, problemText } from "../forms.js";
import { translate } from "../i18n.js";
import { officeSketch } from "../office-sketch.js";
import { refreshWaiting } from "../waiting.js";
import {
  decisionButtons,
  decisionNote,
  revealBulkNote,
  sectionHeading,
  selection,
  sendDecision,
  waitingItems,
} from "./approval-decisions.js";
import { issueApprovalsSection } from "./issue-approvals.js";
import { minutesApprovalsSection } from "./minutes.js";
import { slipApprovalsSection } from "./slip-approvals.js";
import { pageHeader } from "../page-frame.js";

const PATH = "/api/attendance/approvals";

/** The check-ins section, or null when none waits (or the list cannot be read). */
async function checkInSection() {
  let items = await waitingItems(PATH);
  if (!items?.length) return null;

  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const alert = formAlert();
  const list = h("ul", { class: "approvals" });
  const headingId = uniqueId("checkins-heading");
  const heading = h("div");
  const note = decisionNote({ name: "decision-note", labelKey: "approvals.bulkNoteLabel" });
  note.element.hidden = true; // shown by "reject the selected ones"
  const selectedCount = h("span", { class: "approvals__count", attrs: { "aria-live": "polite" } });
  const approveSelected = h("button", {
    type: "button",
    class: "button button--primary",
    t: "approvals.approveSelected",
    on: { click: () => decide(picked.ids(), "approved", approveSelected) },
  });
  const rejectSelected = h("button", {
    type: "button",
    class: "button button--secondary button--danger",
    t: "approvals.rejectSelected",
    on: { click: () => revealBulkNote(note) && decide(picked.ids(), "rejected", rejectSelected) },
  });
  const picked = selection(list, {
    onChange: (count) => {
      translate(selectedCount, "approvals.selected", { count });
      approveSelected.disabled = count === 0;
      rejectSelected.disabled = count === 0;
    },
  });
  const toolbar = h(
    "div",
    { class: "approvals__toolbar" },
    h("div", { class: "approvals__select-all" }, picked.selectAll, selectedCount),
    note.element,
    h("div", { class: "button-row" }, approveSelected, rejectSelected),
  );

  async function reload() {
    try {
      items = await api.get(PATH);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      alert.show(problemText(error));
      return;
    }
    draw();
    refreshWaiting({ force: true });
  }

  function decide(ids, decision, button, itemNote = note) {
    return sendDecision({ path: `${PATH}/decisions`, ids, decision, note: itemNote, button, alert, status, reload });
  }

  function itemCard(item) {
    const checkIn = item.checkIn;
    const id = `approval-${checkIn.id}`;
    const verdict = verdictMessage(checkIn.verdict, true);
    const when = formatDateTime(checkIn.occurredAt);
    const args = { name: item.officerName, when };
    const badges = findingBadges(checkIn, { passkey: false });
    return h(
      "li",
      { class: "approval card", dataset: { id: String(checkIn.id) } },
      h(
        "div",
        { class: "approval__head" },
        h("input", { type: "checkbox", id, class: "checkbox__input approval__select", value: String(checkIn.id) }),
        h(
          "div",
          { class: "approval__who" },
          h("h3", { class: "approval__name", text: item.officerName }),
          h("p", { class: "approval__meta", text: `${kindText(checkIn.kind)} · ${when}` }),
          item.escalated ? h("span", { class: "badge badge--bad", t: "approvals.escalated" }) : null,
          h("label", { class: "visually-hidden", htmlFor: id, t: "approvals.selectItem", args }),
        ),
      ),
      h("p", { class: "approval__verdict", t: verdict.key, args: verdict.args }),
      checkIn.sketch ? officeSketch(checkIn.sketch, checkIn.verdict.status, verdict) : null,
      h(
        "dl",
        { class: "details details--compact" },
        h(
          "div",
          { class: "details__row" },
          h("dt", { t: "approvals.mode" }),
          h("dd", checkIn.mode ? { t: MODES[checkIn.mode] ?? MODES.other } : { t: "approvals.noMode" }),
        ),
        h(
          "div",
          { class: "details__row" },
          h("dt", { t: "approvals.reason" }),
          h("dd", checkIn.note ? { class: "approval__reason", text: checkIn.note } : { t: "approvals.noReason" }),
        ),
        h(
          "div",
          { class: "details__row approval__passkey" },
          h("dt", { t: "approvals.passkey" }),
          h(
            "dd",
            checkIn.passkeyConfirmed
              ? { class: "approval__passkey--ok", t: "attFinding.passkeyConfirmed" }
              : { t: "approvals.passkeyNotConfirmed" },
          ),
        ),
      ),
      badges.length ? h("p", { class: "badges" }, badges) : null,
      findingNotes(checkIn),
      decisionButtons(args, (decision, button, itemNote) => decide([checkIn.id], decision, button, itemNote)),
    );
  }

  function draw() {
    list.replaceChildren(...items.map(itemCard));
    list.hidden = !items.length;
    toolbar.hidden = !items.length;
    heading.replaceChildren(sectionHeading(headingId, "approvals.sectionCheckIns", items.length));
    picked.update();
  }

  draw();
  return h(
    "section",
    { class: "card approvals__section checkin-approvals", attrs: { "aria-labelledby": headingId } },
    heading,
    status,
    alert.element,
    toolbar,
    list,
  );
}

const FRAME = { title: "approvals.title", lead: "approvals.lead" };

export const approvalsView = {
  title: "approvals.title",
  frame: FRAME,
  async render() {
    // Chairs: minutes submitted for approval (owned by the minutes area) come first.
    const [minutesSection, checkIns, slips, issues] = await Promise.all([
      minutesApprovalsSection(),
      checkInSection(),
      slipApprovalsSection(),
      issueApprovalsSection(),
    ]);
    const sections = [minutesSection, checkIns, slips, issues].filter(Boolean);
    refreshWaiting({ force: true }); // the tab's count agrees with the lists just read
    return h(
      "section",
      { class: "page approvals-page" },
      pageHeader(FRAME),
      sections.length ? sections : h("p", { class: "card approvals__empty", t: "approvals.nothing" }),
    );
  },
};
