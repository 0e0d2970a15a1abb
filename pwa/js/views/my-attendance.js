// Kehadiran saya / My attendance (the officer's own, phone first), in three tabs:
//
// - Month: a calendar with a colour AND a short text code per day (the legend names each code and
//   counts the days), previous / next month, CSV / XLSX downloads, the details of the day tapped
//   (first in / last out, expected times, minutes late / early, holiday, its issues and note),
//   and the same days as a table for screen readers (and for anyone who prefers a list).
// - Issues: late in, early out, no check-out, absent... with their state; a justification form for
//   each one the supervisor has not decided yet, and the decision with its note once decided.
// - Notes: today's task note (catatan tugasan), editable; the month's notes, to read.
//
// Keyboard: the tabs follow the ARIA tabs pattern (arrow keys, Home / End); in the calendar one
// day is a tab stop and the arrow keys move between days. The tab and month are kept in the
// address (#/attendance?tab=issues&month=2026-10) so a reload or a link opens the same place.
// Nothing here is stored on the device: offline, each part says it cannot load and offers a retry.

import { api, ApiError } from "../api.js";
import {
  badge,
  DAY_STATUS,
  dayHistory,
  formatClock,
  formatDateTime,
  formatTime,
  kindText,
  PATTERN_NAMES,
  TIME_ZONE,
  verdictMessage,
} from "../attendance.js";
import { announce, h, icon, uniqueId } from "../dom.js";
import { busy, formAlert, labelled, problemText } from "../forms.js";
import { locale, onLanguageChange, t, translate } from "../i18n.js";
import { officeSketch } from "../office-sketch.js";
import { checkInReasonForm } from "../reason-form.js";
import { pageHeader } from "../page-frame.js";
import { addDays, addMonths, dayKey, formatDay, longDay, monthDays, monthTitle, parseDay } from "../days.js";

/** Day status -> the short code shown in the calendar (the colour is never the only cue). */
const CODE = {
  present: "myAtt.codePresent",
  late_in: "myAtt.codeLateIn",
  early_out: "myAtt.codeEarlyOut",
  late_in_and_early_out: "myAtt.codeLateInEarlyOut",
  incomplete: "myAtt.codeIncomplete",
  absent: "myAtt.codeAbsent",
  on_leave: "myAtt.codeOnLeave",
  public_holiday: "myAtt.codeHoliday",
  weekend: "myAtt.codeWeekend",
  clock_broken: "myAtt.codeClockBroken",
  external_pending: "myAtt.codeExternalPending",
  external_approved: "myAtt.codeExternalApproved",
  external_rejected: "myAtt.codeExternalRejected",
  in_progress: "myAtt.codeInProgress",
  not_checked_in: "myAtt.codeNotCheckedIn",
};

const FLAG = {
  late_in: "myAtt.flagLateIn",
  early_out: "myAtt.flagEarlyOut",
  no_check_out: "myAtt.flagNoCheckOut",
  no_check_in: "myAtt.flagNoCheckIn",
  external_pending: "myAtt.flagExternalPending",
  external_approved: "myAtt.flagExternalApproved",
  external_rejected: "myAtt.flagExternalRejected",
  early_leave_entitlement: "myAtt.flagEarlyLeave",
};

const ISSUE_KIND = {
  late_in: "myAtt.kindLateIn",
  early_out: "myAtt.kindEarlyOut",
  no_check_out: "myAtt.kindNoCheckOut",
  no_check_in: "myAtt.kindNoCheckIn",
  absent: "myAtt.kindAbsent",
  external: "myAtt.kindExternal",
};

const ISSUE_STATE = {
  open: ["myAtt.stateOpen", "warn"],
  justified: ["myAtt.stateJustified", "neutral"],
  approved: ["myAtt.stateApproved", "ok"],
  rejected: ["myAtt.stateRejected", "bad"],
  closed: ["myAtt.stateClosed", "neutral"],
};

// Why an issue closed by itself: its day's inputs changed after it was opened.
const CLOSED_REASON = {
  leave_imported: "myAtt.closedLeaveImported",
  punches_imported: "myAtt.closedPunchesImported",
  calendar_changed: "myAtt.closedCalendarChanged",
  clock_broken_changed: "myAtt.closedClockBroken",
  pattern_changed: "myAtt.closedPatternChanged",
  early_leave_changed: "myAtt.closedEarlyLeaveChanged",
};

const ESCALATION = {
  yellow: ["myAtt.escalationYellow", "warn"],
  red: ["myAtt.escalationRed", "bad"],
};

const TABS = [
  ["month", "myAtt.tabMonth"],
  ["issues", "myAtt.tabIssues"],
  ["notes", "myAtt.tabNotes"],
];

const JUSTIFICATION_MIN = 3;
const JUSTIFICATION_MAX = 1000;
const NOTE_MAX = 4000;

// ---------------------------------------------------------------------------- small parts

/** "WBF" → "WBF: waktu bekerja fleksi (…)": the code with its meaning. */
function patternName(code) {
  return PATTERN_NAMES[code] ? `${code}: ${t(PATTERN_NAMES[code])}` : code;
}

function detailsRow(labelKey, value) {
  return h("div", { class: "details__row" }, h("dt", { t: labelKey }), h("dd", { text: value }));
}

function statusOf(status) {
  return DAY_STATUS[status] ?? ["attStatus.notCheckedIn", "neutral"];
}

/** A panel's "cannot load" message with a retry button (offline says so in plain words). */
function loadProblem(error, retry) {
  const text = problemText(error);
  const alert = h("div", { class: "alert alert--error ma-problem", attrs: { role: "alert" } });
  const message = h("p", {});
  if (text.key) translate(message, text.key);
  else message.textContent = text.text;
  alert.append(
    message,
    h("button", { type: "button", class: "button button--secondary button--small", t: "myAtt.retry", on: { click: retry } }),
  );
  return alert;
}

/** A textarea with its label, hint and error linked for screen readers; the focus goes to it
 * when its error is shown. */
function textArea({ label, hint, name, rows, max, value }) {
  const input = h("textarea", {
    id: uniqueId(name),
    name,
    class: "input textarea",
    rows,
    attrs: { maxlength: String(max) },
  });
  input.value = value ?? "";
  const field = labelled(label, input, { hint });
  return {
    element: field.element,
    input,
    setError(message) {
      field.setError(message);
      input.focus();
    },
    clearError: field.clear,
  };
}

// ---------------------------------------------------------------------------- the view

const FRAME = { title: "myAtt.title", lead: "myAtt.lead" };

/** What the parts of the page share: the route, its state, today, and the texts formatted
 * with Intl (dates, times) that follow a language switch. */
function pageState(ctx) {
  const today = dayKey(new Date());
  const thisMonth = today.slice(0, 7);
  const page = {
    ctx,
    today,
    thisMonth,
    panels: {},
    localized: [],
    state: {
      tab: TABS.some(([name]) => name === ctx.query.tab) ? ctx.query.tab : "month",
      month: /^\d{4}-\d{2}$/.test(ctx.query.month ?? "") && ctx.query.month <= thisMonth ? ctx.query.month : thisMonth,
      selected: null,
      monthData: null,
      monthError: null,
      issues: null,
      issuesError: null,
      notes: [],
      todayNote: null,
      notesError: null,
    },
  };
  page.later = (element, format) => {
    element.textContent = format();
    page.localized.push([element, format]);
    return element;
  };
  page.remember = () => {
    if (!ctx.isCurrent()) return; // left while loading: the address is another view's now
    const query = new URLSearchParams({ tab: page.state.tab, month: page.state.month });
    history.replaceState(null, "", `#/attendance?${query}`);
  };
  return page;
}

/** The tab list (month, issues, notes) and its panels; sets page.select and page.openCount. */
function tabsPart(page) {
  const { remember, state, panels } = page;
  const tabs = {};
  const tabList = h("div", { class: "ma-tabs", attrs: { role: "tablist" }, tAttrs: { "aria-label": "myAtt.tabsLabel" } });
  const openCount = h("span", { class: "ma-tab__count", hidden: true });
  for (const [name, key] of TABS) {
    const id = uniqueId(`ma-tab-${name}`);
    panels[name] = h("div", { class: "ma-panel", id: `${id}-panel`, attrs: { role: "tabpanel", "aria-labelledby": id } });
    tabs[name] = h(
      "button",
      {
        type: "button",
        id,
        class: "ma-tab",
        attrs: { role: "tab", "aria-controls": `${id}-panel` },
        dataset: { tab: name },
        on: { click: () => select(name), keydown: tabKey },
      },
      h("span", { t: key }),
      name === "issues" ? openCount : null,
    );
    tabList.append(tabs[name]);
  }

  function select(name, { focus = false } = {}) {
    state.tab = name;
    for (const [other] of TABS) {
      const on = other === name;
      tabs[other].setAttribute("aria-selected", String(on));
      tabs[other].tabIndex = on ? 0 : -1;
      panels[other].hidden = !on;
    }
    if (focus) tabs[name].focus();
    remember();
  }

  function tabKey(event) {
    const names = TABS.map(([name]) => name);
    const at = names.indexOf(event.currentTarget.dataset.tab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: names.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select(names[(to + names.length) % names.length], { focus: true });
  }
  page.select = select;
  page.openCount = openCount;
  return tabList;
}

/** The codes of the month's days with their meaning and count (`panelId`: the month panel). */
function monthLegend(data, panelId) {
  const seen = Object.keys(CODE).filter((status) => data.totals[status]);
  if (!seen.length) return null;
  return h(
    "section",
    { class: "ma-legend", attrs: { "aria-labelledby": `${panelId}-legend` } },
    h("h3", { class: "ma-legend__title", id: `${panelId}-legend`, t: "myAtt.legend" }),
    h(
      "ul",
      { class: "ma-legend__list" },
      seen.map((status) =>
        h(
          "li",
          { class: "ma-legend__item" },
          h("span", { class: `ma-swatch ma-s-${status}`, attrs: { "aria-hidden": "true" }, t: CODE[status] }),
          h("span", { class: "ma-legend__name", t: statusOf(status)[0] }),
          h("span", { class: "ma-legend__count", t: "myAtt.dayCount", args: { count: data.totals[status] } }),
        ),
      ),
    ),
  );
}

/** The month's days as a table (under a disclosure), for reading row by row. */
function dayTable(data, month) {
  const cell = (label, props) => h("td", { ...props, tAttrs: { "data-label": label } });
  return h(
    "details",
    { class: "ma-table" },
    h("summary", { t: "myAtt.tableSummary" }),
    h(
      "div",
      { class: "ms-scroll", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": "myAtt.tableSummary" } },
      h(
        "table",
        { class: "ms-table" },
        h("caption", { class: "visually-hidden", t: "myAtt.tableCaption", args: { month: monthTitle(month) } }),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["myAtt.colDate", "myAtt.colStatus", "myAtt.firstIn", "myAtt.lastOut", "myAtt.minutesLate", "myAtt.minutesEarly"].map((key) =>
              h("th", { attrs: { scope: "col" }, t: key }),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          data.days.map((day) =>
            h(
              "tr",
              { dataset: { day: day.day } },
              h("th", { attrs: { scope: "row" }, text: formatDay(day.day, { weekday: "short", day: "numeric", month: "short" }) }),
              cell("myAtt.colStatus", { t: statusOf(day.status)[0] }),
              cell("myAtt.firstIn", { text: day.firstIn ? formatTime(day.firstIn) : "—" }),
              cell("myAtt.lastOut", { text: day.lastOut ? formatTime(day.lastOut) : "—" }),
              cell("myAtt.minutesLate", { class: "ms-num", text: String(day.minutesLate) }),
              cell("myAtt.minutesEarly", { class: "ms-num", text: String(day.minutesEarly) }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The month: calendar grid, the chosen day's detail, legend, table, downloads. */
function monthPart(page) {
  const { ctx, remember, state, panels, today, thisMonth } = page;

  const period = h("h2", { class: "ma-period", attrs: { "aria-live": "polite" } });
  const monthButton = (key, symbol, step) =>
    h(
      "button",
      { type: "button", class: "button button--secondary button--small ma-step", on: { click: () => moveMonth(step) } },
      h("span", { attrs: { "aria-hidden": "true" }, text: symbol }),
      h("span", { class: "visually-hidden", t: key }),
    );
  const previous = monthButton("myAtt.previousMonth", "‹", -1);
  const next = monthButton("myAtt.nextMonth", "›", 1);
  const download = (key, format) =>
    h("a", { class: "button button--secondary button--small", attrs: { download: "" }, dataset: { format } }, icon("download"), h("span", { t: key }));
  const csv = download("myAtt.csv", "csv");
  const xlsx = download("myAtt.xlsx", "xlsx");
  const monthBody = h("div", { class: "ma-month" });

  panels.month.append(
    h("div", { class: "ma-monthbar" }, previous, period, next),
    h("div", { class: "button-row ma-downloads" }, csv, xlsx),
    monthBody,
  );

  async function moveMonth(step) {
    state.month = addMonths(state.month, step);
    state.selected = null;
    remember();
    await Promise.all([loadMonth(), page.loadNotes()]);
  }

  function dayCell(key, byDay) {
    const day = byDay.get(key);
    if (!day) {
      // Not begun yet: no status, nothing to tap.
      return h("td", { class: "ma-cell" }, h("span", { class: "ma-day ma-day--future", text: formatDay(key, { day: "numeric" }) }));
    }
    const [statusKey] = statusOf(day.status);
    const chosen = key === state.selected;
    const button = h(
      "button",
      {
        type: "button",
        class: `ma-day ma-s-${day.status in CODE ? day.status : "not_checked_in"}${key === today ? " ma-day--today" : ""}`,
        dataset: { day: key },
        attrs: { "aria-pressed": String(chosen), "aria-current": key === today ? "date" : null },
        on: { click: () => choose(key), keydown: (event) => gridKey(event, key) },
      },
      h("span", { class: "ma-day__number", attrs: { "aria-hidden": "true" }, text: formatDay(key, { day: "numeric" }) }),
      h("span", { class: "ma-day__code", attrs: { "aria-hidden": "true" }, t: CODE[day.status] ?? CODE.not_checked_in }),
      h("span", { class: "visually-hidden", t: "myAtt.dayButton", args: { date: longDay(key), status: t(statusKey) } }),
    );
    button.tabIndex = key === (state.selected ?? focusDay(byDay)) ? 0 : -1;
    return h("td", { class: "ma-cell" }, button);
  }

  /** The day that takes the calendar's tab stop when none is chosen. */
  function focusDay(byDay) {
    if (byDay.has(today)) return today;
    return [...byDay.keys()].pop() ?? null;
  }

  function gridKey(event, key) {
    const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    let target = null;
    if (steps[event.key] !== undefined) target = addDays(key, steps[event.key]);
    else if (event.key === "Home") target = addDays(key, -((parseDay(key).getUTCDay() + 6) % 7));
    else if (event.key === "End") target = addDays(key, 6 - ((parseDay(key).getUTCDay() + 6) % 7));
    if (!target) return;
    const button = monthBody.querySelector(`button[data-day="${target}"]`);
    event.preventDefault();
    if (!button) return;
    for (const other of monthBody.querySelectorAll("button[data-day]")) other.tabIndex = -1;
    button.tabIndex = 0;
    button.focus();
  }

  function choose(key) {
    state.selected = key;
    for (const button of monthBody.querySelectorAll("button[data-day]")) {
      const on = button.dataset.day === key;
      button.setAttribute("aria-pressed", String(on));
      button.tabIndex = on ? 0 : -1;
    }
    showDetail();
    // On a phone the detail is below the calendar: bring it into view, the day still seen.
    monthBody.querySelector(".ma-detail")?.scrollIntoView({ block: "nearest" });
  }

  function showDetail() {
    const detail = monthBody.querySelector(".ma-detail");
    if (detail && state.selected && state.monthData) detail.replaceChildren(...dayDetail(state.selected).filter(Boolean));
  }

  function grid(byDay) {
    const keys = monthDays(state.month);
    const first = keys[0];
    const lead = (parseDay(first).getUTCDay() + 6) % 7; // Monday first
    const cells = [...Array(lead).fill(null), ...keys];
    while (cells.length % 7) cells.push(null);
    const weeks = [];
    for (let i = 0; i < cells.length; i += 7) {
      weeks.push(
        h(
          "tr",
          {},
          cells.slice(i, i + 7).map((key) => (key ? dayCell(key, byDay) : h("td", { class: "ma-cell ma-cell--empty" }))),
        ),
      );
    }
    const monday = addDays(first, -lead);
    const headers = [0, 1, 2, 3, 4, 5, 6].map((offset) => {
      const key = addDays(monday, offset);
      return h(
        "th",
        { attrs: { scope: "col", abbr: formatDay(key, { weekday: "long" }) } },
        formatDay(key, { weekday: "narrow" }),
      );
    });
    return h(
      "table",
      { class: "ma-grid" },
      h("caption", { class: "visually-hidden", t: "myAtt.calendarCaption", args: { month: monthTitle(state.month) } }),
      h("thead", {}, h("tr", {}, headers)),
      h("tbody", {}, weeks),
    );
  }

  function dayDetail(key) {
    const day = state.monthData?.days.find((d) => d.day === key);
    if (!day) return [h("p", { class: "card__text", t: "myAtt.chooseDay" })];
    const [statusKey, tone] = statusOf(day.status);
    const rows = [];
    if (day.holidayName) rows.push(detailsRow("myAtt.holiday", day.holidayName));
    if (day.patternCode) rows.push(detailsRow("myAtt.pattern", patternName(day.patternCode)));
    if (day.expectedStart) rows.push(detailsRow("myAtt.expectedIn", formatClock(day.expectedStart)));
    if (day.expectedEnd) rows.push(detailsRow("myAtt.expectedOut", formatClock(day.expectedEnd)));
    rows.push(detailsRow("myAtt.firstIn", day.firstIn ? formatTime(day.firstIn) : "—"));
    rows.push(detailsRow("myAtt.lastOut", day.lastOut ? formatTime(day.lastOut) : "—"));
    if (day.minutesLate > 0) rows.push(detailsRow("myAtt.minutesLate", String(day.minutesLate)));
    if (day.minutesEarly > 0) rows.push(detailsRow("myAtt.minutesEarly", String(day.minutesEarly)));
    const flags = day.flags.filter((f) => FLAG[f]).map((f) => badge(FLAG[f], "neutral"));
    const issues = (state.issues ?? []).filter((i) => i.day === key);
    const note = state.notes.find((n) => n.day === key) ?? (key === today ? state.todayNote : null);
    return [
      h("h3", { class: "ma-detail__title", text: longDay(key) }),
      h("p", { class: "today__status" }, h("span", { class: "visually-hidden", t: "attToday.statusLabel" }), badge(statusKey, tone)),
      h("dl", { class: "details details--compact" }, rows),
      flags.length ? h("p", { class: "badges" }, flags) : null,
      issues.length
        ? h(
            "ul",
            { class: "ma-detail__issues" },
            issues.map((issue) =>
              h(
                "li",
                {},
                h("span", { t: ISSUE_KIND[issue.kind] ?? "myAtt.kindOther" }),
                " ",
                badge(...(ISSUE_STATE[issue.status] ?? ISSUE_STATE.open)),
                " ",
                h("button", {
                  type: "button",
                  class: "button button--secondary button--small",
                  t: "myAtt.openIssue",
                  on: { click: () => page.showIssue(issue.id) },
                }),
              ),
            ),
          )
        : null,
      note ? h("p", { class: "ma-detail__note" }, h("strong", { t: "myAtt.noteOfDay" }), " ", note.text) : null,
      dayTaps(key),
    ];
  }

  /** The day's check-ins, each with the drawing of where it was against the office. */
  function dayTaps(key) {
    const list = h("ul", { class: "ma-detail__taps" });
    const day = state.monthData?.days.find((d) => d.day === key);
    if (!day?.firstIn && !day?.lastOut) return list;
    api
      .get(`/api/attendance/days/${key}`)
      .then((checkIns) => {
        if (!ctx.isCurrent()) return;
        list.replaceChildren(
          ...checkIns.map((checkIn) => {
            const verdict = verdictMessage(checkIn.verdict, true);
            return h(
              "li",
              { class: "ma-detail__tap" },
              h("p", { class: "ma-detail__tap-when", text: `${kindText(checkIn.kind)} · ${formatTime(checkIn.occurredAt)}` }),
              h("p", { t: verdict.key, args: verdict.args }),
              checkIn.sketch ? officeSketch(checkIn.sketch, checkIn.verdict.status, verdict) : null,
            );
          }),
        );
      })
      .catch(() => list.replaceChildren());
    return list;
  }

  function renderMonth() {
    translate(period, "myAtt.period", { month: monthTitle(state.month) });
    next.disabled = state.month >= thisMonth;
    for (const link of [csv, xlsx]) {
      link.href = `/api/attendance/months/${state.month}/download?format=${link.dataset.format}`;
    }
    if (state.monthError) {
      monthBody.replaceChildren(loadProblem(state.monthError, () => loadMonth()));
      return;
    }
    const data = state.monthData;
    if (!data) {
      monthBody.replaceChildren(h("p", { class: "card__text", t: "common.wait" }));
      return;
    }
    const byDay = new Map(data.days.map((d) => [d.day, d]));
    if (!state.selected && byDay.has(today)) state.selected = today;
    const open = byDay.get(state.selected) ? state.selected : null;
    monthBody.replaceChildren(
      h("div", { class: "ma-grid-wrap" }, grid(byDay)),
      h("p", { class: "field__hint ma-hint", t: "myAtt.gridHint" }),
      h("div", { class: "card ma-detail", attrs: { "aria-live": "polite" } }, open ? dayDetail(open) : h("p", { class: "card__text", t: "myAtt.chooseDay" })),
      monthLegend(data, panels.month.id),
      data.days.length ? dayTable(data, state.month) : h("p", { class: "card__text", t: "myAtt.monthEmpty" }),
    );
  }

  async function loadMonth() {
    const month = state.month;
    try {
      const data = await api.get(`/api/attendance/months/${month}`);
      if (month !== state.month) return;
      state.monthData = data;
      state.monthError = null;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (month !== state.month) return;
      state.monthData = null;
      state.monthError = error;
    }
    renderMonth();
  }

  page.showDetail = showDetail;
  return { load: loadMonth, render: renderMonth };
}

/** Open issues with their justification forms, and the pending check-ins needing a reason. */
function issuesPart(page) {
  const { state, panels, later } = page;

  const issuesStatus = h("p", { class: "alert alert--success", attrs: { role: "status", tabindex: "-1" }, hidden: true });
  const issuesBody = h("div", { class: "ma-issues" });
  panels.issues.append(h("p", { class: "page__lead", t: "myAtt.issuesLead" }), issuesStatus, issuesBody);

  function showIssue(id) {
    page.select("issues");
    const card = issuesBody.querySelector(`[data-issue="${id}"]`);
    if (!card) return;
    card.scrollIntoView({ block: "start" });
    (card.querySelector("textarea") ?? card.querySelector("h4")).focus();
  }

  function justificationForm(issue) {
    const box = textArea({
      label: "myAtt.justification",
      hint: "myAtt.justificationHint",
      name: `justification-${issue.id}`,
      rows: 3,
      max: JUSTIFICATION_MAX,
      value: issue.justification,
    });
    const alert = formAlert();
    const submit = h("button", {
      type: "submit",
      class: "button button--primary",
      t: issue.status === "justified" ? "myAtt.justifyAgain" : "myAtt.justifySubmit",
    });
    const form = h("form", { class: "form ma-justify", attrs: { novalidate: true } }, alert.element, box.element, submit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      alert.clear();
      box.clearError();
      const text = box.input.value.trim();
      if (text.length < JUSTIFICATION_MIN) {
        box.setError({ key: "myAtt.justificationShort" });
        return;
      }
      try {
        await busy(submit, () => api.patch(`/api/attendance/issues/${issue.id}`, { justification: text }));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const atField = error.fieldMessage("justification");
        if (atField) box.setError({ text: atField });
        else alert.show(problemText(error));
        // Decided meanwhile (409) or gone (404): show the list as it is now.
        if (error.status === 409 || error.status === 404) await loadIssues({ keepStatus: true });
        return;
      }
      await loadIssues();
      translate(issuesStatus, "myAtt.justifySent");
      issuesStatus.hidden = false;
      issuesStatus.focus();
      announce("myAtt.justifySent");
    });
    return form;
  }

  function issueCard(issue) {
    const [stateKey, stateTone] = ISSUE_STATE[issue.status] ?? ISSUE_STATE.open;
    const escalation = ESCALATION[issue.escalation];
    const titleId = uniqueId("ma-issue");
    const decided = issue.status === "approved" || issue.status === "rejected";
    if (issue.status === "closed") {
      return h(
        "li",
        { class: "card ma-issue", dataset: { issue: String(issue.id), status: issue.status }, attrs: { "aria-labelledby": titleId } },
        h(
          "h4",
          { class: "ma-issue__title", id: titleId, attrs: { tabindex: "-1" } },
          h("span", { t: ISSUE_KIND[issue.kind] ?? "myAtt.kindOther" }),
          later(h("span", { class: "ma-issue__date" }), () => ` · ${longDay(issue.day)}`),
        ),
        h("p", { class: "badges" }, badge(stateKey, stateTone)),
        h("p", { class: "record__text ma-issue__closed", t: CLOSED_REASON[issue.closedReason] ?? "myAtt.closedCalendarChanged" }),
      );
    }
    return h(
      "li",
      { class: "card ma-issue", dataset: { issue: String(issue.id), status: issue.status }, attrs: { "aria-labelledby": titleId } },
      h(
        "h3",
        { class: "ma-issue__title", id: titleId, attrs: { tabindex: "-1" } },
        h("span", { t: ISSUE_KIND[issue.kind] ?? "myAtt.kindOther" }),
        later(h("span", { class: "ma-issue__date" }), () => ` · ${longDay(issue.day)}`),
      ),
      h("p", { class: "badges" }, badge(stateKey, stateTone), escalation ? badge(escalation[0], escalation[1]) : null),
      issue.justification && decided
        ? h("p", { class: "record__text" }, h("strong", { t: "myAtt.yourJustification" }), " ", issue.justification)
        : null,
      decided
        ? h(
            "p",
            { class: "record__text ma-issue__decision" },
            h("strong", { t: "myAtt.decision" }),
            " ",
            h("span", { t: stateKey }),
            issue.decisionNote ? [h("br"), h("strong", { t: "myAtt.decisionNote" }), " ", issue.decisionNote] : null,
          )
        : justificationForm(issue),
      dayHistory(`/api/attendance/issues/${issue.id}/history`),
    );
  }

  function renderIssues() {
    if (state.issuesError) {
      issuesBody.replaceChildren(loadProblem(state.issuesError, () => loadIssues()));
      return;
    }
    if (!state.issues) {
      issuesBody.replaceChildren(h("p", { class: "card__text", t: "common.wait" }));
      return;
    }
    const open = state.issues.filter((i) => i.status === "open");
    page.openCount.hidden = !open.length;
    translate(page.openCount, "myAtt.openCount", { count: open.length });
    const pending = pendingSection();
    if (!state.issues.length) {
      issuesBody.replaceChildren(...[pending, h("p", { class: "card ma-empty", t: "myAtt.noIssues" })].filter(Boolean));
      return;
    }
    const groups = [
      ["myAtt.groupOpen", open],
      ["myAtt.groupJustified", state.issues.filter((i) => i.status === "justified")],
      ["myAtt.groupDecided", state.issues.filter((i) => i.status !== "open" && i.status !== "justified")],
    ];
    issuesBody.replaceChildren(
      ...(pending ? [pending] : []),
      ...groups
        .filter(([, items]) => items.length)
        .map(([key, items]) =>
          h(
            "section",
            { class: "ma-group" },
            // h2: the first heading level under the page's h1 in this tab (axe heading-order).
            h("h2", { class: "ma-group__title", t: key, args: { count: items.length } }),
            h("ul", { class: "ma-issue-list" }, items.map(issueCard)),
          ),
        ),
    );
  }

  /** Own check-ins waiting for the supervisor: a reason can be given or changed here too. */
  function pendingSection() {
    const items = state.pending ?? [];
    if (!items.length) return null;
    return h(
      "section",
      { class: "ma-group ma-pending" },
      h("h2", { class: "ma-group__title", t: "myAtt.groupPending", args: { count: items.length } }),
      h(
        "ul",
        { class: "records" },
        items.map((checkIn) => {
          const verdict = verdictMessage(checkIn.verdict, true);
          return h(
            "li",
            { class: "record card", dataset: { checkInId: String(checkIn.id) } },
            h("p", { class: "record__time", text: formatDateTime(checkIn.occurredAt) }),
            h("p", { class: "record__text", t: verdict.key, args: verdict.args }),
            h(
              "p",
              { class: "record__text" },
              checkIn.note ? h("span", { text: checkIn.note }) : h("span", { t: "myAtt.noReasonYet" }),
            ),
            h(
              "details",
              { class: "record__reason" },
              h("summary", {
                class: "button button--secondary button--small",
                t: checkIn.note ? "attReason.changeLater" : "attReason.giveLater",
              }),
              checkInReasonForm(checkIn, { onSent: () => loadIssues({ keepStatus: true }) }),
            ),
          );
        }),
      ),
    );
  }

  async function loadIssues({ keepStatus = false } = {}) {
    if (!keepStatus) issuesStatus.hidden = true;
    try {
      state.pending = await api.get("/api/attendance/check-ins/pending");
      state.issues = await api.get("/api/attendance/issues");
      state.issuesError = null;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      state.issuesError = error;
    }
    renderIssues();
    // The month's day details list the day's issues too.
    page.showDetail();
  }

  page.showIssue = showIssue;
  return { load: loadIssues };
}

/** Today's task note and the notes of the month shown. */
function notesPart(page) {
  const { state, panels, later, today, thisMonth } = page;

  const noteBox = textArea({
    label: "myAtt.todayNote",
    hint: "myAtt.todayNoteHint",
    name: "task-note",
    rows: 5,
    max: NOTE_MAX,
  });
  const noteAlert = formAlert();
  const noteSaved = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const noteSubmit = h("button", { type: "submit", class: "button button--primary", t: "myAtt.saveNote" });
  const noteForm = h(
    "form",
    { class: "card form ma-note-form", attrs: { novalidate: true } },
    h("h3", { class: "card__title" }, h("span", { t: "myAtt.todayTitle" }), " ", later(h("span", { class: "ma-note__date" }), () => longDay(today))),
    noteAlert.element,
    noteBox.element,
    h("div", { class: "button-row" }, noteSubmit),
    noteSaved,
  );
  const notesTitle = h("h3", { class: "ma-group__title" });
  const notesBody = h("div", { class: "ma-notes" });
  panels.notes.append(noteForm, h("section", { class: "ma-group" }, notesTitle, notesBody));

  noteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    noteAlert.clear();
    noteBox.clearError();
    noteSaved.hidden = true;
    const text = noteBox.input.value.trim();
    if (!text) {
      noteBox.setError({ key: "myAtt.noteRequired" });
      return;
    }
    let saved;
    try {
      saved = await busy(noteSubmit, () => api.put(`/api/attendance/notes/${today}`, { text }));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const atField = error.fieldMessage("text");
      if (atField) noteBox.setError({ text: atField });
      else noteAlert.show(problemText(error));
      return;
    }
    state.todayNote = saved;
    if (state.month === thisMonth) {
      state.notes = [...state.notes.filter((n) => n.day !== today), saved].sort((a, b) => a.day.localeCompare(b.day));
      renderNotes();
    }
    translate(noteSaved, "myAtt.noteSaved", { time: formatTime(saved.updatedAt) });
    noteSaved.hidden = false;
    announce("myAtt.noteSaved", { time: formatTime(saved.updatedAt) });
  });

  function renderNotes() {
    translate(notesTitle, "myAtt.notesOfMonth", { month: monthTitle(state.month) });
    if (state.notesError) {
      notesBody.replaceChildren(loadProblem(state.notesError, () => loadNotes()));
      return;
    }
    const past = state.notes.filter((n) => n.day !== today).reverse();
    notesBody.replaceChildren(
      past.length
        ? h(
            "ul",
            { class: "ma-note-list" },
            past.map((note) =>
              h(
                "li",
                { class: "card ma-note" },
                h("h4", { class: "ma-note__day", text: longDay(note.day) }),
                h("p", { class: "ma-note__text", text: note.text }),
                h("p", { class: "field__hint", t: "myAtt.noteUpdated", args: { time: formatDateTimeShort(note.updatedAt) } }),
              ),
            ),
          )
        : h("p", { class: "card__text", t: "myAtt.noNotes" }),
    );
  }

  function formatDateTimeShort(iso) {
    return new Intl.DateTimeFormat(locale(), {
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: TIME_ZONE,
    }).format(new Date(iso));
  }

  async function loadNotes() {
    const month = state.month;
    try {
      const [notes, current] = await Promise.all([
        api.get(`/api/attendance/notes/${month}`),
        month === thisMonth || state.todayNote ? null : api.get(`/api/attendance/notes/${thisMonth}`),
      ]);
      if (month !== state.month) return;
      state.notes = notes;
      state.notesError = null;
      const mine = (month === thisMonth ? notes : current ?? []).find((n) => n.day === today);
      if (mine && !state.todayNote) {
        state.todayNote = mine;
        // Never overwrite what the officer is typing.
        if (!noteBox.input.value) noteBox.input.value = mine.text;
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (month !== state.month) return;
      state.notesError = error;
    }
    renderNotes();
  }

  page.loadNotes = loadNotes;
  return { load: loadNotes, render: renderNotes };
}

export const myAttendanceView = {
  title: "myAtt.title",
  frame: FRAME,
  async render(ctx) {
    const page = pageState(ctx);
    const tabList = tabsPart(page);
    const month = monthPart(page);
    const issues = issuesPart(page);
    const notes = notesPart(page);

    const unsubscribe = onLanguageChange(() => {
      page.localized = page.localized.filter(([element]) => element.isConnected);
      for (const [element, format] of page.localized) element.textContent = format();
      // The month and the notes are rebuilt from their data; the issues keep their forms (and
      // what was typed in them): only their dates change, through `later`.
      month.render();
      notes.render();
    });
    ctx.onLeave(unsubscribe);

    await Promise.all([month.load(), issues.load(), notes.load()]);
    page.select(page.state.tab);

    const { panels } = page;
    return h("section", { class: "page ma-page" }, pageHeader(FRAME), tabList, panels.month, panels.issues, panels.notes);
  },
};
