// Minutes, decisions and actions of one meeting, shown inside the meeting page.
// Owned by the minutes area; the meeting page only calls these functions.

import { api, ApiError } from "../api.js";
import { h } from "../dom.js";
import { ACTION_STATUS_KEYS, formatDate, statusBadge } from "./minutes.js";

/** Fills `container` with the meeting's minutes status and link to the minutes screen. */
export async function renderMinutesSection(container, meeting) {
  container.replaceChildren();
  let minutes;
  try {
    // Only where the minutes are: opening the meeting page is not a read of SULIT minutes.
    minutes = await api.get(`/api/meetings/${meeting.id}/minutes/status`);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return; // content not readable (e.g. SULIT for a non-member): show nothing
  }
  if (minutes.status === "none" && !minutes.canEdit) return;
  const links = [h("a", { class: "button button--secondary button--small", href: `#/meetings/${meeting.id}/minutes`, t: minutes.status === "none" ? "minutes.start" : "minutes.open" })];
  if (minutes.hasActions) {
    links.push(h("a", { class: "button button--secondary button--small", href: `#/meetings/${meeting.id}/report`, t: "minutes.reportLink" }));
  }
  container.append(
    h(
      "section",
      { class: "card minutes-summary" },
      h("h2", { class: "card__title", t: "minutes.title" }),
      h("p", { class: "badges badges--inline" }, statusBadge(minutes.status)),
      h("p", { class: "button-row" }, links),
    ),
  );
}

/** Fills `container` with matters arising (open actions of earlier meetings of the committee). */
export async function renderMattersArising(container, meeting) {
  container.replaceChildren();
  let matters;
  try {
    matters = await api.get(`/api/meetings/${meeting.id}/matters-arising`);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return;
  }
  if (!matters.length) return;
  container.append(
    h(
      "section",
      { class: "card minutes-section" },
      h("h2", { class: "card__title", t: "minutes.mattersArising" }),
      h(
        "ul",
        { class: "minutes-list" },
        matters.map((m) =>
          h(
            "li",
            {},
            h("a", { href: `#/actions/${m.actionId}`, text: m.text }),
            h("span", { class: "minutes-meta", text: ` — ${m.meetingLabel}, ${m.assignee || "–"}, ${formatDate(m.dueDate)} ` }),
            h("span", { class: "badge badge--neutral", t: ACTION_STATUS_KEYS[m.status] ?? "actions.statusOpen" }),
            m.latestFeedback ? h("p", { class: "minutes-feedback", t: "minutes.latestFeedback", args: { text: m.latestFeedback } }) : null,
          ),
        ),
      ),
    ),
  );
}
