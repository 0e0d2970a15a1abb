// Executive dashboard (executives and administrators): a unit and a date range; the figures as
// cards; the first-check-in buckets, the share checked in, in office vs outside and the arrival
// buckets per day, and the share per unit as plain SVG charts; the SAME numbers as tables
// (the accessible form); CSV and XLSX downloads of those numbers. Nothing here is cached by
// the service worker (API responses are never cached; the server sends no-store).

import { api } from "../api.js";
import { TIME_ZONE } from "../attendance.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, describedDateInput, formAlert, isoDate, problemText } from "../forms.js";
import { locale } from "../i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";

function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(new Date());
}

function number(value, digits = 0) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

function dayText(iso) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
}

function dateField(label, value) {
  // dd/mm/yyyy whatever the browser's locale (forms.js dateInput).
  const { input, hint } = describedDateInput({ id: uniqueId("db-date"), value, required: true });
  return { input, element: h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: input.id, t: label }), hint, input) };
}

/** The charts' drawing width: narrower on a phone, so that the text keeps its size. */
function chartWidth() {
  return window.matchMedia("(max-width: 37.5em)").matches ? 320 : 480;
}

function svg(tag, attributes, text) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Horizontal bars, one per bucket; decorative for screen readers (the table below says it). */
function bucketChart(buckets) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  const rowHeight = 36;
  const barRoom = chartWidth() - 110 - 100;
  const chart = svg("svg", {
    class: "db-chart",
    viewBox: `0 0 ${chartWidth()} ${buckets.length * rowHeight}`,
    "aria-hidden": "true",
    focusable: "false",
  });
  buckets.forEach((bucket, index) => {
    const y = index * rowHeight;
    const width = Math.round((bucket.count / max) * barRoom);
    chart.append(
      svg("text", { x: 0, y: y + 22, class: "db-chart__label" }, bucket.label),
      svg("rect", { x: 110, y: y + 6, width: Math.max(width, 1), height: 24, rx: 3, class: `db-chart__bar db-chart__bar--${index}` }),
      svg(
        "text",
        { x: 110 + Math.max(width, 1) + 8, y: y + 22, class: "db-chart__value" },
        `${number(bucket.count)} (${number(total ? (100 * bucket.count) / total : 0, 1)}%)`,
      ),
    );
  });
  return chart;
}

/** Share of officers checked in per day as columns (rest days pale); decorative for screen
 * readers: the daily table below holds the same numbers. */
function dailyChart(days) {
  const width = chartWidth();
  const height = 160;
  const step = width / Math.max(days.length, 1);
  const chart = svg("svg", { class: "db-chart db-chart--daily", viewBox: `0 0 ${width} ${height + 20}`, "aria-hidden": "true", focusable: "false" });
  for (const percent of [50, 100]) {
    const y = height - (percent / 100) * height;
    chart.append(svg("line", { x1: 0, x2: width, y1: y, y2: y, class: "db-chart__grid" }), svg("text", { x: 2, y: y + 12, class: "db-chart__value" }, `${percent}%`));
  }
  days.forEach((day, index) => {
    const barHeight = Math.max((day.percent / 100) * height, day.percent > 0 ? 1 : 0);
    chart.append(
      svg("rect", {
        x: (index * step + step * 0.15).toFixed(1),
        y: (height - barHeight).toFixed(1),
        width: (step * 0.7).toFixed(1),
        height: barHeight.toFixed(1),
        class: day.working ? "db-chart__bar db-chart__bar--0" : "db-chart__bar db-chart__bar--rest",
      }),
    );
    if (days.length <= 31 && (index === 0 || index === days.length - 1 || (Number(day.day.slice(8)) % 7 === 1 && index < days.length - 3))) {
      chart.append(svg("text", { x: (index * step + step / 2).toFixed(1), y: height + 14, "text-anchor": "middle", class: "db-chart__label" }, day.day.slice(8)));
    }
  });
  return chart;
}

/** Columns per day, each stacked from `series` ({ key, value(day), modifier }); the height is
 * the number of officers against the registered officers. Decorative for screen readers: the
 * daily table holds the same numbers; the legend below names the colours in words. */
function stackedChart(days, series, registered) {
  const width = chartWidth();
  const height = 160;
  const top = Math.max(1, registered, ...days.map((d) => series.reduce((sum, s) => sum + s.value(d), 0)));
  const step = width / Math.max(days.length, 1);
  const chart = svg("svg", { class: "db-chart db-chart--daily", viewBox: `0 0 ${width} ${height + 20}`, "aria-hidden": "true", focusable: "false" });
  chart.append(svg("line", { x1: 0, x2: width, y1: 0, y2: 0, class: "db-chart__grid" }), svg("text", { x: 2, y: 12, class: "db-chart__value" }, number(top)));
  days.forEach((day, index) => {
    let y = height;
    for (const part of series) {
      const value = part.value(day);
      if (!value) continue;
      const barHeight = Math.max((value / top) * height, 1);
      y -= barHeight;
      chart.append(
        svg("rect", {
          x: (index * step + step * 0.15).toFixed(1),
          y: y.toFixed(1),
          width: (step * 0.7).toFixed(1),
          height: barHeight.toFixed(1),
          class: `db-chart__bar ${part.modifier}${day.working ? "" : " db-chart__bar--faded"}`,
        }),
      );
    }
    if (days.length <= 31 && (index === 0 || index === days.length - 1 || (Number(day.day.slice(8)) % 7 === 1 && index < days.length - 3))) {
      chart.append(svg("text", { x: (index * step + step / 2).toFixed(1), y: height + 14, "text-anchor": "middle", class: "db-chart__label" }, day.day.slice(8)));
    }
  });
  return chart;
}

/** The colours of a chart in words (a list, read in order). */
function legend(series) {
  return h(
    "ul",
    { class: "db-legend" },
    series.map((part) =>
      h("li", {}, h("span", { class: `db-legend__swatch ${part.modifier}`, attrs: { "aria-hidden": "true" } }), part.key ? h("span", { t: part.key }) : h("span", { text: part.text })),
    ),
  );
}

function inOfficeSeries() {
  return [
    { key: "dashboard.inOffice", value: (d) => d.inOffice, modifier: "db-chart__bar--0" },
    { key: "dashboard.outside", value: (d) => d.outside, modifier: "db-chart__bar--3" },
  ];
}

function bucketSeries(labels) {
  return labels.map((label, index) => ({ text: label, value: (d) => (d.buckets || [])[index] || 0, modifier: `db-chart__bar--${index}` }));
}

/** Each unit's share checked in on working days as a bar under its name. */
function unitChart(units) {
  const rowHeight = 44;
  const full = chartWidth();
  const letters = Math.floor(full / 7.5);
  const chart = svg("svg", { class: "db-chart", viewBox: `0 0 ${full} ${units.length * rowHeight}`, "aria-hidden": "true", focusable: "false" });
  units.forEach((unit, index) => {
    const y = index * rowHeight;
    // The table below has the whole name.
    const name = unit.name.length > letters ? `${unit.name.slice(0, letters - 1)}…` : unit.name;
    const width = Math.round((Math.min(unit.percent, 100) / 100) * (full - 70));
    chart.append(
      svg("text", { x: 0, y: y + 14, class: "db-chart__label" }, name),
      svg("rect", { x: 0, y: y + 20, width: Math.max(width, 1), height: 16, rx: 3, class: "db-chart__bar db-chart__bar--2" }),
      svg("text", { x: Math.max(width, 1) + 8, y: y + 33, class: "db-chart__value" }, `${number(unit.percent, 1)}%`),
    );
  });
  return chart;
}

function unitTable(data) {
  const head = ["dashboard.unit", "dashboard.registered", "dashboard.checkedInDays", "dashboard.percent", "dashboard.inOffice", "dashboard.outside"];
  return h(
    "div",
    { class: "ms-scroll db-scroll", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": "dashboard.unitTable" } },
    h(
      "table",
      { class: "ms-table db-table" },
      h("caption", { t: "dashboard.unitTable" }),
      h("thead", {}, h("tr", {}, head.map((key, index) => h("th", { class: index ? "ms-num" : "", attrs: { scope: "col" }, t: key })))),
      h(
        "tbody",
        {},
        data.perUnit.map((u) =>
          h(
            "tr",
            {},
            h("th", { attrs: { scope: "row" }, text: u.name || data.agencyName }),
            h("td", { class: "ms-num", text: number(u.registered) }),
            h("td", { class: "ms-num", text: number(u.checkedIn) }),
            h("td", { class: "ms-num", text: `${number(u.percent, 1)}%` }),
            h("td", { class: "ms-num", text: number(u.inOffice) }),
            h("td", { class: "ms-num", text: number(u.outside) }),
          ),
        ),
      ),
    ),
  );
}

function card(key, value, modifier = "") {
  return h(
    "div",
    { class: `db-card ${modifier}` },
    h("span", { class: "db-card__value", text: value }),
    h("span", { class: "db-card__label", t: key }),
  );
}

function figureTable(data) {
  const rows = [
    ["dashboard.registered", number(data.registered)],
    ["dashboard.workingDays", number(data.workingDays)],
    ["dashboard.checkedInPercent", `${number(data.checkedInPercent, 1)}%`],
    ["dashboard.inOffice", number(data.snapshot.in_office)],
    ["dashboard.outsidePending", number(data.snapshot.outside_pending)],
    ["dashboard.outsideApproved", number(data.snapshot.outside_approved)],
    ["dashboard.outsideRejected", number(data.snapshot.outside_rejected)],
    ["dashboard.notCheckedIn", number(data.snapshot.not_checked_in)],
    ["dashboard.openIssuesNow", number(data.openIssuesNow)],
    ["dashboard.openIssues", number(data.openIssues)],
  ];
  return h(
    "div",
    { class: "ms-scroll db-scroll", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": "dashboard.figuresTable" } },
    h(
      "table",
      { class: "ms-table db-table" },
      h("caption", { t: "dashboard.figuresTable" }),
      h("thead", {}, h("tr", {}, h("th", { attrs: { scope: "col" }, t: "dashboard.figure" }), h("th", { class: "ms-num", attrs: { scope: "col" }, t: "dashboard.value" }))),
      h(
        "tbody",
        {},
        rows.map(([key, value]) => h("tr", {}, h("th", { attrs: { scope: "row" }, t: key }), h("td", { class: "ms-num", text: value }))),
        data.buckets.map((b) =>
          h(
            "tr",
            {},
            h("th", { attrs: { scope: "row" }, t: "dashboard.bucketRow", args: { label: b.label } }),
            h("td", { class: "ms-num", text: number(b.count) }),
          ),
        ),
      ),
    ),
  );
}

function dailyTable(data) {
  return h(
    "div",
    { class: "ms-scroll db-scroll", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": "dashboard.dailyTable" } },
    h(
      "table",
      { class: "ms-table db-table" },
      h("caption", { t: "dashboard.dailyTable" }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { attrs: { scope: "col" }, t: "dashboard.date" }),
          h("th", { attrs: { scope: "col" }, t: "dashboard.workingDay" }),
          h("th", { class: "ms-num", attrs: { scope: "col" }, t: "dashboard.checkedIn" }),
          h("th", { class: "ms-num", attrs: { scope: "col" }, t: "dashboard.percent" }),
          h("th", { class: "ms-num", attrs: { scope: "col" }, t: "dashboard.inOffice" }),
          h("th", { class: "ms-num", attrs: { scope: "col" }, t: "dashboard.outside" }),
          data.buckets.map((b) => h("th", { class: "ms-num", attrs: { scope: "col" }, t: "dashboard.bucketRow", args: { label: b.label } })),
        ),
      ),
      h(
        "tbody",
        {},
        data.days.map((d) =>
          h(
            "tr",
            { class: d.working ? "" : "db-rest" },
            h("th", { attrs: { scope: "row" }, text: dayText(d.day) }),
            h("td", { t: d.working ? "dashboard.yes" : "dashboard.no" }),
            h("td", { class: "ms-num", text: number(d.checkedIn) }),
            h("td", { class: "ms-num", text: `${number(d.percent, 1)}%` }),
            h("td", { class: "ms-num", text: number(d.inOffice) }),
            h("td", { class: "ms-num", text: number(d.outside) }),
            data.buckets.map((b, index) => h("td", { class: "ms-num", text: number((d.buckets || [])[index] || 0) })),
          ),
        ),
      ),
    ),
  );
}

export const dashboardView = {
  title: "dashboard.title",
  async render() {
    const unitId = uniqueId("db-unit");
    const unit = h("select", { id: unitId, class: "input" }, h("option", { value: "", t: "dashboard.wholeScope" }));
    const from = dateField("dashboard.from", today());
    const to = dateField("dashboard.to", today());
    const result = h("div", { class: "db-result", attrs: { "aria-live": "polite" } });
    const problem = formAlert();
    const link = (key, format) =>
      h("a", { class: "button button--secondary", attrs: { download: "" }, dataset: { format } }, icon("download"), h("span", { t: key }));
    const csv = link("dashboard.csv", "csv");
    const xlsx = link("dashboard.xlsx", "xlsx");

    function query() {
      const q = { from: isoDate(from.input), to: isoDate(to.input) };
      if (unit.value) q.unit = unit.value;
      return q;
    }

    function fillUnits(units) {
      const chosen = unit.value;
      unit.replaceChildren(
        h("option", { value: "", t: "dashboard.wholeScope" }),
        units.map((u) => h("option", { value: String(u.id), text: `${"\u00a0\u00a0".repeat(u.depth)}${u.name}` })),
      );
      unit.value = chosen;
    }

    async function load() {
      const q = query();
      if (q.from === null || q.to === null) {
        problem.show({ key: "date.invalid" });
        return;
      }
      for (const a of [csv, xlsx]) {
        a.href = `/api/attendance/dashboard/download?${new URLSearchParams({ ...q, format: a.dataset.format })}`;
      }
      try {
        const data = await api.get("/api/attendance/dashboard", q);
        problem.clear();
        fillUnits(data.units);
        const scope = data.unitName || data.agencyName;
        result.replaceChildren(
          h("p", { class: "db-scope", t: "dashboard.scopeLine", args: { scope, from: dayText(data.first), to: dayText(data.last) } }),
          h(
            "div",
            { class: "db-cards" },
            card("dashboard.registered", number(data.registered)),
            card("dashboard.checkedInPercent", `${number(data.checkedInPercent, 1)}%`, "db-card--primary"),
            // All undecided issues, whatever their day: the default range (today) has none yet.
            card("dashboard.openIssuesNow", number(data.openIssuesNow)),
          ),
          h("h2", { class: "db-heading", t: "dashboard.snapshotAt", args: { date: dayText(data.at) } }),
          h(
            "div",
            { class: "db-cards" },
            card("dashboard.inOffice", number(data.snapshot.in_office), "db-card--ok"),
            card("dashboard.outsidePending", number(data.snapshot.outside_pending), "db-card--warn"),
            card("dashboard.outsideApproved", number(data.snapshot.outside_approved)),
            card("dashboard.notCheckedIn", number(data.snapshot.not_checked_in)),
          ),
          h("h2", { class: "db-heading", t: "dashboard.bucketsTitle" }),
          h("figure", { class: "card db-figure" }, bucketChart(data.buckets), h("figcaption", { class: "field__hint", t: "dashboard.bucketsHint" })),
          data.days.length > 1 ? h("h2", { class: "db-heading", t: "dashboard.dailyChartTitle" }) : null,
          data.days.length > 1
            ? h("figure", { class: "card db-figure" }, dailyChart(data.days), h("figcaption", { class: "field__hint", t: "dashboard.dailyChartHint" }))
            : null,
          data.days.length > 1 ? h("h2", { class: "db-heading", t: "dashboard.inOfficeChartTitle" }) : null,
          data.days.length > 1
            ? h(
                "figure",
                { class: "card db-figure" },
                stackedChart(data.days, inOfficeSeries(), data.registered),
                legend(inOfficeSeries()),
                h("figcaption", { class: "field__hint", t: "dashboard.inOfficeChartHint" }),
              )
            : null,
          data.days.length > 1 ? h("h2", { class: "db-heading", t: "dashboard.bucketsDailyTitle" }) : null,
          data.days.length > 1
            ? h(
                "figure",
                { class: "card db-figure" },
                stackedChart(data.days, bucketSeries(data.buckets.map((b) => b.label)), data.registered),
                legend(bucketSeries(data.buckets.map((b) => b.label))),
                h("figcaption", { class: "field__hint", t: "dashboard.bucketsDailyHint" }),
              )
            : null,
          data.perUnit.length ? h("h2", { class: "db-heading", t: "dashboard.unitChartTitle" }) : null,
          data.perUnit.length
            ? h("figure", { class: "card db-figure" }, unitChart(data.perUnit.map((u) => ({ ...u, name: u.name || data.agencyName }))), h("figcaption", { class: "field__hint", t: "dashboard.unitChartHint" }))
            : null,
          h("h2", { class: "db-heading", t: "dashboard.tablesTitle" }),
          figureTable(data),
          dailyTable(data),
          data.perUnit.length ? unitTable(data) : null,
        );
      } catch (error) {
        problem.show(problemText(error));
        result.replaceChildren();
      }
    }

    const submit = h("button", { type: "submit", class: "button button--primary", t: "dashboard.show" });
    const form = h(
      "form",
      {
        class: "card ms-filters db-filters",
        attrs: { novalidate: true },
        on: {
          submit: (event) => {
            event.preventDefault();
            busy(submit, load);
          },
        },
      },
      h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: unitId, t: "dashboard.unit" }), unit),
      from.element,
      to.element,
      h("div", { class: "button-row" }, submit, csv, xlsx),
    );
    await load();
    return h(
      "section",
      { class: "page db-page" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "dashboard.title" }),
        h("p", { class: "page__lead", t: "dashboard.lead" }),
      ),
      form,
      problem.element,
      result,
    );
  },
};

