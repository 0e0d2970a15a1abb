// Audit trail for administrators: filter by action, person and dates (the actions and people are
// pick-lists of what the trail holds), page through the events (cards on phones and portrait
// tablets, a table from 960 px), and download the same selection as CSV or XLSX.

import { api } from "../api.js";
import { h, icon, uniqueId } from "../dom.js";
import { dateField, formAlert, problemText } from "../forms.js";
import { hasKey, locale, onLanguageChange, t, translate } from "../i18n.js";
import { showPage } from "../pager.js";

const PAGE_SIZE = 20;
const WIDE = "(min-width: 960px)";

function formatDateTime(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value ?? "");
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone: "Asia/Kuala_Lumpur",
  }).format(date);
}

/** Dates are Malaysian days: from the start of `from` to the end of `to` (UTC+8). */
function range(filters) {
  const query = {};
  if (filters.action) query.action = filters.action;
  if (filters.actor) query.actorId = filters.actor;
  if (filters.from) query.from = `${filters.from}T00:00:00+08:00`;
  if (filters.to) {
    const next = new Date(`${filters.to}T00:00:00+08:00`);
    next.setUTCDate(next.getUTCDate() + 1);
    // The server takes "to" as exclusive: the next day's midnight in Malaysia.
    const day = new Date(next.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    query.to = `${day}T00:00:00+08:00`;
  }
  return query;
}

/** {"reason": "long_leave", "sessions_ended": 1} -> "reason: long_leave · sessions_ended: 1" */
function detailText(detail) {
  if (!detail || typeof detail !== "object") return "";
  return Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(" · ");
}

/** The action in words where the catalogue knows it, with its code for searching. */
function actionLabel(event, className) {
  const key = `auditAction.${event.action}`;
  if (!hasKey(key)) return h("span", { class: `${className} mono`, text: event.action });
  return h(
    "span",
    { class: className },
    h("span", { t: key }),
    " ",
    h("span", { class: "mono audit__code", text: `(${event.action})` }),
  );
}

/** The person by name, with the id small beside it (ids stay searchable); "—" for none. */
function actorText(event) {
  if (event.actorId === null || event.actorId === undefined) return "—";
  return event.actorName ? `${event.actorName} (#${event.actorId})` : `#${event.actorId}`;
}

function actionWords(code) {
  const key = `auditAction.${code}`;
  return hasKey(key) ? t(key) : code;
}

function target(event) {
  if (event.targetName) return `${event.targetName} (#${event.targetId})`;
  return [event.targetType, event.targetId].filter(Boolean).join(" #");
}

export const adminAuditView = {
  title: "audit.title",
  render(ctx) {
    const filters = {
      action: ctx.query.action ?? "",
      actor: ctx.query.actor ?? "",
      from: ctx.query.from ?? "",
      to: ctx.query.to ?? "",
    };
    let page = 1;
    let last = null;
    const wide = window.matchMedia(WIDE);

    const alert = formAlert();
    const status = h("p", { class: "results__status", attrs: { role: "status" } });
    const resultsHeading = h("h2", { class: "results__title", id: "audit-results-title", t: "audit.results", tabIndex: -1 });
    const list = h("div", { class: "results__list" });
    const pager = h("nav", { class: "pager", tAttrs: { "aria-label": "audit.pagination" } });
    const exportLink = h("a", { class: "button button--secondary", attrs: { download: "jejak-audit.csv" } }, icon("download"), h("span", { t: "audit.export" }));
    const exportXlsx = h("a", { class: "button button--secondary", attrs: { download: "jejak-audit.xlsx" } }, icon("download"), h("span", { t: "audit.exportXlsx" }));

    /** A pick-list filled from /api/audit/filters; the chosen value survives the refill. */
    function pickList(name, labelKey, allKey) {
      const id = uniqueId(name);
      const control = h("select", { id, name, class: "input" });
      const fill = (choices) => {
        const chosen = control.value || filters[name];
        control.replaceChildren(
          h("option", { value: "", t: allKey }),
          ...choices.map(([value, text]) => h("option", { value, text, selected: value === chosen })),
        );
        if (chosen && !choices.some(([value]) => value === chosen)) {
          control.append(h("option", { value: chosen, text: chosen, selected: true }));
        }
      };
      fill([]);
      const element = h(
        "div",
        { class: `field audit-filters__${name}` },
        h("label", { class: "field__label", htmlFor: id, t: labelKey }),
        control,
      );
      return { element, control, fill };
    }
    const action = pickList("action", "audit.action", "audit.actionAll");
    const actor = pickList("actor", "audit.actor", "audit.actorAll");
    let choices = null;
    function fillChoices() {
      if (!choices) return;
      const collator = new Intl.Collator(locale());
      action.fill(
        choices.actions.map((code) => [code, actionWords(code)]).sort((a, b) => collator.compare(a[1], b[1])),
      );
      actor.fill(choices.actors.map((person) => [String(person.id), person.name]));
    }
    ctx.onLeave(onLanguageChange(fillChoices));
    api
      .get("/api/audit/filters")
      .then((answer) => {
        if (!ctx.isCurrent()) return;
        choices = answer;
        fillChoices();
      })
      .catch((error) => alert.show(problemText(error)));
    // dd/mm/yyyy on every phone (a native date picker follows the browser: mm/dd/yyyy).
    const from = dateField("audit.from", { value: filters.from });
    const to = dateField("audit.to", { value: filters.to });
    const submit = h("button", { type: "submit", class: "button button--primary" }, icon("search"), h("span", { t: "audit.filter" }));

    function updateExport() {
      for (const [link, path] of [
        [exportLink, "/api/audit/export.csv"],
        [exportXlsx, "/api/audit/export.xlsx"],
      ]) {
        const url = new URL(path, location.origin);
        for (const [key, value] of Object.entries(range(filters))) url.searchParams.set(key, value);
        link.href = url.pathname + url.search;
      }
    }

    function card(event) {
      const detail = detailText(event.detail);
      return h(
        "li",
        { class: "item audit-item" },
        h("div", { class: "item__head" }, actionLabel(event, "item__name"), h("span", { class: "item__meta", t: "audit.seq", args: { seq: event.seq } })),
        h("p", { class: "item__meta", text: formatDateTime(event.at) }),
        h(
          "dl",
          { class: "audit-facts" },
          h("div", {}, h("dt", { t: "audit.colActor" }), h("dd", { text: actorText(event) })),
          h("div", {}, h("dt", { t: "audit.colTarget" }), h("dd", { text: target(event) || "—" })),
          event.ip ? h("div", {}, h("dt", { t: "audit.colIp" }), h("dd", { text: event.ip })) : null,
          detail ? h("div", {}, h("dt", { t: "audit.colDetail" }), h("dd", { class: "audit-detail", text: detail })) : null,
        ),
      );
    }

    function table(items) {
      const head = ["audit.colAt", "audit.colAction", "audit.colActor", "audit.colTarget", "audit.colIp"];
      return h(
        "div",
        // Wider than a phone or a tablet when the details are long: focusable, so that it
        // scrolls with the keyboard too.
        { class: "table-wrap", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": "audit.resultsTable" } },
        h(
          "table",
          { class: "table audit-table" },
          h("caption", { class: "visually-hidden", t: "audit.results" }),
          h("thead", {}, h("tr", {}, head.map((key) => h("th", { attrs: { scope: "col" }, t: key })))),
          h(
            "tbody",
            {},
            items.map((event) => {
              const detail = detailText(event.detail);
              return h(
                "tr",
                {},
                h(
                  "td",
                  { class: "audit-table__at" },
                  h("span", { class: "table__primary", text: formatDateTime(event.at) }),
                  h("span", { class: "table__secondary", t: "audit.seq", args: { seq: event.seq } }),
                ),
                h(
                  "th",
                  { attrs: { scope: "row" }, class: "audit-table__action" },
                  actionLabel(event, "table__primary"),
                  detail ? h("span", { class: "table__secondary audit-detail", text: detail }) : null,
                ),
                h("td", { text: actorText(event) }),
                h("td", { text: target(event) || "—" }),
                h("td", { class: "table__nowrap", text: event.ip || "—" }),
              );
            }),
          ),
        ),
      );
    }

    function renderResults() {
      if (!last) return;
      showPage({
        status,
        list,
        pager,
        items: last.items,
        total: last.total,
        page,
        pageSize: PAGE_SIZE,
        noneKey: "audit.none",
        draw: (items) => (wide.matches ? table(items) : h("ul", { class: "items" }, items.map(card))),
        go: (target) => load(target, true),
      });
    }

    async function load(target, focusResults = false) {
      alert.clear();
      translate(status, "common.loading");
      updateExport();
      try {
        const answer = await api.get("/api/audit", { ...range(filters), page: target, pageSize: PAGE_SIZE });
        if (!ctx.isCurrent()) return;
        last = answer;
        page = target;
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
        class: "filters audit-filters",
        attrs: { role: "search" },
        noValidate: true,
        on: {
          submit: (event) => {
            event.preventDefault();
            const bad = [];
            for (const day of [from, to]) {
              day.clear();
              if (day.iso() === null) bad.push(day);
            }
            if (bad.length) {
              for (const day of bad) day.setError({ key: "date.invalid" });
              bad[0].control.focus();
              return;
            }
            filters.action = action.control.value;
            filters.actor = actor.control.value;
            filters.from = from.iso();
            filters.to = to.iso();
            load(1);
          },
        },
      },
      action.element,
      actor.element,
      from.element,
      to.element,
      h("div", { class: "filters__submit" }, submit),
    );

    load(1);

    return h(
      "section",
      { class: "page page--wide" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "audit.title" }),
        h("p", { class: "page__lead", t: "audit.lead" }),
      ),
      form,
      alert.element,
      h(
        "section",
        { class: "results", attrs: { "aria-labelledby": "audit-results-title" } },
        h("div", { class: "results__head" }, resultsHeading, status),
        h("div", { class: "audit-export" }, exportLink, exportXlsx, h("p", { class: "field__hint", t: "audit.exportHint" })),
        list,
        pager,
      ),
    );
  },
};
