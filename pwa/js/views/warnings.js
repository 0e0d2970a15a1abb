// Warnings (supervisors and agency administrators): check-ins judged inside the office that carry
// plausibility findings (impossible travel, clock off, repeated or stale position, accuracy like a
// fake-location app, sent late). They count without a decision, so they are not in the approvals
// list; each finding is said in words. Administrators may look at the whole agency. Nothing here
// is cached by the service worker (API answers are network only).

import { api } from "../api.js";
import { APPROVAL, badge, FINDINGS, findingBadges, formatDateTime, kindText } from "../attendance.js";
import { h } from "../dom.js";
import { busy, dateField, formAlert, labelled, problemText } from "../forms.js";
import { translate } from "../i18n.js";
import { currentUser, isAdmin } from "../session.js";
import { pageHeader } from "../page-frame.js";
import { todayKey } from "../days.js";

const FRAME = { title: "warnings.title", lead: "warnings.lead" };

export const warningsView = {
  title: "warnings.title",
  frame: FRAME,
  async render() {
    const admin = isAdmin(currentUser());
    const alert = formAlert();
    const list = h("ul", { class: "warnings__list" });
    const summary = h("p", { class: "card__text", attrs: { role: "status", "aria-live": "polite" } });

    // dd/mm/yyyy on every phone (forms.js dateField).
    const first = dateField("warnings.from", { value: todayKey(-6) });
    const last = dateField("warnings.to", { value: todayKey() });
    const code = labelled(
      "warnings.finding",
      h(
        "select",
        { class: "input" },
        h("option", { value: "", t: "warnings.anyFinding" }),
        Object.entries(FINDINGS).map(([value, key]) => h("option", { value, t: key })),
      ),
    );
    const scope = admin
      ? labelled(
          "warnings.scope",
          h(
            "select",
            { class: "input" },
            h("option", { value: "team", t: "warnings.scopeTeam" }),
            h("option", { value: "agency", t: "warnings.scopeAgency" }),
          ),
        )
      : null;
    const show = h("button", { type: "submit", class: "button button--primary", t: "warnings.show" });

    function card(item) {
      const checkIn = item.checkIn;
      return h(
        "li",
        { class: "card warning", dataset: { checkIn: String(checkIn.id) } },
        h(
          "h2",
          { class: "card__title" },
          item.officerName,
          " · ",
          h("span", { text: kindText(checkIn.kind) }),
          " · ",
          h("time", { attrs: { datetime: checkIn.occurredAt }, text: formatDateTime(checkIn.occurredAt) }),
        ),
        h("p", { class: "card__text" }, checkIn.verdict.officeName ?? ""),
        h(
          "p",
          { class: "badges" },
          findingBadges(checkIn),
          checkIn.approval !== "not_needed" && APPROVAL[checkIn.approval] ? badge(...APPROVAL[checkIn.approval]) : null,
        ),
        h(
          "ul",
          { class: "warning__findings" },
          checkIn.findings.map((finding) =>
            h(
              "li",
              { class: "record__text" },
              h("strong", { t: FINDINGS[finding.code] ?? "warnings.otherFinding" }),
              ": ",
              h("span", { attrs: { lang: "en" }, text: finding.message }),
            ),
          ),
        ),
      );
    }

    async function load() {
      alert.clear();
      let bad = null;
      for (const f of [first, last]) {
        f.clear();
        if (!f.iso()) {
          f.setError({ key: "date.invalid" });
          bad ??= f.input;
        }
      }
      if (bad) {
        bad.focus();
        return;
      }
      const params = new URLSearchParams({ from: first.iso(), to: last.iso() });
      if (code.control.value) params.set("code", code.control.value);
      if (scope) params.set("scope", scope.control.value);
      try {
        const items = await api.get(`/api/attendance/warnings?${params}`);
        list.replaceChildren(...items.map(card));
        translate(summary, items.length ? "warnings.count" : "warnings.none", { count: items.length });
      } catch (error) {
        list.replaceChildren();
        summary.textContent = "";
        delete summary.dataset.i18n;
        alert.show(problemText(error));
      }
    }

    const form = h(
      "form",
      {
        class: "form warnings__filters",
        attrs: { novalidate: true },
        on: {
          submit: (event) => {
            event.preventDefault();
            busy(show, load);
          },
        },
      },
      first.element,
      last.element,
      code.element,
      scope ? scope.element : null,
      show,
    );
    await load();
    return h(
      "section",
      { class: "page warnings-page" },
      pageHeader(FRAME),
      form,
      alert.element,
      summary,
      list,
    );
  },
};
