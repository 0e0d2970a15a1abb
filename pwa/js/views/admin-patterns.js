// Working patterns (agency administrators), as SPOT-Me's yearly grid "Waktu Kerja Pegawai":
// a row per person, a column per month, each cell the pattern in force (WP1/WP2/WP3, the
// agency's own, WBF). Changing a cell sets that month only; the bulk form sets a pattern for a
// unit (and the units below) from a month on. Ramadan patterns follow on the server. Below:
// the agency's own staggered patterns and early-leave entitlements (PP 11/2017). Every rule
// (codes, times, months, who) is checked and audited by the server; a refusal is shown in the
// form's alert. A change to past months is recomputed by a server job (the answer says so).

import { api, ApiError } from "../api.js";
import { announce, h, uniqueId } from "../dom.js";
import { busy, describedDateInput, formAlert, isoDate, labelled, problemText, timeField } from "../forms.js";
import { translate } from "../i18n.js";

const MONTHS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"];

function select(options, value) {
  return h(
    "select",
    { class: "input" },
    options.map(([code, text]) => h("option", { value: code, text, selected: code === value })),
  );
}

function monthName(index) {
  return new Intl.DateTimeFormat(document.documentElement.lang || "ms", { month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(2026, index, 1)),
  );
}

export const adminPatternsView = {
  title: "patterns.title",
  async render() {
    let year = new Date().getFullYear();
    let query = "";
    let page = 1;
    const alert = formAlert();
    const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const gridHolder = h("div", { class: "pt-grid" });
    const yearHeading = h("h2", { attrs: { "aria-live": "polite" } });
    const extras = h("div", { class: "pt-extras" });
    let data = null;

    function done(key, params) {
      translate(status, key, params);
      status.hidden = false;
      announce(key, params);
    }

    async function load() {
      data = await api.get("/api/attendance/working-patterns", { year, q: query, page });
      translate(yearHeading, "patterns.yearHeading", { year });
      gridHolder.replaceChildren(grid());
      extras.replaceChildren(bulkSection(), ownSection(), earlyLeaveSection());
    }

    async function assign(body, button) {
      alert.clear();
      status.hidden = true;
      await busy(button, async () => {
        try {
          const result = await api.post("/api/attendance/working-patterns/assignments", body);
          done(result.recomputeQueued ? "patterns.savedRecompute" : "patterns.saved", { people: result.people });
          await load();
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          alert.show(problemText(error));
          await load();
        }
      });
    }

    function options() {
      return data.patterns.map((p) => [p.code, `${p.code} ${p.kind === "flexible" ? "" : `${p.start}–${p.end}`}`.trim()]);
    }

    function grid() {
      const head = h(
        "tr",
        {},
        h("th", { scope: "col", t: "patterns.person" }),
        MONTHS.map((_, i) => h("th", { scope: "col", text: monthName(i) })),
      );
      const rows = data.rows.map((row) =>
        h(
          "tr",
          {},
          h("th", { scope: "row", class: "table__name" }, h("span", { text: row.name }), h("small", { class: "pt-unit", text: row.unitName })),
          row.months.map((codes, i) => {
            const cell = select(options(), codes[codes.length - 1]);
            cell.classList.add("pt-cell");
            cell.setAttribute("aria-label", `${row.name} — ${monthName(i)} ${year}${codes.length > 1 ? ` (${codes.join("→")})` : ""}`);
            cell.addEventListener("change", () =>
              assign({ patternCode: cell.value, first: `${year}-${MONTHS[i]}`, last: `${year}-${MONTHS[i]}`, userIds: [row.userId] }, cell),
            );
            return h("td", {}, cell);
          }),
        ),
      );
      const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
      const pager = h("p", { class: "pt-pager" });
      translate(pager, "patterns.page", { page: data.page, pages, total: data.total });
      const prevPage = h("button", { type: "button", class: "button button--secondary", t: "patterns.prevPage", disabled: page <= 1 });
      const nextPage = h("button", { type: "button", class: "button button--secondary", t: "patterns.nextPage", disabled: page >= pages });
      prevPage.addEventListener("click", () => { page -= 1; load(); });
      nextPage.addEventListener("click", () => { page += 1; load(); });
      return h(
        "div",
        {},
        data.rows.length
          ? h("div", { class: "table-wrap", attrs: { tabindex: "0", role: "region", "aria-labelledby": gridTitle } },
              h("table", { class: "table pt-table" }, h("thead", {}, head), h("tbody", {}, rows)))
          : h("p", { t: "patterns.nobody" }),
        h("div", { class: "button-row" }, prevPage, pager, nextPage),
      );
    }

    function bulkSection() {
      const titleId = uniqueId("pt-bulk");
      const unit = labelled("patterns.unit", select(data.units.map((u) => [String(u.id), `${"· ".repeat(u.depth)}${u.name}`])));
      const pattern = labelled("patterns.pattern", select(options(), data.defaultCode));
      const from = labelled("patterns.fromMonth", select(MONTHS.map((m, i) => [`${year}-${m}`, `${monthName(i)} ${year}`])));
      const save = h("button", { type: "submit", class: "button button--primary", t: "patterns.bulkSave" });
      const form = h("form", { class: "card", attrs: { "aria-labelledby": titleId } },
        h("h2", { id: titleId, t: "patterns.bulkTitle" }),
        h("p", { class: "field__hint", t: "patterns.bulkHint" }),
        unit.element, pattern.element, from.element, save);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        assign({ patternCode: pattern.control.value, first: from.control.value, unitId: Number(unit.control.value) }, save);
      });
      return form;
    }

    function ownSection() {
      const titleId = uniqueId("pt-own");
      const own = data.patterns.filter((p) => p.agencyOwn);
      const code = labelled("patterns.code", h("input", { class: "input input--short", attrs: { maxlength: "8", autocapitalize: "characters" } }), { hint: "patterns.codeHint" });
      // 24-hour hh:mm typed (a native time picker shows AM/PM on many phones).
      const start = timeField("patterns.start", { value: "08:00", required: true });
      const end = timeField("patterns.end", { value: "17:00", required: true });
      const ramadanEnd = timeField("patterns.ramadanEnd", { hint: "patterns.ramadanEndHint" });
      const formAlertOwn = formAlert();
      const save = h("button", { type: "submit", class: "button button--primary", t: "patterns.ownSave" });
      const list = h("ul", { class: "record-list" }, own.map((p) => {
        const remove = h("button", { type: "button", class: "button button--secondary", t: "patterns.remove" });
        remove.setAttribute("aria-label", `${remove.textContent} ${p.code}`);
        remove.addEventListener("click", () => busy(remove, async () => {
          try {
            await api.del(`/api/attendance/agency-patterns/${encodeURIComponent(p.code)}`);
            done("patterns.ownRemoved");
            await load();
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            formAlertOwn.show(problemText(error));
          }
        }));
        return h("li", { class: "record pt-own" }, h("span", { text: `${p.code} ${p.start}–${p.end} (Ramadan –${p.ramadanEnd})` }), remove);
      }));
      const form = h("form", { class: "card", attrs: { "aria-labelledby": titleId, novalidate: true } },
        h("h2", { id: titleId, t: "patterns.ownTitle" }),
        own.length ? list : h("p", { t: "patterns.ownNone" }),
        formAlertOwn.element,
        code.element, start.element, end.element, ramadanEnd.element, save);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        for (const f of [code, start, end, ramadanEnd]) f.clear();
        const value = code.control.value.trim().toUpperCase();
        const bad = [];
        if (!/^[A-Z0-9_]{2,8}$/.test(value)) bad.push([code, "patterns.codeInvalid"]);
        for (const f of [start, end]) {
          if (f.time() === "") bad.push([f, "time.required"]);
          else if (f.time() === null) bad.push([f, "time.invalid"]);
        }
        if (ramadanEnd.time() === null) bad.push([ramadanEnd, "time.invalid"]);
        if (bad.length) {
          for (const [f, key] of bad) f.setError({ key });
          bad[0][0].control.focus();
          return;
        }
        busy(save, async () => {
          formAlertOwn.clear();
          try {
            const body = { start: start.time(), end: end.time() };
            if (ramadanEnd.time()) body.ramadanEnd = ramadanEnd.time();
            await api.put(`/api/attendance/agency-patterns/${encodeURIComponent(value)}`, body);
            done("patterns.ownSaved", { code: value });
            await load();
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            formAlertOwn.show(problemText(error));
          }
        });
      });
      return form;
    }

    function earlyLeaveSection() {
      const titleId = uniqueId("pt-early");
      const person = labelled("patterns.officer", select(data.rows.map((r) => [String(r.userId), r.name])));
      const from = describedDateInput({ required: true });
      const until = describedDateInput();
      const fromField = labelled("patterns.earlyFrom", from.input);
      fromField.element.insertBefore(from.hint, from.input);
      const untilField = labelled("patterns.earlyUntil", until.input, { hint: "patterns.earlyUntilHint" });
      untilField.element.insertBefore(until.hint, until.input);
      const earlyAlert = formAlert();
      const save = h("button", { type: "submit", class: "button button--primary", t: "patterns.earlySave" });
      const list = h("ul", { class: "record-list" });
      const form = h("form", { class: "card", attrs: { "aria-labelledby": titleId, novalidate: true } },
        h("h2", { id: titleId, t: "patterns.earlyTitle" }),
        h("p", { class: "field__hint", t: "patterns.earlyHint" }),
        list, earlyAlert.element, person.element, fromField.element, untilField.element, save);
      async function refresh() {
        const entries = await api.get("/api/attendance/early-leave");
        list.replaceChildren(...entries.map((e) => {
          const remove = h("button", { type: "button", class: "button button--secondary", t: "patterns.remove" });
          remove.addEventListener("click", () => busy(remove, async () => {
            await api.del(`/api/attendance/early-leave/${e.id}`);
            done("patterns.earlyRemoved");
            await refresh();
          }));
          const text = h("span", {});
          translate(text, "patterns.earlyEntry", { name: e.officerName, start: e.start, end: e.end ?? "…", minutes: e.minutes, basis: e.basis });
          return h("li", { class: "record pt-own" }, text, remove);
        }));
      }
      refresh();
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        fromField.clear();
        untilField.clear();
        const start = isoDate(from.input);
        const end = isoDate(until.input);
        if (!start) {
          fromField.setError({ key: "patterns.dateInvalid" });
          from.input.focus();
          return;
        }
        if (end === null) {
          untilField.setError({ key: "patterns.dateInvalid" });
          until.input.focus();
          return;
        }
        busy(save, async () => {
          earlyAlert.clear();
          try {
            await api.post("/api/attendance/early-leave", { userId: Number(person.control.value), start, end: end || null });
            done("patterns.earlySaved");
            await refresh();
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            earlyAlert.show(problemText(error));
          }
        });
      });
      return form;
    }

    const gridTitle = uniqueId("pt-grid-title");
    const search = h("input", { type: "search", class: "input", attrs: { autocomplete: "off" } });
    const searchField = labelled("patterns.search", search);
    const searchButton = h("button", { type: "submit", class: "button button--secondary", t: "patterns.searchButton" });
    const searchForm = h("form", { class: "pt-search", attrs: { role: "search" } }, searchField.element, searchButton);
    searchForm.addEventListener("submit", (event) => {
      event.preventDefault();
      query = search.value.trim();
      page = 1;
      busy(searchButton, load);
    });
    const prev = h("button", { type: "button", class: "button button--secondary", t: "patterns.prevYear" });
    const next = h("button", { type: "button", class: "button button--secondary", t: "patterns.nextYear" });
    prev.addEventListener("click", () => { year -= 1; busy(prev, load); });
    next.addEventListener("click", () => { year += 1; busy(next, load); });
    yearHeading.id = gridTitle;
    await load();
    return h(
      "section",
      { class: "page patterns" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "patterns.title" }),
        h("p", { class: "page__lead", t: "patterns.lead" }),
      ),
      searchForm,
      h("div", { class: "button-row pt-years" }, prev, yearHeading, next),
      alert.element,
      status,
      gridHolder,
      extras,
    );
  },
};
