// Actions from minutes (tindakan), phone first:
//   #/actions          the actions assigned to me or my unit, with status and due date;
//   #/actions/:id      one action with its feedback history and the feedback form (the push and
//                      e-mail "request feedback" links open this straight away);
//   #/meetings/:id/report  the feedback report of a meeting (every action, status, latest
//                      feedback, overdue marked) with XLSX/PDF downloads and "request feedback".

import { api, ApiError } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
import { locale, translate } from "../i18n.js";
import { ACTION_STATUS_KEYS, formatDate } from "./minutes.js";

const STATUSES = ["open", "in_progress", "done", "dropped"];
/** Attaches a file to feedback already sent (multipart; the server checks size and type). */
function uploadAttachment(url, file) {
  const form = new FormData();
  form.append("file", file);
  return api.upload(url, form);
}

function attachmentLink(feedback) {
  if (!feedback?.attachmentUrl) return null;
  const kb = Math.max(1, Math.round(feedback.attachmentSize / 1024));
  return h(
    "p",
    { class: "actions-attachment" },
    h("a", { href: feedback.attachmentUrl, attrs: { download: feedback.attachmentName }, t: "actions.attachmentLink", args: { name: feedback.attachmentName, kb } }),
  );
}

function statusBadge(action) {
  const tone = action.status === "done" ? "badge--ok" : action.status === "dropped" ? "badge--neutral" : "badge--warn";
  return [
    h("span", { class: `badge ${tone}`, t: ACTION_STATUS_KEYS[action.status] }),
    action.overdue ? h("span", { class: "badge badge--bad", t: "actions.overdue" }) : null,
  ];
}

function errorBox(error) {
  const text = problemText(error);
  return h("p", { class: "alert alert--error", attrs: { role: "alert" }, ...(text.key ? { t: text.key } : { text: text.text }) });
}

export const actionsView = {
  title: "actions.title",
  async render() {
    const page = h(
      "section",
      { class: "page actions-page" },
      h("header", { class: "page__header" }, h("h1", { class: "page__title", t: "actions.title" }), h("p", { class: "page__lead", t: "actions.lead" })),
    );
    let actions;
    try {
      actions = await api.get("/api/actions");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      page.append(errorBox(error));
      return page;
    }
    if (!actions.length) {
      page.append(h("p", { class: "card", t: "actions.none" }));
      return page;
    }
    page.append(
      h(
        "ul",
        { class: "actions-list" },
        actions.map((a) =>
          h(
            "li",
            { class: "card actions-card" },
            h("a", { class: "actions-card__link", href: `#/actions/${a.id}`, text: a.text }),
            h("p", { class: "minutes-meta", text: `${a.meetingTitle} (${a.meetingLabel})` }),
            h("p", { class: "minutes-meta", t: "actions.dueLine", args: { due: formatDate(a.dueDate) } }),
            h("p", { class: "badges badges--inline" }, statusBadge(a)),
          ),
        ),
      ),
    );
    return page;
  },
};

export const actionView = {
  title: "actions.oneTitle",
  async render(ctx) {
    const id = Number(ctx.params.id);
    const page = h("section", { class: "page actions-page" });
    const status = h("p", { class: "alert alert--success", attrs: { role: "status", tabindex: "-1" }, hidden: true });
    const alert = formAlert();

    function draw(action) {
      const history = action.feedback.length
        ? h(
            "ol",
            { class: "minutes-comments" },
            action.feedback.map((f) =>
              h(
                "li",
                { class: "minutes-comment" },
                h("p", { class: "minutes-meta", text: `${f.authorName} · ${new Date(f.createdAt).toLocaleString(locale())}` }),
                h("span", { class: "badge badge--neutral", t: ACTION_STATUS_KEYS[f.status] }),
                h("p", { class: "minutes-text", text: f.text }),
                attachmentLink(f),
              ),
            ),
          )
        : h("p", { t: "actions.noFeedback" });
      let form = null;
      if (action.canGiveFeedback) {
        const groupId = uniqueId("status");
        const radios = STATUSES.filter((s) => s !== "dropped").map((s) => {
          const rid = uniqueId("status");
          const input = h("input", { type: "radio", id: rid, name: groupId, value: s, class: "segmented__input", checked: s === (action.status === "open" ? "in_progress" : action.status) });
          return [input, h("label", { class: "segmented__label", htmlFor: rid, t: ACTION_STATUS_KEYS[s] })];
        });
        const textId = uniqueId("feedback");
        const text = h("textarea", { id: textId, class: "input textarea", rows: 4, required: true, attrs: { maxlength: "5000", "aria-required": "true" } });
        const fileId = uniqueId("attachment");
        const file = h("input", { id: fileId, type: "file", class: "input", attrs: { "aria-describedby": `${fileId}-hint` } });
        const send = h("button", { type: "submit", class: "button button--primary button--block", t: "actions.send" });
        form = h(
          "form",
          {
            class: "card actions-form",
            attrs: { novalidate: true },
            on: {
              submit: async (event) => {
                event.preventDefault();
                alert.clear();
                status.hidden = true;
                if (!text.value.trim()) {
                  alert.show({ key: "actions.textRequired" });
                  text.focus();
                  return;
                }
                const chosen = form.querySelector("input[type=radio]:checked")?.value ?? "in_progress";
                try {
                  let updated = await busy(send, () => api.post(`/api/actions/${id}/feedback`, { text: text.value.trim(), status: chosen }));
                  const chosenFile = file.files?.[0];
                  if (chosenFile) {
                    try {
                      updated = await busy(send, () => uploadAttachment(`/api/actions/${id}/feedback/${updated.feedback[0].id}/attachment`, chosenFile));
                    } catch (error) {
                      if (!(error instanceof ApiError)) throw error;
                      draw(updated); // the feedback itself was sent
                      alert.show(problemText(error));
                      return;
                    }
                  }
                  draw(updated);
                  translate(status, "actions.sent");
                  status.hidden = false;
                  status.focus();
                } catch (error) {
                  if (!(error instanceof ApiError)) throw error;
                  alert.show(problemText(error));
                }
              },
            },
          },
          h("h2", { t: "actions.feedbackTitle" }),
          h(
            "fieldset",
            { class: "segmented actions-status" },
            h("legend", { class: "segmented__legend", t: "actions.newStatus" }),
            h("div", { class: "segmented__options" }, radios),
          ),
          h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: textId, t: "actions.feedbackLabel" }), text),
          h(
            "div",
            { class: "field" },
            h("label", { class: "field__label", htmlFor: fileId, t: "actions.attachment" }),
            h("p", { class: "field__hint", id: `${fileId}-hint`, t: "actions.attachmentHint" }),
            file,
          ),
          send,
        );
      }
      page.replaceChildren(
        h(
          "header",
          { class: "page__header" },
          h("h1", { class: "page__title", t: "actions.oneTitle" }),
          h("p", { class: "page__lead", text: `${action.meetingTitle} (${action.meetingLabel})` }),
        ),
        status,
        alert.element,
        h(
          "section",
          { class: "card" },
          h("p", { class: "actions-text", text: action.text }),
          h("p", { class: "minutes-meta", t: "actions.assigneeLine", args: { who: action.assignee || "–" } }),
          h("p", { class: "minutes-meta", t: "actions.dueLine", args: { due: formatDate(action.dueDate) } }),
          h("p", { class: "badges badges--inline" }, statusBadge(action)),
        ),
        form,
        h("section", { class: "card" }, h("h2", { t: "actions.history" }), history),
        h("p", {}, h("a", { href: "#/actions", t: "actions.backToList" })),
      );
    }

    try {
      draw(await api.get(`/api/actions/${id}`));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      page.replaceChildren(h("h1", { class: "page__title", t: "actions.oneTitle" }), errorBox(error));
    }
    return page;
  },
};

export const reportView = {
  title: "actions.reportTitle",
  async render(ctx) {
    const meetingId = Number(ctx.params.id);
    const base = `/api/meetings/${meetingId}/actions`;
    const page = h("section", { class: "page actions-page" });
    const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const alert = formAlert();
    let report;
    let manage = false;
    try {
      report = await api.get(`${base}/report`);
      manage = (await api.get(`/api/meetings/${meetingId}/minutes`)).can.manage;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      page.append(h("h1", { class: "page__title", t: "actions.reportTitle" }), errorBox(error));
      return page;
    }
    const rows = report.actions.map((a, index) =>
      h(
        "tr",
        { class: a.overdue ? "actions-report__overdue" : "" },
        h("td", { text: String(index + 1) }),
        h("td", {}, h("a", { href: `#/actions/${a.id}`, text: a.text })),
        h("td", { text: a.assignee || "–" }),
        h("td", { text: formatDate(a.dueDate) }),
        h("td", {}, statusBadge(a)),
        h("td", {}, a.latestFeedback?.text ?? "–", attachmentLink(a.latestFeedback)),
      ),
    );
    const request = manage
      ? h("button", {
          type: "button",
          class: "button button--primary",
          t: "actions.requestFeedback",
          on: {
            click: async () => {
              alert.clear();
              try {
                const result = await busy(request, () => api.post(`${base}/request-feedback`, {}));
                translate(status, "actions.requested", { count: result.notified });
                status.hidden = false;
              } catch (error) {
                if (!(error instanceof ApiError)) throw error;
                alert.show(problemText(error));
              }
            },
          },
        })
      : null;
    page.append(
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "actions.reportTitle" }),
        h("p", { class: "page__lead", text: `${report.meetingTitle} (${report.meetingLabel})` }),
        h("p", { class: "minutes-meta", t: "actions.reportSummary", args: { count: report.actions.length, overdue: report.overdue } }),
      ),
      status,
      alert.element,
      h(
        "p",
        { class: "button-row" },
        request,
        h("a", { class: "button button--secondary", href: `${base}/report/download?format=xlsx`, attrs: { download: "" }, t: "actions.downloadXlsx" }),
        h("a", { class: "button button--secondary", href: `${base}/report/download?format=pdf`, attrs: { download: "" }, t: "actions.downloadPdf" }),
      ),
      report.actions.length
        ? h(
            "div",
            { class: "actions-report__scroll", attrs: { tabindex: "0", role: "region", "aria-labelledby": "actions-report-caption" } },
            h(
              "table",
              { class: "actions-report" },
              h("caption", { id: "actions-report-caption", class: "visually-hidden", t: "actions.reportTitle" }),
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["actions.colNo", "actions.colAction", "actions.colAssignee", "actions.colDue", "actions.colStatus", "actions.colFeedback"].map((key) =>
                    h("th", { attrs: { scope: "col" }, t: key }),
                  ),
                ),
              ),
              h("tbody", {}, rows),
            ),
          )
        : h("p", { class: "card", t: "actions.none" }),
      h("p", {}, h("a", { href: `#/meetings/${meetingId}/minutes`, t: "actions.backToMinutes" })),
    );
    return page;
  },
};
