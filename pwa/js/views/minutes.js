// Minutes of one meeting (#/meetings/:id/minutes), tablet first, works on a phone.
//
// The secretariat edits a structured draft: the attendance section (filled in by the server,
// read-only here), matters arising, then per agenda item the discussion, decisions and actions
// (assignee and due date); every save is a new version. Reviewers and the chair comment per
// section; the chair approves or sends the minutes back; the secretariat distributes them.
// Versions can be compared (a per-section line diff). Minutes are never stored on the device:
// every /api response is no-store and the service worker passes /api through.

import { api, ApiError } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, dateInput, formAlert, isoDate, problemText } from "../forms.js";
import { locale, translate, translateAttribute } from "../i18n.js";

export const STATUS_KEYS = {
  none: "minutes.statusNone",
  draft: "minutes.statusDraft",
  in_review: "minutes.statusInReview",
  submitted: "minutes.statusSubmitted",
  approved: "minutes.statusApproved",
  distributed: "minutes.statusDistributed",
  confirmed: "minutes.statusConfirmed",
};

const STATUS_BADGES = {
  none: "badge--neutral",
  draft: "badge--neutral",
  in_review: "badge--warn",
  submitted: "badge--warn",
  approved: "badge--ok",
  distributed: "badge--ok",
  confirmed: "badge--ok",
};

export function statusBadge(status) {
  return h("span", { class: `badge ${STATUS_BADGES[status] ?? "badge--neutral"}`, t: STATUS_KEYS[status] ?? "minutes.statusNone" });
}

export function formatDate(value) {
  if (!value) return "–";
  return new Date(`${value}T00:00:00`).toLocaleDateString(locale(), { day: "numeric", month: "short", year: "numeric" });
}

function labelled(labelKey, control, args) {
  const id = control.id || uniqueId("minutes-field");
  control.id = id;
  return h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: id, t: labelKey, args }), control);
}

function textarea(value, rows = 3) {
  const element = h("textarea", { class: "input textarea", rows, attrs: { maxlength: "5000" } });
  element.value = value ?? "";
  return element;
}

/** The editor of one decision or action row: returns {element, read()}. */
function actionRow(action, { members, units }, onRemove) {
  const text = textarea(action.text, 2);
  const chosen = action.assigneeUserId ? `user:${action.assigneeUserId}` : action.assigneeUnitId ? `unit:${action.assigneeUnitId}` : "";
  const group = (key, options) => {
    const element = h("optgroup", {}, options);
    translateAttribute(element, "label", key);
    return element;
  };
  const who = h(
    "select",
    { class: "input" },
    h("option", { value: "", t: "minutes.noAssignee" }),
    group(
      "minutes.officers",
      members.map((m) => h("option", { value: `user:${m.userId}`, text: m.name, selected: chosen === `user:${m.userId}` })),
    ),
    units.length ? group("minutes.units", units.map((u) => h("option", { value: `unit:${u.id}`, text: u.name, selected: chosen === `unit:${u.id}` }))) : null,
  );
  const due = dateInput({ value: action.dueDate ?? "" }).input; // dd/mm/yyyy (forms.js)
  const element = h(
    "li",
    { class: "minutes-entry" },
    labelled("minutes.actionText", text),
    h("div", { class: "minutes-entry__row" }, labelled("minutes.assignee", who), labelled("minutes.dueDate", due)),
    h("button", { type: "button", class: "button button--secondary button--small", t: "minutes.removeAction", on: { click: () => onRemove(element) } }),
  );
  return {
    element,
    read: () => ({
      ref: action.ref ?? "",
      text: text.value.trim(),
      assigneeUserId: who.value.startsWith("user:") ? Number(who.value.slice(5)) : null,
      assigneeUnitId: who.value.startsWith("unit:") ? Number(who.value.slice(5)) : null,
      dueDate: isoDate(due) || null,
    }),
  };
}

function decisionRow(decision, onRemove) {
  const text = textarea(decision.text, 2);
  const element = h(
    "li",
    { class: "minutes-entry" },
    labelled("minutes.decisionText", text),
    h("button", { type: "button", class: "button button--secondary button--small", t: "minutes.removeDecision", on: { click: () => onRemove(element) } }),
  );
  return { element, read: () => ({ ref: decision.ref ?? "", text: text.value.trim() }) };
}

/** One agenda item's editor: returns {element, read()}. */
function itemEditor(item, index, choices) {
  const discussion = textarea(item.discussion, 5);
  const decisions = [];
  const actions = [];
  const decisionList = h("ul", { class: "minutes-entries" });
  const actionList = h("ul", { class: "minutes-entries" });
  const remove = (rows) => (element) => {
    const at = rows.findIndex((r) => r.element === element);
    if (at >= 0) rows.splice(at, 1);
    element.remove();
  };
  const addDecision = (d) => {
    const row = decisionRow(d, remove(decisions));
    decisions.push(row);
    decisionList.append(row.element);
    return row;
  };
  const addAction = (a) => {
    const row = actionRow(a, choices, remove(actions));
    actions.push(row);
    actionList.append(row.element);
    return row;
  };
  for (const d of item.decisions ?? []) addDecision(d);
  for (const a of item.actions ?? []) addAction(a);
  const element = h(
    "fieldset",
    { class: "card minutes-item", dataset: { section: `item:${index + 1}` } },
    h("legend", { class: "minutes-item__title", text: `${index + 1}. ${item.title}` }),
    labelled("minutes.discussion", discussion),
    h("h3", { class: "minutes-subhead", t: "minutes.decisions" }),
    decisionList,
    h("button", {
      type: "button",
      class: "button button--secondary button--small",
      t: "minutes.addDecision",
      on: { click: () => addDecision({ text: "" }).element.querySelector("textarea").focus() },
    }),
    h("h3", { class: "minutes-subhead", t: "minutes.actions" }),
    actionList,
    h("button", {
      type: "button",
      class: "button button--secondary button--small",
      t: "minutes.addAction",
      on: { click: () => addAction({ text: "" }).element.querySelector("textarea").focus() },
    }),
  );
  return {
    element,
    read: () => ({
      title: item.title,
      agendaItemId: item.agendaItemId ?? null,
      discussion: discussion.value,
      decisions: decisions.map((r) => r.read()).filter((d) => d.text),
      actions: actions.map((r) => r.read()).filter((a) => a.text),
    }),
  };
}

function attendanceBlock(attendance) {
  const part = (key, lines) =>
    lines?.length
      ? [h("h3", { class: "minutes-subhead", t: key }), h("ol", { class: "minutes-list" }, lines.map((l) => h("li", { text: l.text })))]
      : null;
  return h(
    "section",
    { class: "card minutes-section", dataset: { section: "attendance" } },
    h("h2", { t: "minutes.attendance" }),
    h("p", { class: "field__hint", t: "minutes.attendanceHint" }),
    part("minutes.present", attendance?.present),
    part("minutes.absent", attendance?.absent),
    part("minutes.inAttendance", attendance?.inAttendance),
  );
}

function mattersBlock(matters) {
  if (!matters?.length) return null;
  return h(
    "section",
    { class: "card minutes-section", dataset: { section: "matters" } },
    h("h2", { t: "minutes.mattersArising" }),
    h(
      "ul",
      { class: "minutes-list" },
      matters.map((m) =>
        h(
          "li",
          {},
          h("span", { text: `${m.meetingLabel}: ${m.text} ` }),
          h("span", { class: "badge badge--neutral", t: ACTION_STATUS_KEYS[m.status] ?? "actions.statusOpen" }),
          m.latestFeedback ? h("p", { class: "minutes-feedback", t: "minutes.latestFeedback", args: { text: m.latestFeedback } }) : null,
        ),
      ),
    ),
  );
}

export const ACTION_STATUS_KEYS = {
  open: "actions.statusOpen",
  in_progress: "actions.statusInProgress",
  done: "actions.statusDone",
  dropped: "actions.statusDropped",
};

/** The read-only text of one item. */
function itemReadOnly(item, index, members, units, names = {}) {
  const name = (a) =>
    (a.assigneeUserId && (names[`user:${a.assigneeUserId}`] || members.find((m) => m.userId === a.assigneeUserId)?.name)) ||
    (a.assigneeUnitId && (names[`unit:${a.assigneeUnitId}`] || units.find((u) => u.id === a.assigneeUnitId)?.name)) ||
    "–";
  return h(
    "section",
    { class: "card minutes-item", dataset: { section: `item:${index + 1}` } },
    h("h2", { class: "minutes-item__title", text: `${index + 1}. ${item.title}` }),
    item.discussion ? h("div", { class: "minutes-text", text: item.discussion }) : null,
    item.decisions?.length
      ? [h("h3", { class: "minutes-subhead", t: "minutes.decisions" }), h("ul", { class: "minutes-list" }, item.decisions.map((d) => h("li", { text: d.text })))]
      : null,
    item.actions?.length
      ? [
          h("h3", { class: "minutes-subhead", t: "minutes.actions" }),
          h(
            "ul",
            { class: "minutes-list" },
            item.actions.map((a) => h("li", {}, h("span", { text: a.text }), h("span", { class: "minutes-meta", t: "minutes.actionMeta", args: { who: name(a), due: formatDate(a.dueDate) } }))),
          ),
        ]
      : null,
  );
}

/** Comments of one section, and (when allowed) a box to add one. */
function commentsBlock(section, minutes, { onComment, onResolve }) {
  const mine = minutes.comments.filter((c) => c.section === section);
  const list = mine.length
    ? h(
        "ul",
        { class: "minutes-comments" },
        mine.map((c) =>
          h(
            "li",
            { class: `minutes-comment${c.resolved ? " minutes-comment--resolved" : ""}` },
            h("p", { class: "minutes-meta", text: `${c.authorName} · v${c.version}` }),
            h("p", { class: "minutes-text", text: c.body }),
            c.resolved
              ? h("span", { class: "badge badge--ok", t: "minutes.resolved" })
              : minutes.can.resolve
                ? h("button", { type: "button", class: "button button--secondary button--small", t: "minutes.resolve", on: { click: (e) => onResolve(c.id, e.currentTarget) } })
                : null,
          ),
        ),
      )
    : null;
  let form = null;
  if (minutes.can.comment) {
    const box = textarea("", 2);
    form = h(
      "details",
      { class: "minutes-comment-form", open: mine.length > 0 },
      h("summary", { t: "minutes.commentOpen" }),
      labelled("minutes.commentLabel", box),
      h("button", {
        type: "button",
        class: "button button--secondary button--small",
        t: "minutes.addComment",
        on: { click: (e) => box.value.trim() && onComment(section, box.value.trim(), e.currentTarget) },
      }),
    );
  }
  if (!list && !form) return null;
  return h(
    "div",
    { class: "minutes-comments-block", dataset: { commentsFor: section } },
    list ? h("h3", { class: "minutes-subhead", t: "minutes.comments" }) : null,
    list,
    form,
  );
}

function diffView(diff) {
  const changed = diff.sections.filter((s) => s.changed);
  return h(
    "section",
    { class: "card minutes-diff", attrs: { "aria-live": "polite" } },
    h("h2", { t: "minutes.diffTitle", args: { a: diff.a, b: diff.b } }),
    changed.length
      ? changed.map((s) =>
          h(
            "div",
            { class: "minutes-diff__section" },
            h("h3", { class: "minutes-subhead", text: s.title }),
            h(
              "ul",
              { class: "minutes-diff__lines" },
              s.lines.map((l) =>
                h(
                  "li",
                  { class: `minutes-diff__line minutes-diff__line--${l.op === "+" ? "add" : l.op === "-" ? "del" : "same"}` },
                  h("span", { class: "minutes-diff__op", attrs: { "aria-hidden": "true" }, text: l.op === "=" ? " " : l.op === "-" ? "−" : "+" }),
                  l.op === "=" ? null : h("span", { class: "visually-hidden", t: l.op === "+" ? "minutes.added" : "minutes.removed" }),
                  h("span", { text: l.text }),
                ),
              ),
            ),
          ),
        )
      : h("p", { t: "minutes.noChanges" }),
  );
}

/** The approvals inbox section "Minutes for approval" (null when there are none). */
export async function minutesApprovalsSection() {
  let items;
  try {
    items = await api.get("/api/approvals/minutes");
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return null;
  }
  if (!items.length) return null;
  const headingId = uniqueId("minutes-inbox");
  return h(
    "section",
    { class: "card minutes-inbox", attrs: { "aria-labelledby": headingId } },
    h(
      "h2",
      { id: headingId, class: "approvals__section-title" },
      h("span", { t: "minutes.inboxTitle" }),
      " ",
      h("span", { class: "approvals__section-count", text: `(${items.length})` }),
    ),
    h(
      "ul",
      { class: "minutes-list" },
      items.map((item) =>
        h(
          "li",
          {},
          h("a", { href: `#/meetings/${item.meetingId}/minutes`, text: `${item.meetingTitle} (${item.meetingLabel})` }),
          h("span", { class: "minutes-meta", t: "minutes.inboxLine", args: { committee: item.committeeName, n: item.version } }),
        ),
      ),
    ),
  );
}

export const minutesView = {
  title: "minutes.title",
  async render(ctx) {
    const meetingId = Number(ctx.params.id);
    const base = `/api/meetings/${meetingId}/minutes`;
    const page = h("section", { class: "page minutes-page" });
    const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const alert = formAlert();
    let minutes;

    function done(key) {
      alert.clear();
      translate(status, key);
      status.hidden = false;
    }

    /** A new error replaces an earlier success message (they never show side by side). */
    function fail(text) {
      status.hidden = true;
      alert.show(text);
    }

    async function act(button, work, doneKey) {
      alert.clear();
      status.hidden = true;
      try {
        await busy(button, async () => {
          minutes = await work();
        });
        draw();
        done(doneKey);
        status.focus?.();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        fail(problemText(error));
        alert.element.scrollIntoView?.({ block: "center" });
      }
    }

    const handlers = {
      onComment: (section, body, button) => act(button, () => api.post(`${base}/comments`, { section, body }), "minutes.commented"),
      onResolve: (id, button) =>
        act(
          button,
          async () => {
            await api.post(`${base}/comments/${id}/resolve`);
            return api.get(base);
          },
          "minutes.resolvedDone",
        ),
    };

    function workflow() {
      const can = minutes.can;
      const parts = [];
      if (can.appointReviewers) {
        const candidates = minutes.members.filter((m) => m.role !== "secretariat" && m.role !== "guest");
        const legendId = uniqueId("reviewers");
        const boxes = candidates.map((m) => {
          const id = uniqueId("reviewer");
          const box = h("input", { type: "checkbox", id, class: "checkbox__input", value: String(m.userId) });
          return { box, element: h("div", { class: "checkbox" }, box, h("label", { class: "checkbox__label", htmlFor: id, text: m.name })) };
        });
        const due = dateInput({ required: true }).input; // dd/mm/yyyy (forms.js)
        const send = h("button", {
          type: "button",
          class: "button button--primary",
          t: "minutes.sendForReview",
          on: {
            click: () => {
              const reviewerIds = boxes.filter((b) => b.box.checked).map((b) => Number(b.box.value));
              if (!reviewerIds.length || !isoDate(due)) {
                fail({ key: "minutes.reviewersRequired" });
                return;
              }
              act(send, () => api.post(`${base}/review`, { reviewerIds, dueDate: isoDate(due) }), "minutes.sentForReview");
            },
          },
        });
        parts.push(
          h(
            "fieldset",
            { class: "minutes-workflow__group", attrs: { "aria-describedby": legendId } },
            h("legend", { id: legendId, t: "minutes.reviewers" }),
            boxes.map((b) => b.element),
            labelled("minutes.reviewDue", due),
            send,
          ),
        );
      }
      if (can.submit) {
        const submit = h("button", { type: "button", class: "button button--primary", t: "minutes.submitToChair", on: { click: () => act(submit, () => api.post(`${base}/submit`), "minutes.submitted") } });
        parts.push(submit);
      }
      if (can.approve) {
        const approve = h("button", { type: "button", class: "button button--primary", t: "minutes.approve", on: { click: () => act(approve, () => api.post(`${base}/approve`), "minutes.approvedDone") } });
        const reason = textarea("", 2);
        const back = h("button", {
          type: "button",
          class: "button button--secondary button--danger",
          t: "minutes.sendBack",
          on: {
            click: () => {
              if (!reason.value.trim()) {
                fail({ key: "minutes.sendBackRequired" });
                reason.focus();
                return;
              }
              act(back, () => api.post(`${base}/return`, { comment: reason.value.trim() }), "minutes.sentBack");
            },
          },
        });
        parts.push(h("div", { class: "minutes-workflow__group" }, approve, labelled("minutes.sendBackLabel", reason), back));
      }
      if (can.distribute) {
        const distribute = h("button", { type: "button", class: "button button--primary", t: "minutes.distribute", on: { click: () => act(distribute, () => api.post(`${base}/distribute`), "minutes.distributedDone") } });
        parts.push(distribute);
      }
      if (!parts.length) return null;
      return h("section", { class: "card minutes-workflow" }, h("h2", { t: "minutes.nextStep" }), parts);
    }

    async function showVersions(region, button) {
      await busy(button, async () => {
        const versions = await api.get(`${base}/versions`);
        const diffRegion = h("div");
        region.replaceChildren(
          h(
            "ul",
            { class: "minutes-versions" },
            versions.map((v) =>
              h(
                "li",
                {},
                h("span", { t: v.kind === "final" ? "minutes.versionFinal" : "minutes.versionLine", args: { n: v.number, who: v.authorName, when: new Date(v.createdAt).toLocaleString(locale()) } }),
                v.number > 1
                  ? h("button", {
                      type: "button",
                      class: "button button--secondary button--small",
                      t: "minutes.compare",
                      args: { n: v.number },
                      on: {
                        click: async (e) => {
                          await busy(e.currentTarget, async () => {
                            diffRegion.replaceChildren(diffView(await api.get(`${base}/versions/${v.number - 1}/diff/${v.number}`)));
                          });
                          diffRegion.scrollIntoView?.({ block: "start" });
                        },
                      },
                    })
                  : null,
              ),
            ),
          ),
          diffRegion,
        );
      });
    }

    function draw() {
      const can = minutes.can;
      const editors = [];
      const body = minutes.body;
      const header = h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "minutes.title" }),
        h("p", { class: "page__lead", text: `${minutes.meetingTitle} (${minutes.meetingLabel})` }),
        h(
          "p",
          { class: "badges badges--inline" },
          h("span", { class: `badge ${minutes.classification === "SULIT" ? "badge--bad" : "badge--neutral"}`, text: minutes.classification }),
          statusBadge(minutes.status),
          minutes.version ? h("span", { class: "badge badge--neutral", t: "minutes.versionBadge", args: { n: minutes.version } }) : null,
        ),
        minutes.reviewDue && minutes.status === "in_review"
          ? h("p", { class: "minutes-meta", t: "minutes.reviewBy", args: { names: minutes.reviewers.map((r) => r.name).join(", "), due: formatDate(minutes.reviewDue) } })
          : null,
        minutes.approvedBy ? h("p", { class: "minutes-meta", t: "minutes.approvedByLine", args: { name: minutes.approvedBy } }) : null,
        // The minutes as a document (marked on every page); only when their text is readable.
        minutes.version
          ? h("p", { class: "button-row" }, h("a", { class: "button button--secondary", href: `${base}/document`, attrs: { download: "" }, t: "minutes.downloadPdf" }))
          : null,
      );
      const sections = [];
      sections.push(attendanceBlock(body.attendance));
      sections.push(commentsBlock("attendance", minutes, handlers));
      sections.push(mattersBlock(body.mattersArising));
      const editable = can.edit || can.confirm; // confirming may amend: a final version
      body.items.forEach((item, index) => {
        if (editable) {
          const editor = itemEditor(item, index, { members: minutes.members, units: minutes.units });
          editors.push(editor);
          sections.push(editor.element);
        } else {
          sections.push(itemReadOnly(item, index, minutes.members, minutes.units, minutes.assigneeNames));
        }
        sections.push(commentsBlock(`item:${index + 1}`, minutes, handlers));
      });
      const notes = textarea(body.notes, 3);
      if (editable) sections.push(h("section", { class: "card minutes-section" }, labelled("minutes.notes", notes)));
      else if (body.notes) sections.push(h("section", { class: "card minutes-section" }, h("h2", { t: "minutes.notes" }), h("div", { class: "minutes-text", text: body.notes })));
      sections.push(commentsBlock("general", minutes, handlers));

      let save = null;
      if (can.edit) {
        save = h("button", {
          type: "button",
          class: "button button--primary",
          t: "minutes.save",
          on: {
            click: () =>
              act(
                save,
                () => api.put(base, { baseVersion: minutes.version, body: { items: editors.map((e) => e.read()), notes: notes.value } }),
                "minutes.saved",
              ),
          },
        });
      }
      if (can.confirm) {
        const choiceId = uniqueId("confirm-meeting");
        const choice = h(
          "select",
          { id: choiceId, class: "input" },
          minutes.laterMeetings.map((m) => h("option", { value: String(m.id), text: `${m.title} (${m.label})` })),
        );
        const confirm = (amend, button) =>
          act(
            button,
            () =>
              api.post(`${base}/confirm`, {
                meetingId: Number(choice.value),
                amendments: amend ? { items: editors.map((e) => e.read()), notes: notes.value } : null,
              }),
            "minutes.confirmedDone",
          );
        const plain = h("button", { type: "button", class: "button button--primary", t: "minutes.confirmAsIs", on: { click: (e) => confirm(false, e.currentTarget) } });
        const amended = h("button", { type: "button", class: "button button--secondary", t: "minutes.confirmAmended", on: { click: (e) => confirm(true, e.currentTarget) } });
        sections.push(
          h(
            "section",
            { class: "card minutes-workflow" },
            h("h2", { t: "minutes.confirmTitle" }),
            h("p", { class: "field__hint", t: "minutes.confirmHint" }),
            minutes.laterMeetings.length
              ? [labelled("minutes.confirmAt", choice), h("div", { class: "button-row" }, plain, amended)]
              : h("p", { t: "minutes.noLaterMeeting" }),
          ),
        );
      }
      const versionsRegion = h("div", { class: "minutes-versions-region" });
      const versionsButton = minutes.version
        ? h("button", { type: "button", class: "button button--secondary", t: "minutes.versions", on: { click: (e) => showVersions(versionsRegion, e.currentTarget) } })
        : null;
      const links = h(
        "p",
        { class: "button-row" },
        ["approved", "distributed", "confirmed"].includes(minutes.status)
          ? h("a", { class: "button button--secondary", href: `#/meetings/${meetingId}/report`, t: "minutes.reportLink" })
          : null,
        versionsButton,
      );
      page.replaceChildren(
        ...[
          header,
          status,
          alert.element,
          workflow(),
          ...sections,
          save ? h("div", { class: "minutes-savebar" }, save) : null,
          links,
          versionsRegion,
        ].filter(Boolean),
      );
    }

    try {
      minutes = await api.get(base);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const text = problemText(error);
      page.append(h("h1", { class: "page__title", t: "minutes.title" }), h("p", { class: "alert alert--error", attrs: { role: "alert" }, ...(text.key ? { t: text.key } : { text: text.text }) }));
      return page;
    }
    if (minutes.can.edit && minutes.classification !== "SULIT") {
      // The meeting's guests (officers of other agencies too) may be given an action of a
      // non-SULIT meeting; the API decides, this only offers them.
      try {
        const invited = await api.get(`/api/meetings/${meetingId}/invitations`);
        const known = new Set(minutes.members.map((m) => m.userId));
        for (const guest of invited.filter((i) => i.role === "guest" && !known.has(i.userId))) {
          minutes.members.push({ userId: guest.userId, name: guest.name, role: "guest" });
        }
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
    }
    status.tabIndex = -1;
    draw();
    return page;
  },
};
