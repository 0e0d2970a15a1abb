// Agency calendar (agency administrators): holiday overrides (an extra holiday such as a cuti
// peristiwa, or a day the agency works on: a public holiday, or a weekend day such as a
// replacement working Saturday) and offices' "clock broken" days, for a year, with the public
// holidays as the attendance rules will see them after the overrides.

import { api } from "../api.js";
import { announce, h, uniqueId } from "../dom.js";
import { busy, dateField, field, formAlert, problemText } from "../forms.js";
import { locale, translate } from "../i18n.js";
import { checkInSettingsSection } from "./admin-checkin-settings.js";

function dayText(iso) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "full", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
}

function select(label, options, hint) {
  const id = uniqueId("ac-select");
  const hintId = hint ? `${id}-hint` : null;
  const input = h(
    "select",
    { id, class: "input", attrs: { "aria-describedby": hintId } },
    options.map(([value, key, text]) => h("option", { value, ...(key ? { t: key } : { text }) })),
  );
  return {
    input,
    element: h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: id, t: label }),
      hint ? h("p", { class: "field__hint", id: hintId, t: hint }) : null,
      input,
    ),
  };
}

export const adminCalendarView = {
  title: "adminCalendar.title",
  async render() {
    let year = Number(new Date().getFullYear());
    const problem = formAlert();
    const body = h("div", { class: "ac-body" });
    const yearLabel = h("h2", { class: "ac-year", attrs: { "aria-live": "polite" } });

    async function load() {
      const data = await api.get("/api/attendance/calendar", { year });
      problem.clear();
      translate(yearLabel, "adminCalendar.yearHeading", { year });
      body.replaceChildren(overridesSection(data), clockSection(data), holidaysSection(data));
    }

    async function act(button, work, doneKey) {
      await busy(button, async () => {
        try {
          await work();
          announce(doneKey);
          await load();
        } catch (error) {
          problem.show(problemText(error));
        }
      });
    }

    function overridesSection(data) {
      const day = dateField("adminCalendar.day", { required: true });
      const kind = select(
        "adminCalendar.kind",
        [
          ["holiday", "adminCalendar.kindHoliday"],
          ["working", "adminCalendar.kindWorking"],
        ],
        "adminCalendar.kindHint",
      );
      const name = field({ label: "adminCalendar.name", name: "name", hint: "adminCalendar.nameHint" });
      const save = h("button", { type: "submit", class: "button button--primary", t: "adminCalendar.saveOverride" });
      const form = h(
        "form",
        {
          class: "ac-form",
          attrs: { novalidate: true },
          on: {
            submit: (event) => {
              event.preventDefault();
              day.clear();
              const iso = day.iso();
              if (!iso) {
                day.setError({ key: iso === "" ? "adminCalendar.dayRequired" : "date.invalid" });
                day.input.focus();
                return;
              }
              act(
                save,
                () => api.put(`/api/attendance/calendar/overrides/${iso}`, { kind: kind.input.value, name: name.input.value }),
                "adminCalendar.saved",
              );
            },
          },
        },
        day.element,
        kind.element,
        name.element,
        h("div", { class: "button-row" }, save),
      );
      const workingWeekend = new Set(data.workingWeekendDays ?? []);
      const rows = data.overrides.map((o) => {
        const remove = h("button", {
          type: "button",
          class: "button button--secondary button--small",
          t: "adminCalendar.remove",
          on: { click: () => act(remove, () => api.del(`/api/attendance/calendar/overrides/${o.day}`), "adminCalendar.removed") },
        });
        remove.setAttribute("aria-label", `${remove.textContent}: ${dayText(o.day)}`);
        return h(
          "li",
          { class: "ac-item" },
          h(
            "span",
            { class: "ac-item__text" },
            h("strong", { text: dayText(o.day) }),
            " — ",
            h("span", { t: o.kind === "holiday" ? "adminCalendar.kindHoliday" : "adminCalendar.kindWorking" }),
            o.name ? ` (${o.name})` : "",
            workingWeekend.has(o.day) ? [" ", h("span", { class: "badge badge--neutral", t: "adminCalendar.workingWeekend" })] : null,
          ),
          remove,
        );
      });
      return h(
        "section",
        { class: "card ac-section" },
        h("h3", { class: "ac-heading", t: "adminCalendar.overridesTitle" }),
        h("p", { class: "field__hint", t: "adminCalendar.overridesLead" }),
        rows.length ? h("ul", { class: "ac-list" }, rows) : h("p", { t: "adminCalendar.noOverrides" }),
        form,
      );
    }

    function clockSection(data) {
      const offices = Object.entries(data.offices);
      const office = select(
        "adminCalendar.office",
        offices.map(([id, name]) => [id, null, name]),
      );
      const day = dateField("adminCalendar.day", { required: true });
      const note = field({ label: "adminCalendar.note", name: "note" });
      const save = h("button", { type: "submit", class: "button button--primary", t: "adminCalendar.saveClock" });
      const form = h(
        "form",
        {
          class: "ac-form",
          attrs: { novalidate: true },
          on: {
            submit: (event) => {
              event.preventDefault();
              day.clear();
              const iso = day.iso();
              if (!iso) {
                day.setError({ key: iso === "" ? "adminCalendar.dayRequired" : "date.invalid" });
                day.input.focus();
                return;
              }
              act(
                save,
                () => api.put(`/api/attendance/offices/${office.input.value}/clock-broken/${iso}`, { note: note.input.value }),
                "adminCalendar.saved",
              );
            },
          },
        },
        office.element,
        day.element,
        note.element,
        h("div", { class: "button-row" }, save),
      );
      const rows = data.clockBroken.map((c) => {
        const remove = h("button", {
          type: "button",
          class: "button button--secondary button--small",
          t: "adminCalendar.remove",
          on: {
            click: () =>
              act(remove, () => api.del(`/api/attendance/offices/${c.officeId}/clock-broken/${c.day}`), "adminCalendar.removed"),
          },
        });
        remove.setAttribute("aria-label", `${remove.textContent}: ${c.officeName}, ${dayText(c.day)}`);
        return h(
          "li",
          { class: "ac-item" },
          h("span", { class: "ac-item__text" }, h("strong", { text: dayText(c.day) }), ` — ${c.officeName}`, c.note ? ` (${c.note})` : ""),
          remove,
        );
      });
      return h(
        "section",
        { class: "card ac-section" },
        h("h3", { class: "ac-heading", t: "adminCalendar.clockTitle" }),
        h("p", { class: "field__hint", t: "adminCalendar.clockLead" }),
        rows.length ? h("ul", { class: "ac-list" }, rows) : h("p", { t: "adminCalendar.noClock" }),
        offices.length ? form : h("p", { t: "adminCalendar.noOffices" }),
      );
    }

    function holidaysSection(data) {
      const entries = Object.entries(data.holidays);
      return h(
        "section",
        { class: "card ac-section" },
        h("h3", { class: "ac-heading", t: "adminCalendar.holidaysTitle", args: { state: data.state } }),
        h(
          "ul",
          { class: "ac-list" },
          entries.map(([day, name]) => h("li", { class: "ac-item" }, h("span", { class: "ac-item__text" }, h("strong", { text: dayText(day) }), ` — ${name}`))),
        ),
      );
    }

    const previous = h("button", { type: "button", class: "button button--secondary", t: "adminCalendar.previousYear" });
    const next = h("button", { type: "button", class: "button button--secondary", t: "adminCalendar.nextYear" });
    previous.addEventListener("click", () => {
      year -= 1;
      busy(previous, () => load().catch((error) => problem.show(problemText(error))));
    });
    next.addEventListener("click", () => {
      year += 1;
      busy(next, () => load().catch((error) => problem.show(problemText(error))));
    });
    try {
      await load();
    } catch (error) {
      problem.show(problemText(error));
    }
    return h(
      "section",
      { class: "page ac-page" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "adminCalendar.title" }),
        h("p", { class: "page__lead", t: "adminCalendar.lead" }),
      ),
      await checkInSettingsSection(),
      h("div", { class: "ac-years" }, previous, yearLabel, next),
      problem.element,
      body,
    );
  },
};
