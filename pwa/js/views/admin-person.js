// People administration dialogs: add or edit a person (details, unit, supervisor, offices,
// working pattern), transfer them (dated: a new supervisor decides from that day on), and their
// roles with scope. Every rule is the API's; these forms show its answers by the fields.

import { api } from "../api.js";
import { openDialog } from "../dialog.js";
import { h, uniqueId } from "../dom.js";
import { busy, dateInput, formAlert, isoDate, labelled, problemText } from "../forms.js";
import { translate } from "../i18n.js";

// Ramadan patterns (WP4–WP6, WBF_RAMADAN) follow from these by themselves.
export const PATTERNS = ["WP1", "WP2", "WP3", "WBF"];
const DETAILS = [
  ["name", "person.name", { required: true, maxlength: 255 }],
  ["loginId", "person.loginId", { required: true, maxlength: 32, hint: "person.loginIdHint" }],
  ["email", "person.email", { required: true, type: "email", maxlength: 255 }],
  ["phone", "person.phone", { type: "tel", maxlength: 32 }],
  ["title", "person.title", { maxlength: 64 }],
  ["position", "person.position", { maxlength: 255 }],
  ["grade", "person.grade", { maxlength: 32 }],
];

function textInput(name, value, { type = "text", maxlength }) {
  return h("input", { name, type, class: "input", value: value ?? "", attrs: { maxlength, autocomplete: "off" } });
}

function unitSelect(units, value, emptyKey = "person.noUnit") {
  const select = h(
    "select",
    { name: "unitId", class: "input select" },
    h("option", { value: "", t: emptyKey }),
    units.map((unit) => h("option", { value: String(unit.id), text: `${"\u2003".repeat(Math.max(0, unit.depth))}${unit.name}` })),
  );
  select.value = value ? String(value) : "";
  return select;
}

/** A supervisor picker: type part of a name, pick from the matches; "none" clears it. */
function supervisorPicker(agencyId, current, excludeId) {
  const chosen = { id: current?.id ?? null, name: current?.name ?? "" };
  const input = h("input", { type: "search", class: "input", value: chosen.name, attrs: { autocomplete: "off", maxlength: 100 } });
  const results = h("div", { class: "person-picker__results", attrs: { role: "group", "aria-live": "polite" } });
  let timer = null;
  async function search() {
    const q = input.value.trim();
    if (q.length < 2) return results.replaceChildren();
    const page = await api.get(`/api/agencies/${agencyId}/users`, { q, state: "active", pageSize: 8 });
    results.replaceChildren(
      ...page.items
        .filter((person) => person.id !== excludeId)
        .map((person) =>
          h("button", {
            type: "button",
            class: "button button--secondary button--small",
            text: `${person.name} (${person.loginId})`,
            on: {
              click: () => {
                chosen.id = person.id;
                chosen.name = person.name;
                input.value = person.name;
                results.replaceChildren();
              },
            },
          }),
        ),
    );
  }
  input.addEventListener("input", () => {
    if (!input.value.trim()) chosen.id = null;
    clearTimeout(timer);
    timer = setTimeout(() => search().catch(() => results.replaceChildren()), 250);
  });
  return { input, results, chosen };
}

function fieldErrors(error, fields) {
  for (const item of error?.errors ?? []) {
    const target = fields[item.field];
    if (target && item.message) target.setError({ text: item.message });
  }
}

/**
 * Add (person null) or edit a person. Resolves the saved person or null.
 * lookups: {units, offices} of the agency.
 */
export function personDialog({ agencyId, person, lookups, opener }) {
  const editing = Boolean(person);
  return new Promise((resolve) => {
    let saved = null;
    openDialog({
      labelKey: editing ? "person.editTitle" : "person.addTitle",
      args: { name: person?.name ?? "" },
      opener,
      build: (close) => {
        const alert = formAlert();
        const fields = {};
        for (const [name, key, options] of DETAILS) {
          const input = textInput(name, person?.[name], options);
          if (editing && name === "loginId") input.readOnly = true;
          fields[name] = labelled(key, input, { hint: options.hint, required: options.required });
        }
        fields.unitId = labelled("person.unit", unitSelect(lookups.units, person?.unitId));
        const supervisor = supervisorPicker(agencyId, person?.supervisor, person?.id);
        fields.supervisorId = labelled("person.supervisor", supervisor.input, { hint: "person.supervisorHint" });
        const pattern = h(
          "select",
          { name: "patternCode", class: "input select" },
          h("option", { value: "", t: "person.patternNone" }),
          PATTERNS.map((code) => h("option", { value: code, t: `pattern.${code}` })),
        );
        pattern.value = person?.patternCode && PATTERNS.includes(person.patternCode) ? person.patternCode : "";
        fields.patternCode = labelled("person.pattern", pattern);
        const assigned = new Set(person?.officeIds ?? []);
        const officeBoxes = lookups.offices
          .filter((office) => office.active)
          .map((office) => {
            const id = uniqueId("office");
            const box = h("input", { id, type: "checkbox", class: "checkbox__input", value: String(office.id), checked: assigned.has(office.id) });
            return { box, row: h("div", { class: "checkbox" }, box, h("label", { class: "checkbox__label", htmlFor: id, text: `${office.name} (${office.code})` })) };
          });
        const save = h("button", { type: "submit", class: "button button--primary", t: editing ? "person.save" : "person.add" });
        const cancel = h("button", { type: "button", class: "button button--secondary", t: "common.cancel", on: { click: () => close("no") } });
        queueMicrotask(() => fields.name.control.focus());

        function body() {
          const value = (name) => fields[name].control.value.trim();
          const data = {
            name: value("name"),
            email: value("email"),
            phone: value("phone"),
            title: value("title"),
            position: value("position"),
            grade: value("grade"),
            officeIds: officeBoxes.filter((b) => b.box.checked).map((b) => Number(b.box.value)),
          };
          if (!editing) data.loginId = value("loginId");
          const unit = fields.unitId.control.value;
          if (unit) data.unitId = Number(unit);
          if (supervisor.chosen.id) data.supervisorId = supervisor.chosen.id;
          else if (editing && person.supervisorId) data.clearSupervisor = true;
          if (pattern.value) data.patternCode = pattern.value;
          return data;
        }

        async function onSubmit(event) {
          event.preventDefault();
          alert.clear();
          Object.values(fields).forEach((f) => f.clear());
          const missing = DETAILS.filter(([name, , o]) => o.required && !fields[name].control.value.trim());
          if (missing.length) {
            missing.forEach(([name]) => fields[name].setError({ key: "person.required" }));
            fields[missing[0][0]].control.focus();
            return;
          }
          try {
            saved = await busy(save, () =>
              editing ? api.patch(`/api/users/${person.id}`, body()) : api.post(`/api/agencies/${agencyId}/users`, body()),
            );
            close("saved");
          } catch (error) {
            fieldErrors(error, fields);
            alert.show(problemText(error));
          }
        }

        return [
          h(
            "form",
            { class: "form person-form", noValidate: true, on: { submit: onSubmit } },
            alert.element,
            h("div", { class: "person-form__grid" }, DETAILS.map(([name]) => fields[name].element), fields.unitId.element, fields.patternCode.element),
            h("div", {}, fields.supervisorId.element, supervisor.results),
            h(
              "fieldset",
              { class: "offices__fieldset" },
              h("legend", { class: "field__label", t: "offices.assignLegend" }),
              officeBoxes.length ? officeBoxes.map((b) => b.row) : h("p", { t: "offices.none" }),
            ),
            editing ? h("p", { class: "field__hint", t: "person.lineChangeHint" }) : null,
            h("div", { class: "button-row button-row--end" }, cancel, save),
          ),
        ];
      },
    }).addEventListener("close", () => resolve(saved));
  });
}

/** A dated transfer: from when, and the new unit and/or supervisor. Resolves true when done. */
export function transferDialog({ agencyId, person, lookups, opener }) {
  return new Promise((resolve) => {
    let done = false;
    openDialog({
      labelKey: "transfer.title",
      args: { name: person.name },
      opener,
      build: (close) => {
        const alert = formAlert();
        const { input: from, hint } = dateInput({ required: true });
        const fromField = labelled("transfer.from", from, { hint: "transfer.fromHint", required: true });
        from.setAttribute("aria-describedby", `${from.getAttribute("aria-describedby") ?? ""} ${hint.id}`.trim());
        const unit = labelled("transfer.unit", unitSelect(lookups.units, person.unitId, "transfer.keepUnit"));
        const supervisor = supervisorPicker(agencyId, null, person.id);
        const supervisorField = labelled("transfer.supervisor", supervisor.input, { hint: "transfer.supervisorHint" });
        const save = h("button", { type: "submit", class: "button button--primary", t: "transfer.save" });
        const cancel = h("button", { type: "button", class: "button button--secondary", t: "common.cancel", on: { click: () => close("no") } });
        queueMicrotask(() => from.focus());
        async function onSubmit(event) {
          event.preventDefault();
          alert.clear();
          fromField.clear();
          const effectiveFrom = isoDate(from);
          if (!effectiveFrom) {
            fromField.setError({ key: effectiveFrom === null ? "date.invalid" : "person.required" });
            from.focus();
            return;
          }
          const data = { effectiveFrom };
          if (unit.control.value) data.unitId = Number(unit.control.value);
          if (supervisor.chosen.id) data.supervisorId = supervisor.chosen.id;
          try {
            await busy(save, () => api.post(`/api/users/${person.id}/transfer`, data));
            done = true;
            close("saved");
          } catch (error) {
            fieldErrors(error, { effectiveFrom: fromField, unitId: unit, supervisorId: supervisorField });
            alert.show(problemText(error));
          }
        }
        return [
          h("p", { class: "dialog__text", t: "transfer.text", args: { name: person.name } }),
          h(
            "form",
            { class: "form", noValidate: true, on: { submit: onSubmit } },
            alert.element,
            h("div", { class: "field-with-hint" }, fromField.element, hint),
            unit.element,
            supervisorField.element,
            supervisor.results,
            h("div", { class: "button-row button-row--end" }, cancel, save),
          ),
        ];
      },
    }).addEventListener("close", () => resolve(done));
  });
}

/** Roles with their scope: the list, revoke, and grant (the API refuses a role wider than
 * the administrator's own). */
export function rolesDialog({ person, lookups, opener }) {
  openDialog({
    labelKey: "roles.title",
    args: { name: person.name },
    opener,
    build: (close) => {
      const alert = formAlert();
      const list = h("ul", { class: "items roles__list" });
      const status = h("p", { class: "dialog__status", attrs: { role: "status" } });
      const unitName = (id) => lookups.units.find((u) => u.id === id)?.name ?? String(id);

      async function refresh() {
        const grants = await api.get(`/api/users/${person.id}/roles`);
        list.replaceChildren(
          ...(grants.length
            ? grants.map((grant) => {
                const revoke = h("button", {
                  type: "button",
                  class: "button button--secondary button--small",
                  t: "roles.revoke",
                  on: {
                    click: async () => {
                      alert.clear();
                      try {
                        await busy(revoke, () => api.del(`/api/role-grants/${grant.id}`));
                        translate(status, "roles.revoked");
                        await refresh();
                      } catch (error) {
                        alert.show(problemText(error));
                      }
                    },
                  },
                });
                const scope = grant.scopeType === "unit" ? unitName(grant.scopeId) : grant.scopeType;
                return h("li", { class: "item roles__item" }, h("span", { t: `roles.${grant.role}` }), h("span", { class: "item__meta", text: ` · ${scope}` }), revoke);
              })
            : [h("li", { class: "item", t: "roles.none" })]),
        );
      }

      const role = h(
        "select",
        { class: "input select" },
        h("option", { value: "executive:agency", t: "roles.executiveAgency" }),
        h("option", { value: "executive:unit", t: "roles.executiveUnit" }),
        h("option", { value: "agency_admin:agency", t: "roles.agency_admin" }),
      );
      const unit = unitSelect(lookups.units, null, "roles.chooseUnit");
      const roleField = labelled("roles.role", role);
      const unitField = labelled("roles.unit", unit, { hint: "roles.unitHint" });
      const grant = h("button", { type: "submit", class: "button button--primary", t: "roles.grant" });
      async function onGrant(event) {
        event.preventDefault();
        alert.clear();
        const [roleName, scopeType] = role.value.split(":");
        const body = { role: roleName, scopeType };
        if (scopeType === "unit") body.scopeId = Number(unit.value) || undefined;
        try {
          await busy(grant, () => api.post(`/api/users/${person.id}/roles`, body));
          translate(status, "roles.granted");
          await refresh();
        } catch (error) {
          alert.show(problemText(error));
        }
      }
      refresh().catch((error) => alert.show(problemText(error)));
      const doneButton = h("button", { type: "button", class: "button button--secondary", t: "roles.done", on: { click: () => close("done") } });
      queueMicrotask(() => role.focus());
      return [
        alert.element,
        list,
        status,
        h("form", { class: "form", noValidate: true, on: { submit: onGrant } }, roleField.element, unitField.element, h("div", { class: "button-row" }, grant)),
        h("div", { class: "button-row button-row--end" }, doneButton),
      ];
    },
  });
}
