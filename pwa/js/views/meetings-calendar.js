// The meetings calendar: month, week and agenda views of the user's meetings and their
// committees' (agenda is the default on phones). Keyboard: the view switch and the
// previous/next buttons are ordinary buttons; in the month grid the arrow keys move between
// days (Home/End: start/end of the week) and Tab goes into a day's meetings.

import { api } from "../api.js";
import { TIME_ZONE } from "../attendance.js";
import { h } from "../dom.js";
import { formAlert, problemText } from "../forms.js";
import { locale, translate } from "../i18n.js";

const VIEWS = { month: "meetingDay.viewMonth", week: "meetingDay.viewWeek", agenda: "meetingDay.viewAgenda" };
const RSVP = {
  needs_action: "meetingDay.rsvpNeedsAction",
  accepted: "meetingDay.rsvpAccepted",
  declined: "meetingDay.rsvpDeclined",
  delegated: "meetingDay.rsvpDelegated",
};
const STATUS = { cancelled: "meetingDay.statusCancelled", draft: "meetingDay.statusDraft" };

/** "YYYY-MM-DD" of a Date in Malaysian time. */
function dayKey(date) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(date);
}

function parseDay(key) {
  const [y, m, d] = key.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d, 4)); // noon in Malaysia: safe from any date edge
}

function addDays(key, days) {
  const date = parseDay(key);
  date.setUTCDate(date.getUTCDate() + days);
  return dayKey(date);
}

/** Monday of the week of `key` (Malaysian weeks start on Monday). */
function weekStart(key) {
  const weekday = (parseDay(key).getUTCDay() + 6) % 7;
  return addDays(key, -weekday);
}

function monthRange(key) {
  const first = `${key.slice(0, 8)}01`;
  const date = parseDay(first);
  date.setUTCMonth(date.getUTCMonth() + 1);
  date.setUTCDate(0);
  return [first, dayKey(date)];
}

function formatDay(key, options) {
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", ...options }).format(parseDay(key));
}

function formatTime(iso) {
  return new Intl.DateTimeFormat(locale(), {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: TIME_ZONE,
  }).format(new Date(iso));
}

function meetingItem(item, { compact = false } = {}) {
  const badges = [];
  if (STATUS[item.status]) badges.push(h("span", { class: "badge badge--bad", t: STATUS[item.status] }));
  if (item.classification !== "TERBUKA") badges.push(h("span", { class: "badge badge--warn", text: item.classification }));
  if (!compact && RSVP[item.myRsvp]) badges.push(h("span", { class: "badge badge--neutral", t: RSVP[item.myRsvp] }));
  const link = h(
    "a",
    {
      class: `mc-item${item.status === "cancelled" ? " mc-item--cancelled" : ""}`,
      href: `#/meetings/${item.meetingId}`,
    },
    h("span", { class: "mc-item__time", text: formatTime(item.startsAt) }),
    h("span", { class: "mc-item__title", text: item.title }),
    compact ? null : h("span", { class: "mc-item__meta", text: `${item.committeeName} · ${item.number}` }),
  );
  return h("li", { class: "mc-entry" }, link, badges.length ? h("span", { class: "badges badges--inline" }, badges) : null);
}

function byDay(items) {
  const days = new Map();
  for (const item of items) {
    const key = dayKey(new Date(item.startsAt));
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(item);
  }
  return days;
}

export const meetingsCalendarView = {
  title: "meetingDay.calendarTitle",
  async render(ctx) {
    const phone = window.matchMedia("(max-width: 767px)").matches;
    const today = dayKey(new Date());
    const state = {
      view: VIEWS[ctx.query.view] ? ctx.query.view : phone ? "agenda" : "month",
      anchor: /^\d{4}-\d{2}-\d{2}$/.test(ctx.query.date ?? "") ? ctx.query.date : today,
      focusDay: null,
    };
    const period = h("h2", { class: "mc-period", attrs: { "aria-live": "polite" } });
    const body = h("div", { class: "mc-body" });
    const problem = formAlert();
    const switches = {};
    const switcher = h(
      "div",
      { class: "mc-switch", attrs: { role: "group" }, tAttrs: { "aria-label": "meetingDay.viewLabel" } },
      Object.entries(VIEWS).map(([view, key]) => {
        switches[view] = h("button", {
          type: "button",
          class: "button button--secondary button--small",
          t: key,
          on: {
            click: () => {
              state.view = view;
              load();
            },
          },
        });
        return switches[view];
      }),
    );

    function range() {
      if (state.view === "week") {
        const start = weekStart(state.anchor);
        return [start, addDays(start, 6)];
      }
      return monthRange(state.anchor);
    }

    function move(step) {
      if (state.view === "week") state.anchor = addDays(state.anchor, 7 * step);
      else {
        const date = parseDay(`${state.anchor.slice(0, 8)}01`);
        date.setUTCMonth(date.getUTCMonth() + step);
        state.anchor = dayKey(date);
      }
      load();
    }

    function dayCell(key, items, inMonth) {
      const cell = h(
        "td",
        {
          class: `mc-day${key === today ? " mc-day--today" : ""}${inMonth ? "" : " mc-day--outside"}`,
          dataset: { day: key },
          attrs: { tabindex: key === (state.focusDay ?? state.anchor) ? "0" : "-1", "aria-current": key === today ? "date" : null },
          on: { keydown: (event) => gridKey(event, key) },
        },
        h("span", { class: "mc-day__number", text: formatDay(key, { day: "numeric" }), attrs: { "aria-label": formatDay(key, { weekday: "long", day: "numeric", month: "long" }) } }),
        items.length ? h("ul", { class: "mc-list mc-list--compact" }, items.map((i) => meetingItem(i, { compact: true }))) : null,
      );
      return cell;
    }

    function gridKey(event, key) {
      if (event.target !== event.currentTarget) return; // inside a meeting link
      const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
      let next = null;
      if (steps[event.key] !== undefined) next = addDays(key, steps[event.key]);
      else if (event.key === "Home") next = weekStart(key);
      else if (event.key === "End") next = addDays(weekStart(key), 6);
      if (!next) return;
      event.preventDefault();
      const target = body.querySelector(`[data-day="${next}"]`);
      if (target) {
        for (const cell of body.querySelectorAll("[data-day]")) cell.tabIndex = -1;
        target.tabIndex = 0;
        target.focus();
        state.focusDay = next;
      } else {
        state.anchor = next;
        state.focusDay = next;
        load().then(() => body.querySelector(`[data-day="${next}"]`)?.focus());
      }
    }

    function monthGrid(start, end, days) {
      const first = weekStart(start);
      const weeks = [];
      for (let week = first; week <= end; week = addDays(week, 7)) {
        weeks.push(
          h(
            "tr",
            {},
            [0, 1, 2, 3, 4, 5, 6].map((offset) => {
              const key = addDays(week, offset);
              return dayCell(key, days.get(key) ?? [], key >= start && key <= end);
            }),
          ),
        );
      }
      const headers = [0, 1, 2, 3, 4, 5, 6].map((offset) =>
        h("th", { attrs: { scope: "col" }, text: formatDay(addDays(first, offset), { weekday: "short" }) }),
      );
      return h("table", { class: "mc-month" }, h("thead", {}, h("tr", {}, headers)), h("tbody", {}, weeks));
    }

    function dayList(keys, days, { showEmpty }) {
      const sections = [];
      for (const key of keys) {
        const items = days.get(key) ?? [];
        if (!items.length && !showEmpty) continue;
        sections.push(
          h(
            "section",
            { class: `mc-agenda__day${key === today ? " mc-agenda__day--today" : ""}` },
            h("h3", { class: "mc-agenda__date", text: formatDay(key, { weekday: "long", day: "numeric", month: "long" }) }),
            items.length
              ? h("ul", { class: "mc-list" }, items.map((i) => meetingItem(i)))
              : h("p", { class: "mc-empty", t: "meetingDay.noMeetingsDay" }),
          ),
        );
      }
      if (!sections.length) return h("p", { class: "card mc-empty", t: "meetingDay.noMeetings" });
      return h("div", { class: state.view === "week" ? "mc-week" : "mc-agenda" }, sections);
    }

    async function load() {
      const [start, end] = range();
      for (const [view, button] of Object.entries(switches)) {
        button.setAttribute("aria-pressed", String(view === state.view));
      }
      if (state.view === "week") {
        translate(period, "meetingDay.periodWeek", {
          start: formatDay(start, { day: "numeric", month: "short" }),
          end: formatDay(end, { day: "numeric", month: "short", year: "numeric" }),
        });
      } else {
        translate(period, "meetingDay.periodMonth", { month: formatDay(start, { month: "long", year: "numeric" }) });
      }
      try {
        const data = await api.get("/api/meeting-calendar", { from: start, to: end });
        problem.clear();
        const days = byDay(data.items);
        const keys = [];
        for (let key = start; key <= end; key = addDays(key, 1)) keys.push(key);
        if (state.view === "month") body.replaceChildren(monthGrid(start, end, days));
        else body.replaceChildren(dayList(keys, days, { showEmpty: state.view === "week" }));
      } catch (error) {
        problem.show(problemText(error));
      }
    }

    await load();
    return h(
      "section",
      { class: "page mc-calendar" },
      h("header", { class: "page__header" }, h("h1", { class: "page__title", t: "meetingDay.calendarTitle" })),
      h(
        "div",
        { class: "mc-toolbar" },
        switcher,
        h(
          "div",
          { class: "mc-nav" },
          h("button", { type: "button", class: "button button--secondary button--small", t: "meetingDay.previous", on: { click: () => move(-1) } }),
          h("button", {
            type: "button",
            class: "button button--secondary button--small",
            t: "meetingDay.today",
            on: {
              click: () => {
                state.anchor = today;
                load();
              },
            },
          }),
          h("button", { type: "button", class: "button button--secondary button--small", t: "meetingDay.next", on: { click: () => move(1) } }),
        ),
      ),
      period,
      problem.element,
      body,
    );
  },
};
