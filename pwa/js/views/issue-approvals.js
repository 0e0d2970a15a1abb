// Attendance issues (isu kehadiran) waiting for the supervisor, as a section of the approvals
// page: late in, early out, no check-out, absent... of direct reports, and the red ones
// escalated from one level down (marked), each with the officer's justification (or that none
// was given yet) and its colour card (yellow / red by working days since the day). Approve or
// reject several at once or one by one; rejecting needs a note. The note, the check boxes and
// the sending are shared with the movement slips (approval-decisions.js).

import { api, ApiError } from "../api.js";
import { badge, dayHistory, TIME_ZONE } from "../attendance.js";
import { h, uniqueId } from "../dom.js";
import { formAlert, problemText } from "../forms.js";
import { locale, t, translate } from "../i18n.js";
import {
  decisionButtons,
  decisionNote,
  escalationBadges,
  revealBulkNote,
  sectionHeading,
  selection,
  sendDecision,
  waitingItems,
} from "./approval-decisions.js";

const PATH = "/api/attendance/approvals/issues";

const KIND = {
  late_in: "issueApprovals.kindLateIn",
  early_out: "issueApprovals.kindEarlyOut",
  no_check_out: "issueApprovals.kindNoCheckOut",
  no_check_in: "issueApprovals.kindNoCheckIn",
  absent: "issueApprovals.kindAbsent",
  external: "issueApprovals.kindExternal",
};

/** "2026-10-05" (a calendar day from the server) -> "Isn, 5 Okt 2026", in the user's language. */
function formatDay(day) {
  return new Intl.DateTimeFormat(locale(), {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: TIME_ZONE,
  }).format(new Date(`${day}T12:00:00+08:00`));
}

/** The section, or null when nothing waits (or the list cannot be read). */
export async function issueApprovalsSection() {
  let items = await waitingItems(PATH);
  if (!items?.length) return null;

  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const alert = formAlert();
  const list = h("ul", { class: "approvals issue-approvals__list" });
  const note = decisionNote({ name: "issueNote", labelKey: "approvals.bulkNoteLabel" });
  const headingId = uniqueId("issues-heading");
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

  function decide(ids, decision, button, itemNote = note) {
    return sendDecision({ path: `${PATH}/decisions`, ids, decision, note: itemNote, button, alert, status, reload });
  }

  function card(item) {
    const id = uniqueId(`issue-${item.id}`);
    const kind = KIND[item.kind];
    const kindLabel = kind ? { t: kind } : { text: item.kind };
    const when = formatDay(item.day);
    const badges = escalationBadges(item, { red: "issueApprovals.red", yellow: "issueApprovals.yellow" });
    if (item.status === "open") badges.push(badge("issueApprovals.notJustified", "neutral"));
    // Two issues of one day differ by their kind: the buttons' names say both.
    const buttonArgs = { name: item.officerName, when: `${kind ? t(kind) : item.kind}, ${when}` };
    return h(
      "li",
      { class: "approval card", dataset: { issueId: String(item.id) } },
      h(
        "div",
        { class: "approval__head" },
        h("input", {
          type: "checkbox",
          id,
          class: "checkbox__input approval__select",
          value: String(item.id),
        }),
        h(
          "div",
          { class: "approval__who" },
          h("h3", { class: "approval__name", text: item.officerName }),
          h(
            "p",
            { class: "approval__meta" },
            h("span", { class: "issue-approvals__kind", ...kindLabel }),
            ` · ${when}`,
          ),
          h("label", { class: "visually-hidden", htmlFor: id, t: "approvals.selectItem", args: buttonArgs }),
        ),
      ),
      badges.length ? h("p", { class: "badges" }, badges) : null,
      h(
        "dl",
        { class: "details details--compact" },
        h(
          "div",
          { class: "details__row" },
          h("dt", { t: "issueApprovals.justification" }),
          h(
            "dd",
            item.justification
              ? { class: "approval__reason", text: item.justification }
              : { t: "issueApprovals.noJustification" },
          ),
        ),
      ),
      dayHistory(`/api/attendance/issues/${item.id}/history`),
      decisionButtons(buttonArgs, (decision, button, itemNote) => decide([item.id], decision, button, itemNote), {
        noteLabelKey: "issueApprovals.noteLabel",
      }),
    );
  }

  const toolbar = h(
    "div",
    { class: "issue-approvals__toolbar" },
    h("div", { class: "approvals__select-all" }, picked.selectAll, selectedCount),
    note.element,
    h("div", { class: "button-row" }, approveSelected, rejectSelected),
  );
  note.element.hidden = true; // shown by "reject the selected ones"
  const heading = h("div");
  const empty = h("p", { t: "issueApprovals.empty", hidden: true });

  function draw() {
    list.replaceChildren(...items.map(card));
    list.hidden = !items.length;
    toolbar.hidden = !items.length;
    heading.replaceChildren(sectionHeading(headingId, "issueApprovals.title", items.length));
    empty.hidden = Boolean(items.length);
    picked.update();
  }

  draw();
  return h(
    "section",
    { class: "card issue-approvals", attrs: { "aria-labelledby": headingId } },
    heading,
    h("p", { class: "field__hint", t: "issueApprovals.lead" }),
    status,
    alert.element,
    toolbar,
    list,
    empty,
  );
}
