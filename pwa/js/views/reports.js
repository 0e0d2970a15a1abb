// Reports for executives and administrators: attendance transactions ("Transaksi Kehadiran"),
// the daily movement report ("Laporan Pergerakan Harian") and usage statistics, for any unit
// in their scope; the rows as a table (the first ROWS_SHOWN) and the whole report as XLSX/CSV.

import { api } from "../api.js";
import { formatTime, TIME_ZONE } from "../attendance.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
import { locale, translate } from "../i18n.js";

const ROWS_SHOWN = 200;
const REPORTS = ["transactions", "movements", "usage"];

function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(new Date());
}

function dateTime(iso) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "short", timeStyle: "short", timeZone: TIME_ZONE }).format(new Date(iso));
}

function labelled(labelKey, control) {
  const id = uniqueId("rp");
  control.id = id;
  return h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: id, t: labelKey }), control);
}

/** Column keys and cell texts of each report. */
const COLUMNS = {
  transactions: [
    ["reports.colName", (r) => r.name],
    ["reports.colUnit", (r) => r.unit],
    ["reports.colAt", (r) => dateTime(r.at)],
    ["reports.colKind", (r) => ({ t: r.kind === "in" ? "reports.in" : "reports.out" })],
    ["reports.colVerdict", (r) => ({ t: `reports.verdict.${r.status}` })],
    ["reports.colOffice", (r) => r.office || "—"],
    ["reports.colApproval", (r) => ({ t: `reports.approval.${r.approval}` })],
  ],
  movements: [
    ["reports.colName", (r) => r.name],
    ["reports.colUnit", (r) => r.unit],
    ["reports.colFirstIn", (r) => (r.firstIn ? formatTime(r.firstIn) : "—")],
    ["reports.colWhere", (r) => ({ t: `reports.where.${r.firstInWhere}` })],
    ["reports.colLastOut", (r) => (r.lastOut ? formatTime(r.lastOut) : "—")],
    ["reports.colTaps", (r) => String(r.taps)],
    ["reports.colSlips", (r) => r.slips.join("; ") || "—"],
  ],
  usage: [
    ["reports.colUnit", (r) => r.unit],
    ["reports.colPeople", (r) => String(r.people)],
    ["reports.colSignedIn", (r) => String(r.signedInPeople)],
    ["reports.colSignIns", (r) => String(r.signIns)],
    ["reports.colCheckedIn", (r) => String(r.checkedInPeople)],
    ["reports.colDevices", (r) => String(r.devices)],
    ["reports.colAdoption", (r) => `${r.adoptionPercent}%`],
  ],
};

function cell(tag, value, attrs = {}) {
  return typeof value === "object" ? h(tag, { ...attrs, t: value.t }) : h(tag, { ...attrs, text: value });
}

function reportTable(report, rows) {
  const columns = COLUMNS[report];
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table reports-table" },
      h("caption", { class: "visually-hidden", t: `reports.kind.${report}` }),
      h("thead", {}, h("tr", {}, columns.map(([key]) => h("th", { attrs: { scope: "col" }, t: key })))),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            {},
            columns.map(([, text], index) => cell(index === 0 ? "th" : "td", text(row), index === 0 ? { attrs: { scope: "row" } } : {})),
          ),
        ),
      ),
    ),
  );
}

export const reportsView = {
  title: "reports.title",
  async render(ctx) {
    const alert = formAlert();
    const kind = h(
      "select",
      { class: "input", name: "report" },
      REPORTS.map((report) => h("option", { value: report, t: `reports.kind.${report}` })),
    );
    const unit = h("select", { class: "input", name: "unit" }, h("option", { value: "", t: "reports.wholeScope" }));
    const from = h("input", { class: "input", type: "date", name: "from", value: `${today().slice(0, 8)}01` });
    const to = h("input", { class: "input", type: "date", name: "to", value: today() });
    const day = h("input", { class: "input", type: "date", name: "day", value: today() });
    const fromField = labelled("reports.from", from);
    const toField = labelled("reports.to", to);
    const dayField = labelled("reports.day", day);
    const submit = h("button", { type: "submit", class: "button button--primary", t: "reports.show" });
    const status = h("p", { class: "results__status", attrs: { role: "status" } });
    const downloads = h("div", { class: "button-row" });
    const result = h("div", {});

    try {
      const scope = await api.get("/api/attendance/dashboard");
      for (const choice of scope.units) {
        unit.append(h("option", { value: String(choice.id), text: `${"— ".repeat(choice.depth)}${choice.name}` }));
      }
    } catch (error) {
      alert.show(problemText(error));
    }

    function showFields() {
      const daily = kind.value === "movements";
      dayField.hidden = !daily;
      fromField.hidden = daily;
      toField.hidden = daily;
    }
    kind.addEventListener("change", showFields);
    showFields();

    function query() {
      const params = new URLSearchParams();
      if (unit.value) params.set("unit", unit.value);
      if (kind.value === "movements") params.set("day", day.value);
      else {
        params.set("from", from.value);
        params.set("to", to.value);
      }
      return params;
    }

    async function show() {
      alert.clear();
      const report = kind.value;
      const params = query();
      try {
        const data = await api.get(`/api/attendance/reports/${report}?${params}`);
        if (!ctx.isCurrent()) return;
        const rows = report === "usage" ? [...data.units, data.total] : data.rows;
        const total = data.total ?? rows.length;
        translate(status, "reports.count", { shown: Math.min(rows.length, ROWS_SHOWN), total });
        result.replaceChildren(reportTable(report, rows.slice(0, ROWS_SHOWN)));
        downloads.replaceChildren(
          ...["xlsx", "csv"].map((format) => {
            const link = new URLSearchParams(params);
            link.set("format", format);
            return h(
              "a",
              { class: "button button--secondary", href: `/api/attendance/reports/${report}/download?${link}`, attrs: { download: "" } },
              icon("download"),
              h("span", { t: format === "xlsx" ? "reports.xlsx" : "reports.csv" }),
            );
          }),
        );
      } catch (error) {
        result.replaceChildren();
        downloads.replaceChildren();
        status.textContent = "";
        alert.show(problemText(error));
      }
    }

    const form = h(
      "form",
      {
        class: "filters reports-filters",
        noValidate: true,
        on: {
          submit: (event) => {
            event.preventDefault();
            busy(submit, show);
          },
        },
      },
      labelled("reports.report", kind),
      labelled("reports.unit", unit),
      fromField,
      toField,
      dayField,
      h("div", { class: "filters__submit" }, submit),
    );
    show();
    return h(
      "section",
      { class: "page page--wide" },
      h("header", { class: "page__header" }, h("h1", { class: "page__title", t: "reports.title" }), h("p", { class: "page__lead", t: "reports.lead" })),
      form,
      alert.element,
      h("section", { class: "results" }, status, downloads, result),
    );
  },
};
