// The supervisor's team view (tablet first, usable on a phone): who of the direct reports is in
// the office, outside, gone home or not checked in yet today; the month as a grid (one row per
// officer, a short status code per day with its words for screen readers, the working pattern);
// and the team's task notes of a chosen day. Every state is said in words, colour only helps.
// Nothing here is cached by the service worker (API answers are network only).

import { api } from "../api.js";
import { badge, DAY_STATUS, formatDateTime, formatTime, PATTERN_NAMES } from "../attendance.js";
import { h } from "../dom.js";
import { busy, dateField, formAlert, problemText } from "../forms.js";
import { locale, onLanguageChange, t, translate } from "../i18n.js";
import { pageHeader } from "../page-frame.js";
import { addMonths, formatDay, monthDays, todayKey } from "../days.js";

/** Where someone is now -> [catalogue key, tone, sort order]; "off": leave, holiday, weekend. */
const WHERE = {
  not_checked_in: ["team.whereNotYet", "bad", 0],
  outside: ["team.whereOutside", "warn", 1],
  in_office: ["team.whereInOffice", "ok", 2],
  checked_out: ["team.whereCheckedOut", "neutral", 3],
  off: ["team.whereOff", "neutral", 4],
};

/** Day statuses on which nobody is expected to check in. */
const NOT_EXPECTED = new Set(["on_leave", "public_holiday", "weekend", "clock_broken"]);

/** Day status -> the short code in a grid cell (written out so the catalogue test sees them). */
const CODE = {
  present: "team.codePresent",
  late_in: "team.codeLateIn",
  early_out: "team.codeEarlyOut",
  late_in_and_early_out: "team.codeLateInEarlyOut",
  incomplete: "team.codeIncomplete",
  absent: "team.codeAbsent",
  on_leave: "team.codeOnLeave",
  public_holiday: "team.codePublicHoliday",
  weekend: "team.codeWeekend",
  clock_broken: "team.codeClockBroken",
  external_pending: "team.codeExternalPending",
  external_approved: "team.codeExternalApproved",
  external_rejected: "team.codeExternalRejected",
  in_progress: "team.codeInProgress",
  not_checked_in: "team.codeNotCheckedIn",
};

function whereOf(member) {
  if (member.where === "not_checked_in" && NOT_EXPECTED.has(member.status)) return "off";
  return WHERE[member.where] ? member.where : "not_checked_in";
}

function emptyTeam() {
  return h("p", { class: "card team-empty", t: "team.noReports" });
}

// ------------------------------------------------------------------------------------ today

function countCards(members) {
  const counts = Object.fromEntries(Object.keys(WHERE).map((key) => [key, 0]));
  for (const member of members) counts[whereOf(member)] += 1;
  const tone = { ok: "db-card--ok", warn: "db-card--warn", bad: "team-card--bad", neutral: "" };
  return h(
    "ul",
    { class: "db-cards team-cards" },
    Object.entries(WHERE).map(([where, [key, cardTone]]) =>
      h(
        "li",
        { class: `db-card ${tone[cardTone]}`, dataset: { where } },
        h("span", { class: "db-card__value", text: String(counts[where]) }),
        h("span", { class: "db-card__label", t: key }),
      ),
    ),
  );
}

function todayTable(members) {
  const sorted = [...members].sort(
    (a, b) => WHERE[whereOf(a)][2] - WHERE[whereOf(b)][2] || a.name.localeCompare(b.name, locale()),
  );
  // On a phone each row becomes a card; data-label names the value (the CSS shows it).
  const cell = (labelKey, content) => h("td", { dataset: { label: t(labelKey) } }, content);
  return h(
    "div",
    { class: "ms-scroll team-today", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": "team.todayTable" } },
    h(
      "table",
      { class: "ms-table" },
      h("caption", { class: "visually-hidden", t: "team.todayTable" }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { attrs: { scope: "col" }, t: "team.officer" }),
          h("th", { attrs: { scope: "col" }, t: "team.where" }),
          h("th", { attrs: { scope: "col" }, t: "team.dayStatus" }),
          h("th", { attrs: { scope: "col" }, t: "team.firstIn" }),
          h("th", { attrs: { scope: "col" }, t: "team.office" }),
        ),
      ),
      h(
        "tbody",
        {},
        sorted.map((member) => {
          const where = whereOf(member);
          const [whereKey, whereTone] = WHERE[where];
          const [statusKey, statusTone] = DAY_STATUS[member.status] ?? ["attStatus.notCheckedIn", "neutral"];
          return h(
            "tr",
            { class: "team-row", dataset: { userId: String(member.userId), where } },
            h("th", { attrs: { scope: "row" } }, h("span", { class: "team-name", text: member.name })),
            cell("team.where", badge(whereKey, whereTone)),
            cell("team.dayStatus", badge(statusKey, statusTone)),
            cell("team.firstIn", member.firstIn ? formatTime(member.firstIn) : h("span", { class: "team-none", t: "team.none" })),
            cell("team.office", member.office ? member.office : h("span", { class: "team-none", t: "team.none" })),
          );
        }),
      ),
    ),
  );
}

function todayPanel() {
  const heading = h("h2", { id: "team-today-heading", class: "db-heading", t: "team.tabToday" });
  const body = h("div", { class: "team-panel__body" });
  // Only this line is announced after a refresh (not the whole table again).
  const updated = h("p", { class: "field__hint team-updated", attrs: { role: "status" } });
  const problem = formAlert();
  const refresh = h("button", { type: "button", class: "button button--secondary", t: "team.refresh" });

  async function load() {
    try {
      const members = await api.get("/api/attendance/team/today");
      problem.clear();
      translate(heading, "team.todayHeading", { date: formatDay(todayKey(), { dateStyle: "full" }) });
      translate(updated, "team.updatedAt", { time: formatTime(new Date().toISOString()) });
      body.replaceChildren(...(members.length ? [countCards(members), todayTable(members)] : [emptyTeam()]));
    } catch (error) {
      problem.show(problemText(error));
    }
  }
  refresh.addEventListener("click", () => busy(refresh, load));

  const element = h(
    "section",
    { class: "team-panel", attrs: { "aria-labelledby": "team-today-heading" } },
    h(
      "div",
      { class: "team-panel__head" },
      heading,
      refresh,
    ),
    updated,
    problem.element,
    body,
  );
  return { element, load };
}

// ------------------------------------------------------------------------------------ month

export function legend() {
  return h(
    "details",
    // Open: the codes' meanings are on the screen, not behind a tap (closable to save room).
    { class: "card team-legend", open: true },
    h("summary", { t: "team.legend" }),
    h(
      "dl",
      { class: "team-legend__list" },
      Object.entries(CODE).map(([status, codeKey]) =>
        h(
          "div",
          { class: "team-legend__item" },
          h("dt", { class: `team-cell team-cell--${DAY_STATUS[status][1]}`, t: codeKey }),
          h("dd", { t: DAY_STATUS[status][0] }),
        ),
      ),
      // The working-hour patterns of the "Waktu" column (WP1–WP3 staggered, WBF flexible).
      ["WP1", "WP2", "WP3", "WBF"].map((code) =>
        h(
          "div",
          { class: "team-legend__item" },
          h("dt", { class: "team-cell", text: code }),
          h("dd", { t: PATTERN_NAMES[code] }),
        ),
      ),
    ),
  );
}

export function monthGrid(month, members) {
  const days = monthDays(month);
  const today = todayKey();
  const rows = members.map((member) => {
    const byDay = Object.fromEntries(member.days.map((d) => [d.day, d]));
    return h(
      "tr",
      { dataset: { userId: String(member.userId) } },
      h("th", { class: "team-grid__name", attrs: { scope: "row" }, text: member.name }),
      h("td", { class: "team-grid__pattern", text: member.patterns?.length ? member.patterns.join(", ") : "—" }),
      days.map((key) => {
        const day = byDay[key];
        const when = formatDay(key, { day: "numeric", month: "short" });
        if (!day) {
          return h(
            "td",
            { class: "team-cell team-cell--future", dataset: { day: key } },
            h("span", { class: "visually-hidden", t: "team.cellFuture", args: { name: member.name, day: when } }),
          );
        }
        const [statusKey, tone] = DAY_STATUS[day.status] ?? ["attStatus.notCheckedIn", "neutral"];
        // The code is what the eye reads; the hidden words are what a screen reader says.
        return h(
          "td",
          { class: `team-cell team-cell--${tone}${key === today ? " team-cell--today" : ""}`, dataset: { day: key, status: day.status } },
          h("span", { attrs: { "aria-hidden": "true" }, t: CODE[day.status] ?? "team.codeNotCheckedIn" }),
          h("span", { class: "visually-hidden", t: "team.cellName", args: { name: member.name, day: when, status: t(statusKey) } }),
        );
      }),
    );
  });
  return h(
    "div",
    { class: "team-grid-scroll", attrs: { tabindex: "0", role: "region" }, tAttrs: { "aria-label": "team.monthTable" } },
    h(
      "table",
      { class: "team-grid" },
      h("caption", { class: "visually-hidden", t: "team.monthCaption", args: { month: formatDay(`${month}-01`, { month: "long", year: "numeric" }) } }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { class: "team-grid__name", attrs: { scope: "col" }, t: "team.officer" }),
          h("th", { class: "team-grid__pattern", attrs: { scope: "col" }, t: "team.pattern" }),
          days.map((key) =>
            h(
              "th",
              { class: `team-grid__day${key === today ? " team-grid__day--today" : ""}`, attrs: { scope: "col", abbr: formatDay(key, { day: "numeric", month: "short" }) } },
              h("span", { class: "team-grid__weekday", text: formatDay(key, { weekday: "narrow" }) }),
              h("span", { text: String(Number(key.slice(8))) }),
            ),
          ),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

function monthPanel(initialMonth) {
  let month = initialMonth;
  const period = h("h2", { id: "team-month-heading", class: "db-heading team-period", attrs: { "aria-live": "polite" } });
  const body = h("div", { class: "team-panel__body" });
  const problem = formAlert();
  const move = (by) => {
    month = by === 0 ? todayKey().slice(0, 7) : addMonths(month, by);
    load();
  };
  const navButton = (key, by) =>
    h("button", { type: "button", class: "button button--secondary button--small", t: key, on: { click: () => move(by) } });

  async function load() {
    translate(period, "team.monthHeading", { month: formatDay(`${month}-01`, { month: "long", year: "numeric" }) });
    try {
      const members = await api.get(`/api/attendance/team/months/${month}`);
      problem.clear();
      body.replaceChildren(members.length ? monthGrid(month, members) : emptyTeam());
    } catch (error) {
      problem.show(problemText(error));
      body.replaceChildren();
    }
  }

  const element = h(
    "section",
    { class: "team-panel", attrs: { "aria-labelledby": "team-month-heading" } },
    h(
      "div",
      { class: "team-panel__head" },
      period,
      h(
        "div",
        { class: "mc-nav team-month-nav", attrs: { role: "group" }, tAttrs: { "aria-label": "team.monthNav" } },
        navButton("team.previousMonth", -1),
        navButton("team.thisMonth", 0),
        navButton("team.nextMonth", 1),
      ),
    ),
    problem.element,
    legend(),
    body,
  );
  return { element, load };
}

// ------------------------------------------------------------------------------------ notes

function notesPanel() {
  // dd/mm/yyyy on every phone (forms.js dateField); the server refuses a day in the future.
  const dayField = dateField("team.noteDay", { value: todayKey(), required: true });
  const input = dayField.input;
  const body = h("div", { class: "team-panel__body" });
  const found = h("p", { class: "field__hint", attrs: { role: "status" } });
  const problem = formAlert();
  const submit = h("button", { type: "submit", class: "button button--primary", t: "team.showNotes" });

  async function load() {
    const iso = dayField.iso();
    if (!iso) {
      dayField.setError({ key: iso === null ? "date.invalid" : "team.dateRequired" });
      problem.clear();
      clearResult();
      input.focus();
      return;
    }
    dayField.clear();
    try {
      const notes = await api.get(`/api/attendance/team/notes/${iso}`);
      problem.clear();
      const day = formatDay(iso, { dateStyle: "long" });
      // Said once, by the status line (announced): how many, or that there are none.
      translate(found, notes.length ? "team.notesCount" : "team.noNotes", { count: notes.length, day });
      body.replaceChildren(
        notes.length
          ? h(
              "ul",
              { class: "team-notes" },
              notes.map((note) =>
                h(
                  "li",
                  { class: "card team-note", dataset: { userId: String(note.userId) } },
                  h("h3", { class: "team-note__name", text: note.officerName }),
                  h("p", { class: "team-note__text", text: note.text }),
                  h("p", { class: "field__hint", t: "team.noteUpdated", args: { at: formatDateTime(note.updatedAt) } }),
                ),
              ),
            )
          : [],
      );
    } catch (error) {
      problem.show(problemText(error));
      clearResult();
    }
  }

  function clearResult() {
    delete found.dataset.i18n;
    found.textContent = "";
    body.replaceChildren();
  }

  const form = h(
    "form",
    {
      class: "card ms-filters team-notes-form",
      attrs: { novalidate: true },
      on: {
        submit: (event) => {
          event.preventDefault();
          busy(submit, load);
        },
      },
    },
    dayField.element,
    h("div", { class: "button-row" }, submit),
  );
  const element = h(
    "section",
    { class: "team-panel", attrs: { "aria-labelledby": "team-notes-heading" } },
    h("h2", { id: "team-notes-heading", class: "db-heading", t: "team.notesHeading" }),
    form,
    problem.element,
    found,
    body,
  );
  return { element, load };
}

// ------------------------------------------------------------------------------------ page

const TABS = [
  ["today", "team.tabToday"],
  ["month", "team.tabMonth"],
  ["notes", "team.tabNotes"],
];

const FRAME = { title: "team.title", lead: "team.lead" };

export const teamView = {
  title: "team.title",
  frame: FRAME,
  async render(ctx) {
    const month = /^\d{4}-\d{2}$/.test(ctx.query.month ?? "") ? ctx.query.month : todayKey().slice(0, 7);
    const panels = { today: todayPanel(), month: monthPanel(month), notes: notesPanel() };
    const loaded = new Set();
    const buttons = {};

    async function show(tab) {
      for (const [name, button] of Object.entries(buttons)) button.setAttribute("aria-pressed", String(name === tab));
      for (const [name, panel] of Object.entries(panels)) panel.element.hidden = name !== tab;
      if (!loaded.has(tab)) {
        loaded.add(tab);
        await panels[tab].load();
      }
    }

    const switcher = h(
      "div",
      { class: "mc-switch team-switch", attrs: { role: "group" }, tAttrs: { "aria-label": "team.viewLabel" } },
      TABS.map(([tab, key]) => {
        buttons[tab] = h("button", { type: "button", class: "button button--secondary button--small", t: key, on: { click: () => show(tab) } });
        return buttons[tab];
      }),
    );
    // Texts built from other texts (a cell's words, dates) are made again in the new language.
    ctx.onLeave(
      onLanguageChange(() => {
        for (const tab of loaded) panels[tab].load();
      }),
    );
    const first = TABS.some(([tab]) => tab === ctx.query.tab) ? ctx.query.tab : "today";
    await show(first);
    return h(
      "section",
      { class: "page team-page" },
      pageHeader(FRAME),
      switcher,
      Object.values(panels).map((panel) => panel.element),
    );
  },
};
