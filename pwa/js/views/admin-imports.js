// Attendance imports for agency administrators: the agency's biometric devices (each registered
// at an office, so its punches are recorded there), and the upload of a device punch file or a
// leave file with the report the server answers (the same files the watched folder takes).

import { api } from "../api.js";
import { confirmDialog } from "../dialog.js";
import { announce, h, uniqueId } from "../dom.js";
import { busy, field, formAlert, problemText } from "../forms.js";
import { locale, translate } from "../i18n.js";
import { currentUser } from "../session.js";
import { peopleImportSection } from "./admin-people-import.js";

const TZ = "Asia/Kuala_Lumpur";
const DEVICE_CODE = /^[A-Za-z0-9._:-]{1,32}$/;

// The report's columns and reasons (api/attendance/imports.py) in the reader's language;
// anything else is shown as the server wrote it.
const COLUMNS = {
  device_id: "imports.columnDevice",
  login_id: "imports.columnLogin",
  timestamp: "imports.columnTimestamp",
  kind: "imports.columnKind",
  start: "imports.columnStart",
  end: "imports.columnEnd",
};
const REASONS = {
  "not a device id (1–32 letters/digits)": "imports.reasonDevice",
  required: "imports.reasonRequired",
  "not a date and time": "imports.reasonTimestamp",
  "expected in/masuk or out/keluar": "imports.reasonKind",
  unknown: "imports.reasonUnknown",
  "not a working day": "imports.reasonNotWorkingDay",
  "not a date": "imports.reasonDate",
  "before the start": "imports.reasonBeforeStart",
  "longer than a year": "imports.reasonTooLong",
};

function dateTime(iso) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short", timeZone: TZ }).format(new Date(iso));
}

function time(iso) {
  return new Intl.DateTimeFormat(locale(), { timeStyle: "short", timeZone: TZ }).format(new Date(iso));
}

function dayText(iso) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
}

function number(value) {
  return new Intl.NumberFormat(locale()).format(value);
}

function known(map, value) {
  return map[value] ? { t: map[value] } : { text: value };
}

function select(label, options, name) {
  const id = uniqueId(name);
  const input = h(
    "select",
    { id, name, class: "input" },
    options.map(([value, text]) => h("option", { value, text })),
  );
  return { input, element: h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: id, t: label }), input) };
}

function table(headKeys, rows) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table" },
      h("thead", {}, h("tr", {}, headKeys.map((key) => h("th", { attrs: { scope: "col" }, t: key })))),
      h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => (cell instanceof Node ? cell : h("td", { text: cell })))))),
    ),
  );
}

// The server lists at most this many problems of each kind (api/attendance/imports.py).
const MAX_LISTED = 1000;

/** A list's length as shown; "1000+" when the server stopped listing. */
function listed(list) {
  return list.length >= MAX_LISTED ? `${number(MAX_LISTED)}+` : number(list.length);
}

function card(labelKey, value, modifier = "") {
  return h(
    "div",
    { class: `db-card ${modifier}` },
    h("span", { class: "db-card__value", text: typeof value === "number" ? number(value) : value }),
    h("span", { class: "db-card__label", t: labelKey }),
  );
}

/** A titled part of the report about `items`; nothing when there are none. `capped`: the
 * server lists at most MAX_LISTED of them. */
function part(titleKey, items, content, capped = true) {
  if (!items.length) return null;
  const count = capped ? listed(items) : number(items.length);
  return h("div", { class: "ai-part" }, h("h3", { class: "ai-part__title", t: titleKey, args: { count } }), content);
}

function problemRows(problems) {
  // Two columns fit a phone: the value and its column's name, the reason under them.
  return problems.map((p) => [
    h("td", { class: "table__nowrap", text: p.line }),
    h(
      "td",
      { class: "ai-problem" },
      h("span", { class: "ai-problem__value mono", text: p.value || "—" }),
      " ",
      h("span", { class: "ai-problem__column", ...known(COLUMNS, p.column) }),
      h("span", { class: "ai-problem__reason", ...known(REASONS, p.reason) }),
    ),
  ]);
}

const PROBLEM_HEAD = ["imports.line", "imports.problem"];

function summary(report, kind) {
  const problems = report.unknownLoginIds.length + report.unparseable.length;
  let key;
  if (report.dryRun) key = "imports.summaryDryRun";
  else if (report.imported) key = kind === "punch" ? "imports.summaryPunches" : "imports.summaryLeave";
  else if (report.alreadyPresent) key = "imports.summaryNothingNew";
  else key = "imports.summaryNothing";
  const tone = problems || !(report.imported || report.alreadyPresent) ? "alert--warning" : "alert--success";
  return h("p", {
    class: `alert ${tone}`,
    attrs: { role: "status" },
    t: key,
    args: { imported: number(report.imported), present: number(report.alreadyPresent), read: number(report.rowsRead) },
  });
}

export function punchReport(report) {
  return [
    summary(report, "punch"),
    h(
      "div",
      { class: "db-cards ai-cards" },
      card("imports.rowsRead", report.rowsRead),
      card("imports.imported", report.imported, "db-card--ok"),
      card("imports.alreadyPresent", report.alreadyPresent, "db-card--primary"),
      card("imports.unknownLogins", listed(report.unknownLoginIds), report.unknownLoginIds.length ? "db-card--warn" : ""),
      card("imports.errorRows", listed(report.unparseable), report.unparseable.length ? "db-card--warn" : ""),
      card("imports.devicesWithoutOffice", report.devicesWithoutOffice.length, report.devicesWithoutOffice.length ? "db-card--warn" : ""),
    ),
    part("imports.errorRowsTitle", report.unparseable, table(PROBLEM_HEAD, problemRows(report.unparseable))),
    part("imports.unknownLoginsTitle", report.unknownLoginIds, table(PROBLEM_HEAD, problemRows(report.unknownLoginIds))),
    part(
      "imports.devicesWithoutOfficeTitle",
      report.devicesWithoutOffice,
      h(
        "div",
        {},
        h("p", { class: "field__hint", t: "imports.devicesWithoutOfficeHint" }),
        table(
          ["imports.deviceCode", "imports.punches"],
          report.devicesWithoutOffice.map((d) => [h("td", { class: "mono", text: d.code }), h("td", { text: number(d.punches) })]),
        ),
      ),
      false,
    ),
    part(
      "imports.outsideWorkingDaysTitle",
      report.outsideWorkingDays,
      h(
        "div",
        {},
        h("p", { class: "field__hint", t: "imports.outsideWorkingDaysHint" }),
        table(
          ["imports.line", "imports.columnTimestamp"],
          report.outsideWorkingDays.map((p) => [h("td", { text: p.line }), h("td", { text: dateTime(p.value) })]),
        ),
      ),
    ),
    part(
      "imports.disagreementsTitle",
      report.disagreements,
      h(
        "div",
        {},
        h("p", { class: "field__hint", t: "imports.disagreementsHint" }),
        table(
          ["imports.officer", "imports.day", "imports.deviceFirstIn", "imports.phoneFirstIn", "imports.minutesApart"],
          report.disagreements.map((d) => [
            h(
              "td",
              {},
              h("span", { class: "table__primary", text: d.name }),
              h("span", { class: "table__secondary mono", text: d.loginId }),
            ),
            h("td", { class: "table__nowrap", text: dayText(d.day) }),
            h("td", { text: time(d.deviceFirstIn) }),
            h("td", { text: time(d.phoneFirstIn) }),
            h("td", { text: number(d.minutesApart) }),
          ]),
        ),
      ),
      false,
    ),
  ];
}

export function leaveReport(report) {
  return [
    summary(report, "leave"),
    h(
      "div",
      { class: "db-cards ai-cards" },
      card("imports.rowsRead", report.rowsRead),
      card("imports.imported", report.imported, "db-card--ok"),
      card("imports.alreadyPresent", report.alreadyPresent, "db-card--primary"),
      card("imports.unknownLogins", listed(report.unknownLoginIds), report.unknownLoginIds.length ? "db-card--warn" : ""),
      card("imports.errorRows", listed(report.unparseable), report.unparseable.length ? "db-card--warn" : ""),
    ),
    part("imports.errorRowsTitle", report.unparseable, table(PROBLEM_HEAD, problemRows(report.unparseable))),
    part("imports.unknownLoginsTitle", report.unknownLoginIds, table(PROBLEM_HEAD, problemRows(report.unknownLoginIds))),
  ];
}

/** The upload card: a CSV file, "check only", the upload button and the report. */
function uploadSection({ titleKey, leadKey, hintKey, path, render, name }) {
  const titleId = uniqueId(`${name}-title`);
  const fileId = uniqueId(`${name}-file`);
  const dryId = uniqueId(`${name}-dry`);
  const alert = formAlert();
  const file = h("input", {
    id: fileId,
    name: `${name}File`,
    type: "file",
    class: "input",
    attrs: { accept: ".csv,text/csv", "aria-describedby": `${fileId}-hint` },
  });
  const dryRun = h("input", { id: dryId, type: "checkbox", name: `${name}DryRun`, class: "checkbox__input" });
  const upload = h("button", { type: "submit", class: "button button--primary", t: "imports.upload" });
  const report = h("div", { class: "ai-report" });

  async function onSubmit(event) {
    event.preventDefault();
    alert.clear();
    const chosen = file.files?.[0];
    if (!chosen) {
      alert.show({ key: "imports.chooseFile" });
      file.focus();
      return;
    }
    await busy(upload, async () => {
      const form = new FormData();
      form.append("file", chosen, chosen.name);
      try {
        const result = await api.upload(path, form, { dryRun: dryRun.checked ? "true" : undefined });
        report.replaceChildren(...render(result).filter(Boolean));
      } catch (error) {
        report.replaceChildren();
        alert.show(problemText(error));
      }
    });
  }

  file.addEventListener("change", () => {
    alert.clear();
    report.replaceChildren();
  });
  return h(
    "section",
    { class: "card ac-section", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "ac-heading", id: titleId, t: titleKey }),
    h("p", { class: "field__hint", t: leadKey }),
    h(
      "form",
      { class: "ai-form", attrs: { novalidate: true }, on: { submit: onSubmit } },
      alert.element,
      h(
        "div",
        { class: "field" },
        h("label", { class: "field__label", htmlFor: fileId, t: "imports.file" }),
        h("p", { class: "field__hint", id: `${fileId}-hint`, t: hintKey }),
        file,
      ),
      h("div", { class: "checkbox" }, dryRun, h("label", { class: "checkbox__label", htmlFor: dryId, t: "imports.dryRun" })),
      h("div", { class: "button-row" }, upload),
    ),
    report,
  );
}

function devicesSection(agencyId) {
  const alert = formAlert();
  const list = h("div", { class: "ai-devices" });
  const titleId = uniqueId("devices-title");
  const formTitle = h("h3", { class: "ai-part__title", t: "imports.addDevice" });
  const code = field({ label: "imports.deviceCode", name: "deviceCode", required: true, hint: "imports.deviceCodeHint" });
  const office = select("imports.office", [], "deviceOffice");
  const save = h("button", { type: "submit", class: "button button--primary", t: "imports.saveDevice" });
  const cancel = h("button", { type: "button", class: "button button--secondary", t: "common.cancel", hidden: true });
  let editing = null;

  function setEditing(device) {
    editing = device;
    code.clearError();
    code.input.value = device?.code ?? "";
    code.input.readOnly = Boolean(device);
    cancel.hidden = !device;
    if (device) {
      translate(formTitle, "imports.editDevice", { code: device.code });
      if (device.officeId) office.input.value = String(device.officeId);
      office.input.focus();
    } else translate(formTitle, "imports.addDevice");
  }

  function deviceItem(device) {
    // The visible text is short; the accessible name says which device ("Ubah peranti X").
    const edit = h("button", {
      type: "button",
      class: "button button--secondary button--small",
      t: "imports.edit",
      args: { code: device.code },
      tAttrs: { "aria-label": "imports.editLabel" },
      on: { click: () => setEditing(device) },
    });
    const remove = h("button", {
      type: "button",
      class: "button button--secondary button--small",
      t: "imports.remove",
      args: { code: device.code },
      tAttrs: { "aria-label": "imports.removeLabel" },
    });
    remove.addEventListener("click", async () => {
      const sure = await confirmDialog({
        titleKey: "imports.removeTitle",
        textKey: "imports.removeText",
        args: { code: device.code },
        confirmKey: "imports.remove",
        danger: true,
        opener: remove,
      });
      if (!sure) return;
      await busy(remove, async () => {
        try {
          await api.del(`/api/attendance/punch-devices/${encodeURIComponent(device.code)}`);
          if (editing?.code === device.code) setEditing(null);
          announce("imports.deviceRemoved", { code: device.code });
          await load();
          // Its buttons are gone: keyboard users continue in the form below the list.
          code.input.focus();
        } catch (error) {
          alert.show(problemText(error));
        }
      });
    });
    return h(
      "li",
      { class: "ac-item" },
      h(
        "span",
        { class: "ac-item__text" },
        h("strong", { class: "mono", text: device.code }),
        " — ",
        device.officeName ? h("span", { text: device.officeName }) : h("span", { t: "imports.noOffice" }),
        h("span", { class: "table__secondary", t: "imports.registeredAt", args: { when: dateTime(device.updatedAt) } }),
      ),
      h("span", { class: "button-row" }, edit, remove),
    );
  }

  async function load() {
    const devices = await api.get("/api/attendance/punch-devices");
    list.replaceChildren(
      devices.length
        ? h("ul", { class: "ac-list", attrs: { "aria-labelledby": titleId } }, devices.map(deviceItem))
        : h("p", { t: "imports.noDevices" }),
    );
  }

  async function onSubmit(event) {
    event.preventDefault();
    alert.clear();
    code.clearError();
    const value = code.input.value.trim();
    if (!DEVICE_CODE.test(value)) {
      code.setError({ key: value ? "imports.deviceCodeInvalid" : "imports.deviceCodeRequired" });
      code.input.focus();
      return;
    }
    await busy(save, async () => {
      try {
        await api.put(`/api/attendance/punch-devices/${encodeURIComponent(value)}`, { officeId: Number(office.input.value) });
        announce("imports.deviceSaved", { code: value });
        setEditing(null);
        await load();
      } catch (error) {
        alert.show(problemText(error));
      }
    });
  }
  cancel.addEventListener("click", () => setEditing(null));

  const form = h(
    "form",
    { class: "ai-device-form", attrs: { novalidate: true }, on: { submit: onSubmit } },
    code.element,
    office.element,
    h("div", { class: "button-row" }, save, cancel),
  );
  const section = h(
    "section",
    { class: "card ac-section", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "ac-heading", id: titleId, t: "imports.devicesTitle" }),
    h("p", { class: "field__hint", t: "imports.devicesLead" }),
    alert.element,
    list,
    formTitle,
    form,
  );

  async function start() {
    try {
      const [, all] = await Promise.all([load(), api.get(`/api/agencies/${agencyId}/offices`)]);
      const offices = all.filter((o) => o.active !== false);
      office.input.replaceChildren(...offices.map((o) => h("option", { value: String(o.id), text: o.name })));
      if (!offices.length) {
        form.hidden = true;
        formTitle.after(h("p", { t: "imports.noOffices" }));
      }
    } catch (error) {
      alert.show(problemText(error));
    }
  }
  return { section, start };
}

export const adminImportsView = {
  title: "imports.title",
  async render() {
    const agencyId = currentUser()?.agencyId;
    const devices = devicesSection(agencyId);
    await devices.start();
    return h(
      "section",
      { class: "page page--wide ai-page" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "imports.title" }),
        h("p", { class: "page__lead", t: "imports.lead" }),
        h("p", { class: "field__hint", t: "imports.schedule" }),
      ),
      peopleImportSection(agencyId),
      devices.section,
      uploadSection({
        name: "punch",
        titleKey: "imports.punchTitle",
        leadKey: "imports.punchLead",
        hintKey: "imports.punchHint",
        path: "/api/attendance/punch-imports",
        render: punchReport,
      }),
      uploadSection({
        name: "leave",
        titleKey: "imports.leaveTitle",
        leadKey: "imports.leaveLead",
        hintKey: "imports.leaveHint",
        path: "/api/attendance/leave-imports",
        render: leaveReport,
      }),
    );
  },
};
