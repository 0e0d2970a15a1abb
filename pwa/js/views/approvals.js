// Supervisor approvals (tablet first): the pending check-ins of direct reports, with what the
// supervisor needs to decide (where, how accurate, the officer's mode and reason, whether it was
// confirmed with the officer's passkey, plausibility findings); approve or reject one by one or
// several at once. Rejecting needs a note.

import { api, ApiError } from "../api.js";
import { badge, findingBadges, formatDateTime, kindText, MODES, verdictMessage } from "../attendance.js";
import { h, uniqueId } from "../dom.js";
import { formAlert, problemText } from "../forms.js";
import { translate, translateAttribute } from "../i18n.js";
import { officeSketch } from "../office-sketch.js";
import { issueApprovalsSection } from "./issue-approvals.js";
import { minutesApprovalsSection } from "./minutes.js";
import { slipApprovalsSection } from "./slip-approvals.js";

export const approvalsView = {
  title: "approvals.title",
  async render(ctx) {
    let items = [];
    let loadFailed = null;

    const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const alert = formAlert();
    const listRegion = h("div", { class: "approvals__list" });

    const noteId = uniqueId("decision-note");
    const note = h("textarea", {
      id: noteId,
      name: "note",
      class: "input textarea",
      rows: 2,
      attrs: { maxlength: "500", "aria-describedby": `${noteId}-hint` },
    });
    const noteError = h("p", { class: "field__error", id: `${noteId}-error`, hidden: true });
    const selectAllId = uniqueId("select-all");
    const selectAll = h("input", {
      type: "checkbox",
      id: selectAllId,
      class: "checkbox__input",
      on: {
        change: () => {
          for (const box of listRegion.querySelectorAll(".approval__select")) box.checked = selectAll.checked;
          updateSelection();
        },
      },
    });
    const selectedCount = h("span", { class: "approvals__count", attrs: { "aria-live": "polite" } });
    const approveSelected = h("button", {
      type: "button",
      class: "button button--primary",
      t: "approvals.approveSelected",
      on: { click: () => decide(selectedIds(), "approved", approveSelected) },
    });
    const rejectSelected = h("button", {
      type: "button",
      class: "button button--secondary button--danger",
      t: "approvals.rejectSelected",
      on: { click: () => decide(selectedIds(), "rejected", rejectSelected) },
    });
    const toolbar = h(
      "section",
      { class: "card approvals__toolbar", attrs: { "aria-label": null } },
      h(
        "div",
        { class: "approvals__select-all" },
        h(
          "div",
          { class: "checkbox" },
          selectAll,
          h("label", { class: "checkbox__label", htmlFor: selectAllId, t: "approvals.selectAll" }),
        ),
        selectedCount,
      ),
      h(
        "div",
        { class: "field" },
        h("label", { class: "field__label", htmlFor: noteId, t: "approvals.noteLabel" }),
        h("p", { class: "field__hint", id: `${noteId}-hint`, t: "approvals.noteHint" }),
        note,
        noteError,
      ),
      h("div", { class: "button-row" }, approveSelected, rejectSelected),
    );
    translateAttribute(toolbar, "aria-label", "approvals.decide");

    function boxes() {
      return [...listRegion.querySelectorAll(".approval__select")];
    }

    function selectedIds() {
      return boxes()
        .filter((box) => box.checked)
        .map((box) => Number(box.value));
    }

    function updateSelection() {
      const all = boxes();
      const chosen = all.filter((box) => box.checked).length;
      selectAll.checked = all.length > 0 && chosen === all.length;
      selectAll.indeterminate = chosen > 0 && chosen < all.length;
      translate(selectedCount, "approvals.selected", { count: chosen });
      approveSelected.disabled = chosen === 0;
      rejectSelected.disabled = chosen === 0;
    }

    function clearNoteError() {
      noteError.hidden = true;
      note.removeAttribute("aria-invalid");
      note.setAttribute("aria-describedby", `${noteId}-hint`);
    }

    async function decide(ids, decision, button) {
      alert.clear();
      status.hidden = true;
      clearNoteError();
      if (!ids.length) return;
      const text = note.value.trim();
      if (decision === "rejected" && !text) {
        translate(noteError, "approvals.noteRequired");
        noteError.hidden = false;
        note.setAttribute("aria-invalid", "true");
        note.setAttribute("aria-describedby", `${noteId}-hint ${noteId}-error`);
        note.focus();
        return;
      }
      const key = button.dataset.i18n;
      const args = button.dataset.i18nArgs ? JSON.parse(button.dataset.i18nArgs) : undefined;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      translate(button, "common.wait");
      let done;
      try {
        done = await api.post("/api/attendance/approvals/decisions", { ids, decision, note: text });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        alert.show(problemText(error));
        // Someone else may have decided meanwhile (409) or the list changed (404): refresh it.
        if (error.status === 404 || error.status === 409) await load();
        return;
      } finally {
        button.removeAttribute("aria-busy");
        if (document.contains(button)) translate(button, key, args);
        button.disabled = false;
      }
      note.value = "";
      const count = done?.decided?.length ?? ids.length;
      const doneKey = decision === "approved" ? "approvals.approvedDone" : "approvals.rejectedDone";
      await load();
      translate(status, doneKey, { count });
      status.hidden = false;
      status.tabIndex = -1;
      status.focus();
    }

    function itemCard(item) {
      const checkIn = item.checkIn;
      const id = `approval-${checkIn.id}`;
      const verdict = verdictMessage(checkIn.verdict, true);
      const box = h("input", {
        type: "checkbox",
        id,
        class: "checkbox__input approval__select",
        value: String(checkIn.id),
        on: { change: updateSelection },
      });
      const when = formatDateTime(checkIn.occurredAt);
      const selectLabel = h("label", {
        class: "visually-hidden",
        htmlFor: id,
        t: "approvals.selectItem",
        args: { name: item.officerName, when },
      });
      const badges = findingBadges(checkIn, { passkey: false });
      return h(
        "li",
        { class: "approval card", dataset: { id: String(checkIn.id) } },
        h(
          "div",
          { class: "approval__head" },
          box,
          h(
            "div",
            { class: "approval__who" },
            h("h2", { class: "approval__name", text: item.officerName }),
            h("p", { class: "approval__meta", text: `${kindText(checkIn.kind)} · ${when}` }),
            item.escalated ? h("span", { class: "badge badge--bad", t: "approvals.escalated" }) : null,
            selectLabel,
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
        h(
          "div",
          { class: "button-row button-row--tight" },
          h("button", {
            type: "button",
            class: "button button--primary button--small",
            t: "approvals.approveOne",
            args: { name: item.officerName, when },
            tAttrs: { "aria-label": "approvals.approveFor" },
            on: { click: (event) => decide([checkIn.id], "approved", event.currentTarget) },
          }),
          h("button", {
            type: "button",
            class: "button button--secondary button--danger button--small",
            t: "approvals.rejectOne",
            args: { name: item.officerName, when },
            tAttrs: { "aria-label": "approvals.rejectFor" },
            on: { click: (event) => decide([checkIn.id], "rejected", event.currentTarget) },
          }),
        ),
      );
    }

    function renderList() {
      if (loadFailed) {
        listRegion.replaceChildren(h("p", { class: "alert alert--error", attrs: { role: "alert" }, ...loadFailed }));
        toolbar.hidden = true;
        return;
      }
      if (!items.length) {
        listRegion.replaceChildren(h("p", { class: "card approvals__empty", t: "approvals.empty" }));
        toolbar.hidden = true;
        return;
      }
      toolbar.hidden = false;
      listRegion.replaceChildren(
        h("p", { class: "approvals__total", t: "approvals.total", args: { count: items.length } }),
        h("ul", { class: "approvals" }, items.map(itemCard)),
      );
      selectAll.checked = false;
      updateSelection();
    }

    async function load() {
      try {
        items = await api.get("/api/attendance/approvals");
        loadFailed = null;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const text = problemText(error);
        loadFailed = text.key ? { t: text.key } : { text: text.text };
      }
      if (ctx.isCurrent()) renderList();
    }

    await load();
    // Chairs: minutes submitted for approval (owned by the minutes area).
    const minutesSection = await minutesApprovalsSection();
    // Supervisors: movement slips (their own section, slip-approvals.js).
    const slipSection = await slipApprovalsSection();
    // Supervisors: attendance issues (their own section, issue-approvals.js).
    const issueSection = await issueApprovalsSection();
    return h(
      "section",
      { class: "page approvals-page" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "approvals.title" }),
        h("p", { class: "page__lead", t: "approvals.lead" }),
      ),
      status,
      alert.element,
      toolbar,
      listRegion,
      slipSection,
      issueSection,
      minutesSection,
    );
  },
};
