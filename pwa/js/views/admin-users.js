// Agency administrators: find people, issue a temporary password (shown once), unlock, freeze
// and unfreeze, terminate, reset the second factors; and the termination report.
// Cards on phones and portrait tablets, a table from 960 px (landscape tablets and up); one of
// the two is in the page at a time.

import { api } from "../api.js";
import { confirmDialog, openDialog } from "../dialog.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
import { renderPager } from "../pager.js";
import { language, locale, translate } from "../i18n.js";
import { currentUser } from "../session.js";

const PAGE_SIZE = 20;
const STATES = ["active", "frozen", "terminated"];
// The table needs about 900 px of content width; below that (phones, portrait tablets with
// the side bar) cards read better than a table that scrolls sideways.
const WIDE = "(min-width: 960px)";

function formatDateTime(value) {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Kuala_Lumpur",
  }).format(date);
}

function stateBadge(state) {
  return h("span", { class: `badge badge--${state}`, t: `userState.${state}` });
}

/** State, and "Locked" when three wrong passwords locked the account. */
function badges(user) {
  return h(
    "span",
    { class: "badges badges--inline" },
    stateBadge(user.state),
    user.locked ? h("span", { class: "badge badge--locked", t: "admin.locked" }) : null,
  );
}

const FREEZE_REASONS = {
  long_leave: "lifecycle.freezeLongLeave",
  course: "lifecycle.freezeCourse",
  discipline: "lifecycle.freezeDiscipline",
  inactivity: "lifecycle.freezeInactivity",
  pending_termination: "lifecycle.freezePendingTermination",
};

const TERMINATE_REASONS = {
  transfer: "lifecycle.terminateTransfer",
  retirement: "lifecycle.terminateRetirement",
  resignation: "lifecycle.terminateResignation",
  discipline: "lifecycle.terminateDiscipline",
  inactivity: "lifecycle.terminateInactivity",
};

const ALL_REASONS = { ...FREEZE_REASONS, ...TERMINATE_REASONS };

function formatDate(value) {
  if (!value) return "";
  const date = new Date(`${value}T00:00:00+08:00`);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "Asia/Kuala_Lumpur" }).format(date);
}

/**
 * Freeze or terminate: a reason (required), the date of the event (optional), and for a
 * termination a warning that it cannot be undone. Resolves {reason, eventDate} or null.
 */
function lifecycleDialog({ user, kind, opener }) {
  const terminate = kind === "terminate";
  const reasons = terminate ? TERMINATE_REASONS : FREEZE_REASONS;
  return new Promise((resolve) => {
    let answer = null;
    openDialog({
      labelKey: terminate ? "lifecycle.terminateTitle" : "lifecycle.freezeTitle",
      args: { name: user.name },
      opener,
      build: (close) => {
        const reasonId = uniqueId("reason");
        const dateId = uniqueId("event-date");
        const reasonError = h("p", { class: "field__error", id: `${reasonId}-error`, hidden: true });
        const reason = h(
          "select",
          { id: reasonId, name: "reason", class: "input select", attrs: { required: true, "aria-required": "true" } },
          h("option", { value: "", t: "lifecycle.reasonChoose" }),
          Object.entries(reasons).map(([value, key]) => h("option", { value, t: key })),
        );
        const date = h("input", {
          id: dateId,
          name: "eventDate",
          type: "date",
          class: "input",
          attrs: { "aria-describedby": `${dateId}-hint` },
        });
        const submit = h("button", {
          type: "submit",
          class: terminate ? "button button--danger-solid" : "button button--primary",
          t: terminate ? "lifecycle.terminateConfirm" : "lifecycle.freezeConfirm",
        });
        const cancel = h("button", { type: "button", class: "button button--secondary", t: "common.cancel", on: { click: () => close("no") } });
        queueMicrotask(() => reason.focus());
        reason.addEventListener("change", () => {
          if (!reason.value) return;
          reasonError.hidden = true;
          reason.removeAttribute("aria-invalid");
          reason.removeAttribute("aria-describedby");
        });
        function onSubmit(event) {
          event.preventDefault();
          if (!reason.value) {
            translate(reasonError, "lifecycle.reasonRequired");
            reasonError.hidden = false;
            reason.setAttribute("aria-invalid", "true");
            reason.setAttribute("aria-describedby", reasonError.id);
            reason.focus();
            return;
          }
          answer = { reason: reason.value, ...(date.value ? { eventDate: date.value } : {}) };
          close("yes");
        }
        return [
          h("p", { class: terminate ? "alert alert--warning" : "dialog__text", t: terminate ? "lifecycle.terminateText" : "lifecycle.freezeText", args: { name: user.name, loginId: user.loginId } }),
          h(
            "form",
            { class: "form", noValidate: true, on: { submit: onSubmit } },
            h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: reasonId, t: "lifecycle.reason" }), reason, reasonError),
            h(
              "div",
              { class: "field" },
              h("label", { class: "field__label", htmlFor: dateId, t: "lifecycle.eventDate" }),
              h("p", { class: "field__hint", id: `${dateId}-hint`, t: terminate ? "lifecycle.eventDateHintTerminate" : "lifecycle.eventDateHint" }),
              date,
            ),
            h("div", { class: "button-row button-row--end" }, cancel, submit),
          ),
        ];
      },
    }).addEventListener("close", () => resolve(answer));
  });
}

/** "Last active: 22 Nov 2026, 9:05 am" on cards; the bare date in the table's own column. */
function lastActive(user, { labelled = true } = {}) {
  const formatted = formatDateTime(user.lastActiveAt);
  if (!formatted) return h("span", { t: "admin.neverActive" });
  return labelled
    ? h("span", { t: "admin.lastActiveAt", args: { when: formatted } })
    : h("span", { text: formatted });
}

function jobLine(user) {
  return [user.position, user.grade].filter(Boolean).join(", ");
}

/** Which offices the person checks in at: resolves the chosen office ids, or null. */
function officesDialog({ user, offices, assigned, opener }) {
  return new Promise((resolve) => {
    openDialog({
      labelKey: "offices.assignTitle",
      args: { name: user.name },
      opener,
      build: (close) => {
        const boxes = offices.map((office) => {
          const id = uniqueId("office");
          const box = h("input", { id, type: "checkbox", class: "checkbox__input", value: String(office.id), checked: assigned.includes(office.id) });
          return { box, row: h("div", { class: "checkbox" }, box, h("label", { class: "checkbox__label", htmlFor: id, text: `${office.name} (${office.code})` })) };
        });
        const save = h("button", { type: "button", class: "button button--primary", t: "offices.assignSave", on: { click: () => close("save") } });
        const cancel = h("button", { type: "button", class: "button button--secondary", t: "common.cancel", on: { click: () => close("no") } });
        queueMicrotask(() => (boxes[0]?.box ?? cancel).focus());
        return [
          h(
            "fieldset",
            { class: "offices__fieldset" },
            h("legend", { class: "field__label", t: "offices.assignLegend" }),
            offices.length ? boxes.map((b) => b.row) : h("p", { t: "offices.none" }),
          ),
          h("div", { class: "button-row button-row--end" }, cancel, save),
        ];
      },
    }).addEventListener("close", (event) => {
      if (event.target.returnValue !== "save") resolve(null);
      else resolve([...event.target.querySelectorAll("input[type=checkbox]:checked")].map((b) => Number(b.value)));
    });
  });
}

function confirmTemporaryPassword(user, opener) {
  return new Promise((resolve) => {
    openDialog({
      labelKey: "admin.tempConfirmTitle",
      opener,
      build: (close) => {
        const confirm = h("button", {
          type: "button",
          class: "button button--primary",
          t: "admin.tempConfirm",
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
          h("p", { class: "dialog__text", t: "admin.tempConfirmText", args: { name: user.name, loginId: user.loginId } }),
          h("div", { class: "button-row button-row--end" }, cancel, confirm),
        ];
      },
    }).addEventListener("close", (event) => resolve(event.target.returnValue === "yes"));
  });
}

function showTemporaryPassword(user, issued, opener) {
  openDialog({
    labelKey: "admin.tempIssuedTitle",
    opener,
    build: (close) => {
      const inputId = uniqueId("temporary-password");
      const copyStatus = h("p", { class: "dialog__status", attrs: { role: "status" } });
      const output = h("input", {
        id: inputId,
        class: "input input--secret",
        type: "text",
        readOnly: true,
        value: issued.temporaryPassword,
        attrs: { autocomplete: "off", spellcheck: "false", "aria-describedby": `${inputId}-warning` },
      });
      const copy = h(
        "button",
        {
          type: "button",
          class: "button button--secondary",
          on: {
            click: async () => {
              try {
                await navigator.clipboard.writeText(output.value);
                translate(copyStatus, "admin.copied");
              } catch {
                output.select();
                const copied = document.execCommand?.("copy");
                translate(copyStatus, copied ? "admin.copied" : "admin.copyFailed");
              }
            },
          },
        },
        icon("copy"),
        h("span", { t: "admin.copy" }),
      );
      const expires = formatDateTime(issued.expiresAt);
      return [
        h("p", { class: "alert alert--warning", id: `${inputId}-warning`, t: "admin.tempShownOnce" }),
        h(
          "dl",
          { class: "details details--compact" },
          h("div", { class: "details__row" }, h("dt", { t: "admin.user" }), h("dd", { text: user.name })),
          h("div", { class: "details__row" }, h("dt", { t: "account.loginId" }), h("dd", { text: issued.loginId })),
          expires
            ? h("div", { class: "details__row" }, h("dt", { t: "admin.tempExpires" }), h("dd", { text: expires, attrs: { lang: language() } }))
            : null,
        ),
        h(
          "div",
          { class: "field" },
          h("label", { class: "field__label", htmlFor: inputId, t: "admin.tempPassword" }),
          h("div", { class: "field__control field__control--copy" }, output, copy),
        ),
        copyStatus,
        h(
          "div",
          { class: "button-row button-row--end" },
          h("button", { type: "button", class: "button button--primary", t: "admin.tempDone", on: { click: () => close("done") } }),
        ),
      ];
    },
  });
}

export const adminUsersView = {
  title: "admin.title",
  render(ctx) {
    const me = currentUser();
    const agencyId = me.agencyId;
    const state = { q: ctx.query.q ?? "", state: ctx.query.state ?? "", page: Number(ctx.query.page) || 1 };
    let last = null; // the last page of results, for re-rendering on a layout change
    const wide = window.matchMedia(WIDE);

    const alert = formAlert();
    const status = h("p", { class: "results__status", attrs: { role: "status" } });
    const actionStatus = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true, tabIndex: -1 });
    const report = h("div", { class: "report" });
    const reportAlert = formAlert();
    const resultsHeading = h("h2", { class: "results__title", id: "results-title", t: "admin.results", tabIndex: -1 });
    const list = h("div", { class: "results__list" });
    const pager = h("nav", { class: "pager", tAttrs: { "aria-label": "admin.pagination" } });

    const searchId = uniqueId("search");
    const stateId = uniqueId("state");
    const search = h("input", {
      id: searchId,
      type: "search",
      name: "q",
      class: "input",
      value: state.q,
      attrs: { autocomplete: "off", spellcheck: "false", maxlength: 100, "aria-describedby": `${searchId}-hint` },
    });
    const stateSelect = h(
      "select",
      { id: stateId, name: "state", class: "input select" },
      h("option", { value: "", t: "admin.stateAll" }),
      STATES.map((s) => h("option", { value: s, t: `userState.${s}` })),
    );
    stateSelect.value = state.state;
    const submit = h("button", { type: "submit", class: "button button--primary" }, icon("search"), h("span", { t: "admin.search" }));

    async function issueTemporary(user, button) {
      if (!(await confirmTemporaryPassword(user, button))) return;
      try {
        const issued = await busy(button, () => api.post(`/api/users/${user.id}/temporary-password`));
        showTemporaryPassword(user, issued, button);
      } catch (error) {
        alert.show(problemText(error));
      }
    }

    /** Shows the result, puts the changed user in the list, and keeps the keyboard in place. */
    function done(user, changes, key) {
      const index = last?.items.findIndex((item) => item.id === user.id) ?? -1;
      if (index >= 0) last.items[index] = { ...last.items[index], ...changes };
      renderResults();
      actionStatus.hidden = false;
      translate(actionStatus, key, { name: user.name });
      actionStatus.focus();
    }

    async function run(user, button, work) {
      actionStatus.hidden = true;
      alert.clear();
      try {
        return await busy(button, work);
      } catch (error) {
        alert.show(problemText(error));
        return undefined;
      }
    }

    async function assignOffices(user, button) {
      let offices;
      let assigned;
      try {
        [offices, assigned] = await busy(button, () =>
          Promise.all([api.get(`/api/agencies/${me.agencyId}/offices`), api.get(`/api/users/${user.id}/offices`)]),
        );
      } catch (error) {
        alert.show(problemText(error));
        return;
      }
      const chosen = await officesDialog({ user, offices: offices.filter((o) => o.active), assigned, opener: button });
      if (!chosen) return;
      const result = await run(user, button, () => api.put(`/api/users/${user.id}/offices`, { officeIds: chosen }).then(() => true));
      if (result) done(user, {}, "offices.assigned");
    }

    async function unlock(user, button) {
      const result = await run(user, button, () => api.post(`/api/users/${user.id}/unlock`).then(() => true));
      if (result) done(user, { locked: false }, "admin.unlocked");
    }

    async function freeze(user, button) {
      const answer = await lifecycleDialog({ user, kind: "freeze", opener: button });
      if (!answer) return;
      const updated = await run(user, button, () => api.post(`/api/users/${user.id}/freeze`, answer));
      if (updated) done(user, { ...updated, locked: user.locked }, "lifecycle.frozen");
    }

    async function unfreeze(user, button) {
      const updated = await run(user, button, () => api.post(`/api/users/${user.id}/unfreeze`));
      if (updated) done(user, { ...updated, locked: user.locked }, "lifecycle.unfrozen");
    }

    async function terminate(user, button) {
      const answer = await lifecycleDialog({ user, kind: "terminate", opener: button });
      if (!answer) return;
      const updated = await run(user, button, () => api.post(`/api/users/${user.id}/terminate`, answer));
      if (updated) {
        done(user, { ...updated, locked: user.locked }, "lifecycle.terminated");
        loadReport();
      }
    }

    async function resetFactors(user, button) {
      const yes = await confirmDialog({
        titleKey: "lifecycle.resetMfaTitle",
        textKey: "lifecycle.resetMfaText",
        args: { name: user.name },
        confirmKey: "lifecycle.resetMfaConfirm",
        danger: true,
        opener: button,
      });
      if (!yes) return;
      const result = await run(user, button, () => api.post(`/api/users/${user.id}/reset-mfa`).then(() => true));
      if (result) done(user, {}, "lifecycle.mfaReset");
    }

    function actionButton(user, key, forKey, handler, extra = "") {
      const button = h("button", {
        type: "button",
        class: `button button--secondary button--small ${extra}`.trim(),
        t: key,
        args: { name: user.name },
        tAttrs: { "aria-label": forKey },
      });
      button.addEventListener("click", () => handler(user, button));
      return button;
    }

    function actions(user) {
      const self = user.id === me.id;
      const terminated = user.state === "terminated";
      const buttons = [];
      if (!terminated) buttons.push(actionButton(user, "admin.tempAction", "admin.tempActionFor", issueTemporary));
      if (!terminated) buttons.push(actionButton(user, "offices.assignAction", "offices.assignActionFor", assignOffices));
      if (user.locked) buttons.push(actionButton(user, "admin.unlock", "admin.unlockFor", unlock));
      if (!self && user.state === "active") buttons.push(actionButton(user, "lifecycle.freeze", "lifecycle.freezeFor", freeze));
      if (!self && user.state === "frozen") buttons.push(actionButton(user, "lifecycle.unfreeze", "lifecycle.unfreezeFor", unfreeze));
      if (!self && !terminated) {
        buttons.push(actionButton(user, "lifecycle.resetMfa", "lifecycle.resetMfaFor", resetFactors));
        buttons.push(actionButton(user, "lifecycle.terminate", "lifecycle.terminateFor", terminate, "button--danger"));
      }
      if (!buttons.length) return h("p", { class: "user-card__muted", t: "lifecycle.noActions" });
      return h("div", { class: "button-row button-row--tight user-actions" }, buttons);
    }

    function cards(items) {
      return h(
        "ul",
        { class: "user-cards" },
        items.map((user) =>
          h(
            "li",
            { class: "user-card" },
            h(
              "div",
              { class: "user-card__head" },
              h("h3", { class: "user-card__name", text: user.name }),
              badges(user),
            ),
            h("p", { class: "user-card__meta" }, h("span", { class: "mono", text: user.loginId })),
            jobLine(user) ? h("p", { class: "user-card__meta", text: jobLine(user) }) : null,
            h("p", { class: "user-card__meta user-card__muted" }, lastActive(user)),
            actions(user),
          ),
        ),
      );
    }

    function table(items) {
      const head = ["admin.colName", "admin.colLoginId", "admin.colState", "admin.colLastActive", "admin.colActions"];
      return h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table" },
          h("caption", { class: "visually-hidden", t: "admin.results" }),
          h("thead", {}, h("tr", {}, head.map((key) => h("th", { attrs: { scope: "col" }, t: key })))),
          h(
            "tbody",
            {},
            items.map((user) =>
              h(
                "tr",
                {},
                h(
                  "th",
                  { attrs: { scope: "row" }, class: "table__name" },
                  h("span", { class: "table__primary", text: user.name }),
                  jobLine(user) ? h("span", { class: "table__secondary", text: jobLine(user) }) : null,
                ),
                h("td", { class: "mono table__nowrap", text: user.loginId }),
                h("td", {}, badges(user)),
                h("td", { class: "table__muted" }, lastActive(user, { labelled: false })),
                h("td", {}, actions(user)),
              ),
            ),
          ),
        ),
      );
    }

    function renderResults() {
      if (!last) return;
      const { items, total, page, pageSize } = last;
      const pages = Math.max(1, Math.ceil(total / pageSize));
      if (!items.length) {
        translate(status, "admin.none");
        list.replaceChildren();
        pager.replaceChildren();
        return;
      }
      const from = (page - 1) * pageSize + 1;
      translate(status, "admin.showing", { from, to: from + items.length - 1, total });
      list.replaceChildren(wide.matches ? table(items) : cards(items));
      renderPager(pager, page, pages, (target) => load(target, { focusResults: true }));
    }

    async function load(page, { focusResults = false } = {}) {
      alert.clear();
      actionStatus.hidden = true;
      translate(status, "common.loading");
      try {
        last = await api.get(`/api/agencies/${agencyId}/users`, {
          q: state.q,
          state: state.state,
          page,
          pageSize: PAGE_SIZE,
        });
        if (!ctx.isCurrent()) return;
        state.page = last.page;
        renderResults();
        if (focusResults) resultsHeading.focus();
      } catch (error) {
        status.textContent = "";
        delete status.dataset.i18n;
        list.replaceChildren();
        pager.replaceChildren();
        alert.show(problemText(error));
      }
    }

    const onLayout = () => renderResults();
    wide.addEventListener("change", onLayout);
    ctx.onLeave(() => wide.removeEventListener("change", onLayout));

    const form = h(
      "form",
      {
        class: "filters",
        attrs: { role: "search" },
        noValidate: true,
        on: {
          submit: (event) => {
            event.preventDefault();
            state.q = search.value.trim();
            state.state = stateSelect.value;
            load(1);
          },
        },
      },
      h(
        "div",
        { class: "field filters__search" },
        h("label", { class: "field__label", htmlFor: searchId, t: "admin.searchLabel" }),
        h("p", { class: "field__hint", id: `${searchId}-hint`, t: "admin.searchHint" }),
        search,
      ),
      h(
        "div",
        { class: "field filters__state" },
        h("label", { class: "field__label", htmlFor: stateId, t: "admin.stateLabel" }),
        stateSelect,
      ),
      h("div", { class: "filters__submit" }, submit),
    );

    /** People frozen pending termination, or terminated: due within 30 days of the event. */
    async function loadReport() {
      reportAlert.clear();
      report.replaceChildren(h("p", { class: "card__text", attrs: { role: "status" }, t: "common.loading" }));
      try {
        const rows = await api.get(`/api/agencies/${agencyId}/termination-report`);
        if (!ctx.isCurrent()) return;
        if (!rows.length) {
          report.replaceChildren(h("p", { class: "card__text", t: "report.none" }));
          return;
        }
        rows.sort((a, b) => Number(b.overdue) - Number(a.overdue) || String(a.dueDate).localeCompare(String(b.dueDate)));
        report.replaceChildren(
          h(
            "ul",
            { class: "items", tAttrs: { "aria-label": "report.title" } },
            rows.map((row) =>
              h(
                "li",
                { class: row.overdue ? "item item--overdue" : "item" },
                h(
                  "div",
                  { class: "item__head" },
                  h("span", { class: "item__name", text: row.name }),
                  h(
                    "span",
                    { class: "badges badges--inline" },
                    stateBadge(row.state),
                    row.overdue ? h("span", { class: "badge badge--bad", t: "report.overdue" }) : null,
                  ),
                ),
                h("p", { class: "item__meta mono", text: row.loginId }),
                h("p", { class: "item__meta" }, h("span", { t: ALL_REASONS[row.reason] ?? "report.reasonOther" })),
                row.eventDate ? h("p", { class: "item__meta", t: "report.eventDate", args: { date: formatDate(row.eventDate) } }) : null,
                h("p", { class: row.overdue ? "item__meta item__overdue" : "item__meta", t: row.overdue ? "report.dueOverdue" : "report.due", args: { date: formatDate(row.dueDate) } }),
              ),
            ),
          ),
        );
      } catch (error) {
        report.replaceChildren();
        reportAlert.show(problemText(error));
      }
    }

    load(state.page);
    loadReport();

    return h(
      "section",
      { class: "page page--wide" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "admin.title" }),
        h("p", { class: "page__lead", t: "admin.lead" }),
      ),
      form,
      alert.element,
      actionStatus,
      h(
        "section",
        { class: "results", attrs: { "aria-labelledby": "results-title" } },
        h("div", { class: "results__head" }, resultsHeading, status),
        list,
        pager,
      ),
      h(
        "section",
        { class: "card report-card", attrs: { "aria-labelledby": "report-title" } },
        h("h2", { class: "card__title", id: "report-title", t: "report.title" }),
        h("p", { class: "card__text", t: "report.lead" }),
        reportAlert.element,
        report,
      ),
    );
  },
};

