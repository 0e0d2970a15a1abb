// Reports for executives and administrators: attendance transactions ("Transaksi Kehadiran"),
// the monthly grid (one row per officer, a code and words per day, as the supervisor's team
// view draws it), the daily movement report ("Laporan Pergerakan Harian") and usage
// statistics, for any unit in their scope (the API refuses a unit outside it); the rows as a
// table (the first ROWS_SHOWN) and the whole report as XLSX/CSV.

import { api } from "../api.js";
import { formatTime, TIME_ZONE } from "../attendance.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, describedDateInput, formAlert, isoDate, problemText } from "../forms.js";
import { locale, translate } from "../i18n.js";
import { legend as gridLegend, monthGrid } from "./team.js";

const ROWS_SHOWN = 200;
const REPORTS = ["transactions", "grid", "movements", "usage"];

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

/** A dd/mm/yyyy field (forms.js) with its format hint. */
function dateField(labelKey, value) {
  const { input, hint } = describedDateInput({ id: uniqueId("rp-date"), value, required: true });
  return { input, element: h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: input.id, t: labelKey }), hint, input) };
}

/** This month and the twelve before it, newest first ("2026-12"). */
function recentMonths() {
  const [y, m] = today().split("-").map(Number);
  return Array.from({ length: 13 }, (_, back) => {
    const date = new Date(Date.UTC(y, m - 1 - back, 1));
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
  });
}

function monthName(month) {
  return new Intl.DateTimeFormat(locale(), { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));
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

/** `pick(row)`, when given, makes each transactions row's name a button: that officer only. */
function reportTable(report, rows, pick = null) {
  const columns = COLUMNS[report];
  const nameCell = (row) =>
    pick
      ? h("th", { attrs: { scope: "row" } }, h("button", { type: "button", class: "button--link", text: row.name, on: { click: () => pick(row) } }))
      : null;
  return h(
    "div",
    // Scrolls sideways on a phone: focusable, so it scrolls with the keyboard too.
    { class: "table-wrap", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": `reports.kind.${report}` } },
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
            columns.map(([, text], index) =>
              index === 0 && pick ? nameCell(row) : cell(index === 0 ? "th" : "td", text(row), index === 0 ? { attrs: { scope: "row" } } : {}),
            ),
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
    const from = dateField("reports.from", `${today().slice(0, 8)}01`);
    const to = dateField("reports.to", today());
    const day = dateField("reports.day", today());
    const month = h(
      "select",
      { class: "input", name: "month" },
      recentMonths().map((value) => h("option", { value, text: monthName(value) })),
    );
    const fromField = from.element;
    const toField = to.element;
    const dayField = day.element;
    const monthField = labelled("reports.month", month);
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
      const monthly = kind.value === "grid";
      dayField.hidden = !daily;
      monthField.hidden = !monthly;
      fromField.hidden = daily || monthly;
      toField.hidden = daily || monthly;
    }
    kind.addEventListener("change", showFields);
    showFields();

    // One officer's transactions ("Transaksi Kehadiran" per officer): picked by their name.
    let officer = null;
    const officerLine = h("div", { class: "reports-officer" });
    function showOfficer() {
      officerLine.replaceChildren(
        ...(officer && kind.value === "transactions"
          ? [
              h("span", { t: "reports.officerOnly", args: { name: officer.name } }),
              h("button", {
                type: "button",
                class: "button button--secondary button--small",
                t: "reports.allOfficers",
                on: {
                  click: () => {
                    officer = null;
                    show();
                  },
                },
              }),
            ]
          : []),
      );
    }

    /** The query of the chosen report, or null (and a message) when a date is not a date. */
    function query() {
      const params = new URLSearchParams();
      if (unit.value) params.set("unit", unit.value);
      const dates = kind.value === "movements" ? { day } : kind.value === "grid" ? {} : { from, to };
      for (const [name, field] of Object.entries(dates)) {
        const value = isoDate(field.input);
        if (!value) {
          alert.show({ key: "date.invalid" });
          field.input.focus();
          return null;
        }
        params.set(name, value);
      }
      if (kind.value === "grid") params.set("month", month.value);
      if (kind.value === "transactions" && officer) params.set("officer", String(officer.id));
      return params;
    }

    async function showGrid(params) {
      const data = await api.get(`/api/attendance/reports/month-grid?${params}`);
      if (!ctx.isCurrent()) return;
      const scope = data.unitName || data.agencyName;
      translate(status, "reports.gridCount", { scope, count: data.officers.length, month: monthName(data.month) });
      downloads.replaceChildren();
      result.replaceChildren(gridLegend(), monthGrid(data.month, data.officers));
    }

    const prepared = h("div", { class: "reports-prepared", attrs: { role: "status" } });

    /** Asks the API to build the file, then asks for its status until it is ready. */
    function prepareButton(params) {
      // Text only: busy() swaps the button's own text for "please wait" and back.
      const button = h("button", { type: "button", class: "button button--secondary", t: "reports.prepareXlsx" });
      button.addEventListener("click", () =>
        busy(button, async () => {
          alert.clear();
          const link = new URLSearchParams(params);
          link.set("format", "xlsx");
          try {
            let job = await api.post(`/api/attendance/reports/transactions/exports?${link}`);
            translate(prepared, "reports.preparing", { rows: job.rows ?? "" });
            while (job.status === "pending" && ctx.isCurrent()) {
              await new Promise((resolve) => setTimeout(resolve, 2000));
              job = await api.get(`/api/attendance/reports/exports/${encodeURIComponent(job.id)}`);
            }
            if (!ctx.isCurrent()) return;
            if (job.status !== "ready") {
              translate(prepared, "reports.prepareFailed");
              return;
            }
            const until = dateTime(job.expiresAt);
            const text = h("p", { t: "reports.prepared", args: { until } });
            const anchor = h(
              "a",
              { class: "button button--primary", href: `/api/attendance/reports/exports/${encodeURIComponent(job.id)}/download`, attrs: { download: "" } },
              icon("download"),
              h("span", { t: "reports.downloadPrepared", args: { name: job.fileName } }),
            );
            prepared.replaceChildren(text, anchor);
          } catch (error) {
            prepared.replaceChildren();
            alert.show(problemText(error));
          }
        }),
      );
      return button;
    }

    async function show() {
      prepared.replaceChildren();
      alert.clear();
      const report = kind.value;
      const params = query();
      showOfficer();
      if (!params) return;
      try {
        if (report === "grid") {
          await showGrid(params);
          return;
        }
        const data = await api.get(`/api/attendance/reports/${report}?${params}`);
        if (!ctx.isCurrent()) return;
        const rows = report === "usage" ? [...data.units, data.total] : data.rows;
        const total = data.total ?? rows.length;
        translate(status, "reports.count", { shown: Math.min(rows.length, ROWS_SHOWN), total });
        const pick =
          report === "transactions" && !officer
            ? (row) => {
                officer = { id: row.officerId, name: row.name };
                show();
              }
            : null;
        result.replaceChildren(reportTable(report, rows.slice(0, ROWS_SHOWN), pick));
        // The whole transactions report as XLSX is built in the background (minutes for an
        // agency's month); the API refuses it as a direct download past its row limit.
        const formats = report === "transactions" ? ["csv"] : ["xlsx", "csv"];
        downloads.replaceChildren(
          ...(report === "transactions" ? [prepareButton(params)] : []),
          ...formats.map((format) => {
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
      monthField,
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
      h("section", { class: "results" }, officerLine, status, downloads, prepared, result),
    );
  },
};
