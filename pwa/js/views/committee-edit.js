// A committee's settings for the agency administrator (name, unit, parent committee, quorum,
// active), with a unit picker that shows the agency's unit hierarchy as a tree; and the
// committee's archive of meetings, a page at a time (every year).
//
// The rules stay in the API (PATCH /api/committees/:id checks the unit and the parent); this
// screen only gathers the choice.

import { api } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
import { translate, translateAttribute } from "../i18n.js";
import { meetingCard } from "./meetings.js";

const ARCHIVE_PAGE_SIZE = 10;

/** Units as a forest: [{unit, children}] in the order of their paths. */
function unitForest(units) {
  const nodes = new Map(units.map((u) => [u.id, { unit: u, children: [] }]));
  const roots = [];
  for (const u of [...units].sort((a, b) => a.path.localeCompare(b.path))) {
    const node = nodes.get(u.id);
    const parent = u.parentId ? nodes.get(u.parentId) : null;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** A radio group shaped as a tree: branches fold and unfold; the chosen unit's branch is open;
 * a filter shows the matching units with the units above them. */
export function unitPicker(units, selectedId, name = uniqueId("unit")) {
  const legendId = uniqueId("unit-legend");
  const filterId = uniqueId("unit-filter");
  const byId = new Map(units.map((u) => [u.id, u]));
  // Open: the path down to the chosen unit and the chosen unit's own branch.
  const openIds = new Set(selectedId ? [selectedId] : []);
  for (let u = byId.get(selectedId); u && u.parentId; u = byId.get(u.parentId)) openIds.add(u.parentId);
  const items = [];

  function branch(nodes, level) {
    return h(
      "ul",
      { class: `unit-tree__list${level ? "" : " unit-tree__list--root"}`, attrs: { role: "list" } },
      nodes.map((node) => {
        const u = node.unit;
        const radioId = uniqueId("unit-choice");
        const radio = h("input", { id: radioId, type: "radio", class: "unit-tree__radio", name, value: String(u.id), checked: u.id === selectedId });
        const children = node.children.length ? branch(node.children, level + 1) : null;
        let toggle = null;
        if (children) {
          const open = openIds.has(u.id);
          children.hidden = !open;
          toggle = h("button", {
            type: "button",
            class: "unit-tree__toggle",
            attrs: { "aria-expanded": String(open), "data-i18n-args": JSON.stringify({ name: u.name }) },
            text: open ? "−" : "+",
            on: {
              click: () => {
                const now = children.hidden;
                children.hidden = !now;
                toggle.setAttribute("aria-expanded", String(now));
                toggle.textContent = now ? "−" : "+";
              },
            },
          });
          translateAttribute(toggle, "aria-label", "committees.unitToggle");
        }
        const row = h(
          "div",
          { class: "unit-tree__row" },
          toggle ?? h("span", { class: "unit-tree__spacer", attrs: { "aria-hidden": "true" } }),
          radio,
          h("label", { class: "unit-tree__label", htmlFor: radioId, text: u.name }),
          u.code ? h("span", { class: "unit-tree__code", text: u.code }) : null,
        );
        const li = h("li", { class: "unit-tree__item" }, row, children);
        items.push({ li, unit: u, children });
        return li;
      }),
    );
  }

  const filter = h("input", { id: filterId, class: "input", type: "search", attrs: { autocomplete: "off" } });
  const tree = branch(unitForest(units), 0);
  filter.addEventListener("input", () => {
    const text = filter.value.trim().toLowerCase();
    const keep = new Set();
    for (const { unit } of items) {
      if (!text || unit.name.toLowerCase().includes(text) || (unit.code || "").toLowerCase().includes(text)) {
        for (let u = unit; u; u = byId.get(u.parentId)) keep.add(u.id);
      }
    }
    for (const { li, unit, children } of items) {
      li.hidden = !keep.has(unit.id);
      if (children && text) children.hidden = false;
    }
  });
  const element = h(
    "fieldset",
    { class: "field unit-tree", attrs: { "aria-labelledby": legendId } },
    h("legend", { class: "field__label", id: legendId, t: "committees.unit" }),
    h("label", { class: "field__hint", htmlFor: filterId, t: "committees.unitFilter" }),
    filter,
    tree,
  );
  return {
    element,
    value: () => {
      const chosen = element.querySelector(`input[name="${name}"]:checked`);
      return chosen ? Number(chosen.value) : null;
    },
  };
}

export async function committeeEditForm(committee, onSaved) {
  const alert = formAlert();
  const saved = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const [units, committees] = await Promise.all([
    api.get(`/api/agencies/${committee.agencyId}/units`),
    api.get("/api/committees"),
  ]);
  const nameId = uniqueId("name");
  const parentId = uniqueId("parent");
  const quorumId = uniqueId("quorum");
  const activeId = uniqueId("active");
  const name = h("input", { id: nameId, class: "input", value: committee.name, attrs: { maxlength: "255", required: true } });
  const picker = unitPicker(units, committee.unitId);
  const parent = h(
    "select",
    { id: parentId, class: "input select" },
    h("option", { value: "", t: "committees.noParent" }),
    committees
      .filter((c) => c.id !== committee.id && c.agencyId === committee.agencyId)
      .map((c) => h("option", { value: String(c.id), text: c.name, selected: c.id === committee.parentId })),
  );
  const quorum = h("input", { id: quorumId, class: "input", type: "number", value: committee.quorum ?? "", attrs: { min: "1", max: "1000", inputmode: "numeric" } });
  const active = h("input", { id: activeId, type: "checkbox", class: "checkbox__input", checked: committee.active });
  const submit = h("button", { type: "submit", class: "button button--primary", t: "committees.saveSettings" });
  const titleId = uniqueId("edit-title");
  const form = h(
    "form",
    { class: "form", attrs: { novalidate: true } },
    alert.element,
    saved,
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: nameId, t: "committees.name" }), name),
    picker.element,
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: parentId, t: "committees.parent" }), parent),
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: quorumId, t: "committees.quorum" }), h("p", { class: "field__hint", t: "committees.quorumHint" }), quorum),
    h("div", { class: "checkbox" }, active, h("label", { class: "checkbox__label", htmlFor: activeId, t: "committees.activeLabel" })),
    h("div", { class: "button-row" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    alert.clear();
    saved.hidden = true;
    if (!name.value.trim()) {
      alert.show({ key: "committees.required" });
      name.focus();
      return;
    }
    const body = { name: name.value.trim(), active: active.checked };
    const unitId = picker.value();
    if (unitId) body.unitId = unitId;
    if (parent.value) body.parentId = Number(parent.value);
    if (quorum.value) body.quorum = Number(quorum.value);
    else body.clearQuorum = true;
    busy(submit, async () => {
      try {
        const updated = await api.patch(`/api/committees/${committee.id}`, body);
        translate(saved, "committees.settingsSaved");
        saved.hidden = false;
        onSaved(updated);
      } catch (error) {
        alert.show(problemText(error));
      }
    });
  });
  return h(
    "section",
    { class: "card committee-edit", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "committees.settingsTitle" }),
    form,
  );
}

export function committeeArchive(committee) {
  const titleId = uniqueId("archive-title");
  const list = h("div", { class: "committee-archive__list", attrs: { "aria-live": "polite" } });
  const position = h("p", { class: "committee-archive__position" });
  const previous = h("button", { type: "button", class: "button button--secondary", t: "committees.archivePrevious" });
  const next = h("button", { type: "button", class: "button button--secondary", t: "committees.archiveNext" });
  let page = 1;

  async function load() {
    const data = await api.get(`/api/committees/${committee.id}/meetings?page=${page}&pageSize=${ARCHIVE_PAGE_SIZE}`);
    const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
    list.replaceChildren(
      data.items.length
        ? h("ul", { class: "mtg-list" }, data.items.map((m) => meetingCard(m)))
        : h("p", { class: "mtg-empty", t: "committees.archiveNone" }),
    );
    translate(position, "committees.archivePosition", { page, pages, total: data.total });
    previous.disabled = page <= 1;
    next.disabled = page >= pages;
  }
  previous.addEventListener("click", () => busy(previous, async () => { page -= 1; await load(); }));
  next.addEventListener("click", () => busy(next, async () => { page += 1; await load(); }));
  const element = h(
    "section",
    { class: "card committee-archive", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "committees.archiveTitle" }),
    list,
    h("nav", { class: "committee-archive__pager", attrs: { "aria-labelledby": titleId } }, previous, position, next),
  );
  return { element, load };
}

function ratio(done, total) {
  return total ? `${done}/${total}` : "–";
}

/** Per person: RSVP on time, papers and minutes opened, feedback on time (the last 365 days). */
export async function committeeUsage(committee) {
  const data = await api.get(`/api/committees/${committee.id}/usage`);
  const titleId = uniqueId("usage-title");
  const row = (labelKey, value) => h("div", { class: "details__row" }, h("dt", { t: labelKey }), h("dd", { text: value }));
  return h(
    "section",
    { class: "card committee-usage", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "committees.usageTitle" }),
    h("p", { class: "card__text", t: "committees.usageLead", args: { meetings: data.meetings } }),
    data.members.length
      ? h(
          "ul",
          { class: "committee-usage__list" },
          data.members.map((m) =>
            h(
              "li",
              { class: "committee-usage__person" },
              h("h3", { class: "committee-usage__name", text: m.name }),
              h(
                "dl",
                { class: "details" },
                row("committees.usageRsvp", ratio(m.answeredOnTime, m.invited)),
                row("committees.usageHours", m.medianHoursToAnswer == null ? "–" : String(m.medianHoursToAnswer)),
                row("committees.usagePapers", ratio(m.papersOpened, m.papersTotal)),
                row("committees.usageMinutes", ratio(m.minutesOpened, m.minutesTotal)),
                row("committees.usageFeedback", ratio(m.feedbackOnTime, m.actionsCounted)),
              ),
            ),
          ),
        )
      : h("p", { class: "mtg-empty", t: "committees.usageNone" }),
  );
}
