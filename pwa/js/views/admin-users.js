// Agency administrators: find people, issue a temporary password (shown once), unlock.
// Cards on phones and portrait tablets, a table from 960 px (landscape tablets and up); one of
// the two is in the page at a time.

import { api } from "../api.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
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

/** A modal dialog built on <dialog>; focus returns to the opener when it closes. */
function openDialog({ labelKey, args, build, opener = document.activeElement }) {
  const titleId = uniqueId("dialog-title");
  const dialog = h("dialog", { class: "dialog", attrs: { "aria-labelledby": titleId } });
  const close = (value) => dialog.close(value);
  dialog.append(h("h2", { class: "dialog__title", id: titleId, t: labelKey, args }), ...build(close));
  document.body.append(dialog);
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && document.contains(opener)) opener.focus();
  });
  dialog.showModal();
  return dialog;
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
    const actionStatus = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
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

    async function unlock(user, button) {
      actionStatus.hidden = true;
      alert.clear();
      try {
        await busy(button, () => api.post(`/api/users/${user.id}/unlock`));
        actionStatus.hidden = false;
        translate(actionStatus, "admin.unlocked", { name: user.name });
      } catch (error) {
        alert.show(problemText(error));
      }
    }

    function actions(user) {
      const temporary = h("button", {
        type: "button",
        class: "button button--secondary button--small",
        t: "admin.tempAction",
        args: { name: user.name },
        tAttrs: { "aria-label": "admin.tempActionFor" },
      });
      temporary.addEventListener("click", () => issueTemporary(user, temporary));
      const unlockButton = h("button", {
        type: "button",
        class: "button button--secondary button--small",
        t: "admin.unlock",
        args: { name: user.name },
        tAttrs: { "aria-label": "admin.unlockFor" },
      });
      unlockButton.addEventListener("click", () => unlock(user, unlockButton));
      return h("div", { class: "button-row button-row--tight" }, temporary, unlockButton);
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
              stateBadge(user.state),
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
                h("td", {}, stateBadge(user.state)),
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
      const previous = h("button", {
        type: "button",
        class: "button button--secondary button--small",
        t: "admin.previous",
        disabled: page <= 1,
        on: { click: () => load(page - 1, { focusResults: true }) },
      });
      const next = h("button", {
        type: "button",
        class: "button button--secondary button--small",
        t: "admin.next",
        disabled: page >= pages,
        on: { click: () => load(page + 1, { focusResults: true }) },
      });
      pager.replaceChildren(
        previous,
        h("span", { class: "pager__label", t: "admin.pageOf", args: { page, pages } }),
        next,
      );
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

    load(state.page);

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
    );
  },
};

