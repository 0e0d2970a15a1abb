// Usage statistics of the agency's meetings (administrators and executives): a date range, a
// table per committee with the agency's totals, and the same figures as a CSV download.

import { api } from "../api.js";
import { TIME_ZONE } from "../attendance.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, describedDateInput, formAlert, isoDate, problemText } from "../forms.js";
import { locale } from "../i18n.js";

const COLUMNS = [
  ["meetingsHeld", "meetingDay.statsHeld"],
  ["rsvpResponseRate", "meetingDay.statsRsvp", "percent"],
  ["minutesDaysAverage", "meetingDay.statsDaysAverage", "days"],
  ["minutesDaysMedian", "meetingDay.statsDaysMedian", "days"],
  ["actionsOnTimeRate", "meetingDay.statsActionsOnTime", "percent"],
];

function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(new Date());
}

function yearStart() {
  return `${today().slice(0, 4)}-01-01`;
}

function cell(value, kind, label) {
  // data-label: the column's name, shown beside the value when the table is stacked (phones).
  const props = { class: "ms-num", tAttrs: { "data-label": label } };
  if (value === null || value === undefined) return h("td", { ...props, t: "meetingDay.notAvailable" });
  const number = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(value);
  return h("td", { ...props, text: kind === "percent" ? `${number}%` : number });
}

function dateField(label, value) {
  // dd/mm/yyyy whatever the browser's locale (forms.js dateInput).
  const { input, hint } = describedDateInput({ id: uniqueId("ms-date"), value, required: true });
  return { input, element: h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: input.id, t: label }), hint, input) };
}

export const meetingsStatsView = {
  title: "meetingDay.statsTitle",
  async render() {
    const from = dateField("meetingDay.statsFrom", yearStart());
    const to = dateField("meetingDay.statsTo", today());
    const result = h("div", { class: "ms-result", attrs: { "aria-live": "polite" } });
    const problem = formAlert();
    const download = h(
      "a",
      { class: "button button--secondary", attrs: { download: "" } },
      icon("download"),
      h("span", { t: "meetingDay.statsCsv" }),
    );

    function table(data) {
      const head = h(
        "tr",
        {},
        h("th", { attrs: { scope: "col" }, t: "meetingDay.statsCommittee" }),
        COLUMNS.map(([, key]) => h("th", { class: "ms-num", attrs: { scope: "col" }, t: key })),
      );
      const row = (r, total) =>
        h(
          "tr",
          { class: total ? "ms-total" : "" },
          h("th", { attrs: { scope: "row" }, ...(total ? { t: "meetingDay.statsTotal" } : { text: r.committeeName }) }),
          COLUMNS.map(([field, key, kind]) => cell(r[field], kind, key)),
        );
      return h(
        "div",
        { class: "ms-scroll", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": "meetingDay.statsTitle" } },
        h(
          "table",
          { class: "ms-table" },
          h("thead", {}, head),
          h("tbody", {}, data.committees.map((r) => row(r, false))),
          h("tfoot", {}, row(data.totals, true)),
        ),
      );
    }

    async function load() {
      const query = { from: isoDate(from.input), to: isoDate(to.input) };
      if (query.from === null || query.to === null) {
        problem.show({ key: "date.invalid" });
        return;
      }
      download.href = `/api/meeting-stats.csv?${new URLSearchParams(query)}`;
      try {
        const data = await api.get("/api/meeting-stats", query);
        problem.clear();
        result.replaceChildren(
          data.committees.length ? table(data) : h("p", { class: "card", t: "meetingDay.statsNone" }),
        );
        if (!data.minutesAvailable) result.append(h("p", { class: "field__hint", t: "meetingDay.statsNoMinutes" }));
      } catch (error) {
        problem.show(problemText(error));
        result.replaceChildren();
      }
    }

    const submit = h("button", { type: "submit", class: "button button--primary", t: "meetingDay.statsShow" });
    const form = h(
      "form",
      {
        class: "card ms-filters",
        attrs: { novalidate: true },
        on: {
          submit: (event) => {
            event.preventDefault();
            busy(submit, load);
          },
        },
      },
      from.element,
      to.element,
      h("div", { class: "button-row" }, submit, download),
    );
    await load();
    return h(
      "section",
      { class: "page ms-stats" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "meetingDay.statsTitle" }),
        h("p", { class: "page__lead", t: "meetingDay.statsLead" }),
      ),
      form,
      problem.element,
      result,
    );
  },
};
