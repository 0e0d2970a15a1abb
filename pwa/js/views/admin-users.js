// Agency administrators: find, add and edit people (details, unit, supervisor, offices, working
// pattern, roles), transfer them, issue a temporary password (shown once), unlock, freeze and
// unfreeze, terminate, reset the second factors; and the termination report.
// One compact row per person with a single "Actions" button that opens the action list, so a
// page of 20 people fits a tablet screen. Cards on phones and portrait tablets, a table from
// 960 px; one of the two is in the page at a time.

import { api } from "../api.js";
import { confirmDialog, openDialog } from "../dialog.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, dateInput, formAlert, isoDate, problemText } from "../forms.js";
import { renderPager } from "../pager.js";
import { language, locale, translate } from "../i18n.js";
import { currentUser } from "../session.js";
import { personDialog, rolesDialog, transferDialog } from "./admin-person.js";

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
        const { input: date, hint: dateFormat } = dateInput({ id: dateId });
        date.name = "eventDate";
        date.setAttribute("aria-describedby", `${dateId}-hint ${dateFormat.id}`);
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
          const eventDate = isoDate(date);
          answer = { reason: reason.value, ...(eventDate ? { eventDate } : {}) };
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
              dateFormat,
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

/** The action list of one person, in a dialog: resolves the chosen action's name or null. */
function actionsMenu({ user, actions, opener }) {
  return new Promise((resolve) => {
    openDialog({
      labelKey: "admin.actionsTitle",
      args: { name: user.name },
      opener,
      build: (close) => {
        const buttons = actions.map(({ name, key, forKey, danger }) =>
          h("button", {
            type: "button",
            class: `button ${danger ? "button--danger" : "button--secondary"} actions-menu__item`,
            t: key,
            args: { name: user.name },
            tAttrs: { "aria-label": forKey },
            dataset: { action: name },
            on: { click: () => close(name) },
          }),
        );
        const cancel = h("button", { type: "button", class: "button button--secondary", t: "common.cancel", on: { click: () => close("") } });
        queueMicrotask(() => (buttons[0] ?? cancel).focus());
        return [
          h("p", { class: "dialog__text mono", text: user.loginId }),
          buttons.length ? h("div", { class: "actions-menu" }, buttons) : h("p", { t: "lifecycle.noActions" }),
          h("div", { class: "button-row button-row--end" }, cancel),
        ];
      },
    }).addEventListener("close", (event) => resolve(event.target.returnValue || null));
  });
}

/** Which actions a person's row offers, in the order of the menu. */
function availableActions(user, me) {
  const self = user.id === me.id;
  const terminated = user.state === "terminated";
  const list = [];
  const add = (name, key, forKey, extra = {}) => list.push({ name, key, forKey, ...extra });
  if (!terminated) {
    add("edit", "person.editAction", "person.editActionFor");
    add("transfer", "transfer.action", "transfer.actionFor");
    add("roles", "roles.action", "roles.actionFor");
    add("offices", "offices.assignAction", "offices.assignActionFor");
    add("temporary", "admin.tempAction", "admin.tempActionFor");
  }
  if (user.locked) add("unlock", "admin.unlock", "admin.unlockFor");
  if (!self && user.state === "active") add("freeze", "lifecycle.freeze", "lifecycle.freezeFor");
  if (!self && user.state === "frozen") add("unfreeze", "lifecycle.unfreeze", "lifecycle.unfreezeFor");
  if (!self && !terminated) {
    add("resetMfa", "lifecycle.resetMfa", "lifecycle.resetMfaFor");
    add("terminate", "lifecycle.terminate", "lifecycle.terminateFor", { danger: true });
  }
  return list;
}

export const adminUsersView = {
  title: "admin.title",
  render(ctx) {
    const me = currentUser();
    const agencyId = me.agencyId;
    const state = { q: ctx.query.q ?? "", state: ctx.query.state ?? "", page: Number(ctx.query.page) || 1 };
    let last = null; // the last page of results, for re-rendering on a layout change
    let lookups = null; // the agency's units and offices, read once
    const wide = window.matchMedia(WIDE);

    const alert = formAlert();
    const status = h("p", { class: "results__status", attrs: { role: "status" } });
    const actionStatus = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true, tabIndex: -1 });
    const report = h("div", { class: "report" });
    const reportAlert = formAlert();
    const resultsHeading = h("h2", { class: "results__title", id: "results-title", t: "admin.results", tabIndex: -1 });
    const list = h("div", { class: "results__list" });
    const pager = h("nav", { class: "pager", tAttrs: { "aria-label": "admin.pagination" } });

    async function agencyLookups() {
      if (!lookups) {
        const [units, offices] = await Promise.all([api.get(`/api/agencies/${agencyId}/units`), api.get(`/api/agencies/${agencyId}/offices`)]);
        lookups = { units, offices };
      }
      return lookups;
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

    async function run(button, work) {
      actionStatus.hidden = true;
      alert.clear();
      try {
        return await busy(button, work);
      } catch (error) {
        alert.show(problemText(error));
        return undefined;
      }
    }

    // ------------------------------------------------------------- the actions

    async function issueTemporary(user, button) {
      if (!(await confirmTemporaryPassword(user, button))) return;
      const issued = await run(button, () => api.post(`/api/users/${user.id}/temporary-password`));
      if (issued) showTemporaryPassword(user, issued, button);
    }

    async function assignOffices(user, button) {
      const found = await run(button, () => Promise.all([agencyLookups(), api.get(`/api/users/${user.id}/offices`)]));
      if (!found) return;
      const [{ offices }, assigned] = found;
      const chosen = await officesDialog({ user, offices: offices.filter((o) => o.active), assigned, opener: button });
      if (!chosen) return;
      const result = await run(button, () => api.put(`/api/users/${user.id}/offices`, { officeIds: chosen }).then(() => true));
      if (result) done(user, {}, "offices.assigned");
    }

    async function edit(user, button) {
      const found = await run(button, () =>
        Promise.all([
          agencyLookups(),
          api.get(`/api/users/${user.id}`),
          user.supervisorId ? api.get(`/api/users/${user.supervisorId}`).catch(() => null) : null,
        ]),
      );
      if (!found) return;
      const [known, full, supervisor] = found;
      const saved = await personDialog({ agencyId, person: { ...full, supervisor }, lookups: known, opener: button });
      if (saved) done(user, saved, "person.saved");
    }

    async function transfer(user, button) {
      const known = await run(button, agencyLookups);
      if (known && (await transferDialog({ agencyId, person: user, lookups: known, opener: button }))) {
        done(user, {}, "transfer.done");
      }
    }

    async function roles(user, button) {
      const known = await run(button, agencyLookups);
      if (known) rolesDialog({ person: user, lookups: known, opener: button });
    }

    async function unlock(user, button) {
      const result = await run(button, () => api.post(`/api/users/${user.id}/unlock`).then(() => true));
      if (result) done(user, { locked: false }, "admin.unlocked");
    }

    async function lifecycle(user, button, kind) {
      const answer = kind === "unfreeze" ? {} : await lifecycleDialog({ user, kind, opener: button });
      if (!answer) return;
      const updated = await run(button, () => api.post(`/api/users/${user.id}/${kind}`, kind === "unfreeze" ? undefined : answer));
      if (!updated) return;
      done(user, { ...updated, locked: user.locked }, { freeze: "lifecycle.frozen", unfreeze: "lifecycle.unfrozen", terminate: "lifecycle.terminated" }[kind]);
      if (kind === "terminate") loadReport();
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
      const result = await run(button, () => api.post(`/api/users/${user.id}/reset-mfa`).then(() => true));
      if (result) done(user, {}, "lifecycle.mfaReset");
    }

    const HANDLERS = {
      edit,
      transfer,
      roles,
      offices: assignOffices,
      temporary: issueTemporary,
      unlock,
      freeze: (user, button) => lifecycle(user, button, "freeze"),
      unfreeze: (user, button) => lifecycle(user, button, "unfreeze"),
      terminate: (user, button) => lifecycle(user, button, "terminate"),
      resetMfa: resetFactors,
    };

    async function addPerson(button) {
      const known = await run(button, agencyLookups);
      if (!known) return;
      const saved = await personDialog({ agencyId, person: null, lookups: known, opener: button });
      if (!saved) return;
      actionStatus.hidden = false;
      translate(actionStatus, "person.added", { name: saved.name });
      state.q = saved.loginId;
      search.value = saved.loginId;
      await load(1);
      actionStatus.hidden = false;
      actionStatus.focus();
    }

    // ------------------------------------------------------------- render steps

    function actionsButton(user) {
      const button = h(
        "button",
        {
          type: "button",
          class: "button button--secondary button--small row-actions",
          // The accessible name carries the person's name (re-translated with it on a switch).
          dataset: { i18nArgs: JSON.stringify({ name: user.name }) },
          tAttrs: { "aria-label": "admin.actionsFor" },
          attrs: { "aria-haspopup": "dialog" },
        },
        h("span", { t: "admin.colActions", attrs: { "aria-hidden": "true" } }),
      );
      button.addEventListener("click", async () => {
        const chosen = await actionsMenu({ user, actions: availableActions(user, me), opener: button });
        if (chosen) await HANDLERS[chosen](user, button);
      });
      return button;
    }

    function renderCard(user) {
      return h(
        "li",
        { class: "user-card user-card--compact" },
        h("div", { class: "user-card__head" }, h("h3", { class: "user-card__name", text: user.name }), badges(user)),
        h("p", { class: "user-card__meta" }, h("span", { class: "mono", text: user.loginId }), jobLine(user) ? h("span", { text: ` · ${jobLine(user)}` }) : null),
        h("div", { class: "user-card__foot" }, h("span", { class: "user-card__muted" }, lastActive(user)), actionsButton(user)),
      );
    }

    function renderRow(user) {
      return h(
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
        h("td", {}, actionsButton(user)),
      );
    }

    function renderTable(items) {
      const head = ["admin.colName", "admin.colLoginId", "admin.colState", "admin.colLastActive", "admin.colActions"];
      return h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table table--compact" },
          h("caption", { class: "visually-hidden", t: "admin.results" }),
          h("thead", {}, h("tr", {}, head.map((key) => h("th", { attrs: { scope: "col" }, t: key })))),
          h("tbody", {}, items.map(renderRow)),
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
      list.replaceChildren(wide.matches ? renderTable(items) : h("ul", { class: "user-cards" }, items.map(renderCard)));
      renderPager(pager, page, pages, (target) => load(target, { focusResults: true }));
    }

    async function load(page, { focusResults = false } = {}) {
      alert.clear();
      translate(status, "common.loading");
      try {
        last = await api.get(`/api/agencies/${agencyId}/users`, { q: state.q, state: state.state, page, pageSize: PAGE_SIZE });
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

    function renderFilters() {
      const submit = h("button", { type: "submit", class: "button button--primary" }, icon("search"), h("span", { t: "admin.search" }));
      return h(
        "form",
        {
          class: "filters",
          attrs: { role: "search" },
          noValidate: true,
          on: {
            submit: (event) => {
              event.preventDefault();
              actionStatus.hidden = true;
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
        h("div", { class: "field filters__state" }, h("label", { class: "field__label", htmlFor: stateId, t: "admin.stateLabel" }), stateSelect),
        h("div", { class: "filters__submit" }, submit),
      );
    }

    function renderToolbar() {
      const add = h("button", { type: "button", class: "button button--primary", t: "person.addAction" });
      add.addEventListener("click", () => addPerson(add));
      return h(
        "div",
        { class: "button-row people-toolbar" },
        add,
        h("a", { class: "button button--secondary", href: "#/admin/imports", t: "person.importLink" }),
      );
    }

    /** People frozen pending termination, or terminated: due within 30 days of the event. */
    async function loadReport() {
      reportAlert.clear();
      report.replaceChildren(h("p", { class: "card__text", attrs: { role: "status" }, t: "common.loading" }));
      try {
        const rows = await api.get(`/api/agencies/${agencyId}/termination-report`);
        if (!ctx.isCurrent()) return;
        report.replaceChildren(rows.length ? renderReport(rows) : h("p", { class: "card__text", t: "report.none" }));
      } catch (error) {
        report.replaceChildren();
        reportAlert.show(problemText(error));
      }
    }

    function renderReport(rows) {
      rows.sort((a, b) => Number(b.overdue) - Number(a.overdue) || String(a.dueDate).localeCompare(String(b.dueDate)));
      return h(
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
              h("span", { class: "badges badges--inline" }, stateBadge(row.state), row.overdue ? h("span", { class: "badge badge--bad", t: "report.overdue" }) : null),
            ),
            h("p", { class: "item__meta mono", text: row.loginId }),
            h("p", { class: "item__meta" }, h("span", { t: ALL_REASONS[row.reason] ?? "report.reasonOther" })),
            row.eventDate ? h("p", { class: "item__meta", t: "report.eventDate", args: { date: formatDate(row.eventDate) } }) : null,
            h("p", { class: row.overdue ? "item__meta item__overdue" : "item__meta", t: row.overdue ? "report.dueOverdue" : "report.due", args: { date: formatDate(row.dueDate) } }),
          ),
        ),
      );
    }

    load(state.page);
    loadReport();

    return h(
      "section",
      { class: "page page--wide" },
      h("header", { class: "page__header" }, h("h1", { class: "page__title", t: "admin.title" }), h("p", { class: "page__lead", t: "admin.lead" })),
      renderToolbar(),
      renderFilters(),
      alert.element,
      actionStatus,
      h("section", { class: "results", attrs: { "aria-labelledby": "results-title" } }, h("div", { class: "results__head" }, resultsHeading, status), list, pager),
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
