// The people import (HR CSV): check or import a file, all rows or none; every bad row listed
// with its line, column and the reason in the user's language. After an import, the new
// people's temporary passwords are printed as sealed slips per unit (a PDF, shown once:
// printing again issues new passwords).

import { api } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
import { translate } from "../i18n.js";

function errorTable(errors) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table table--compact" },
      h("caption", { t: "peopleImport.errorsTitle" }),
      h("thead", {}, h("tr", {}, ["peopleImport.row", "peopleImport.column", "peopleImport.reason"].map((key) => h("th", { attrs: { scope: "col" }, t: key })))),
      h("tbody", {}, errors.map((e) => h("tr", {}, h("td", { text: String(e.row) }), h("td", { class: "mono", text: e.column }), h("td", { text: e.reason ?? e.message ?? "" })))),
    ),
  );
}

function slipsButton(agencyId, ids, status) {
  const button = h("button", { type: "button", class: "button button--primary", t: "peopleImport.printSlips", args: { count: ids.length } });
  button.addEventListener("click", async () => {
    try {
      const file = await busy(button, () => api.postForFile(`/api/agencies/${agencyId}/users/password-slips`, { userIds: ids }));
      const url = URL.createObjectURL(file);
      const link = h("a", { href: url, download: "hadir-slip-kata-laluan.pdf", class: "button button--secondary", t: "peopleImport.downloadSlips" });
      button.replaceWith(link);
      translate(status, "peopleImport.slipsIssued");
      link.focus();
    } catch (error) {
      status.textContent = problemText(error).text ?? "";
    }
  });
  return button;
}

function renderReport(report, agencyId) {
  const status = h("p", { class: "field__hint", attrs: { role: "status" } });
  const counts = h("p", {
    class: "alert alert--success",
    t: report.dryRun ? "peopleImport.checked" : "peopleImport.imported",
    args: { rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged },
  });
  const slips = !report.dryRun && report.createdIds?.length ? [h("p", { class: "field__hint", t: "peopleImport.slipsHint" }), slipsButton(agencyId, report.createdIds, status), status] : [];
  return [counts, ...slips];
}

export function peopleImportSection(agencyId) {
  const titleId = uniqueId("people-import-title");
  const fileId = uniqueId("people-file");
  const dryId = uniqueId("people-dry");
  const alert = formAlert();
  const file = h("input", { id: fileId, type: "file", class: "input", attrs: { accept: ".csv,text/csv", "aria-describedby": `${fileId}-hint` } });
  const dryRun = h("input", { id: dryId, type: "checkbox", class: "checkbox__input", checked: true });
  const upload = h("button", { type: "submit", class: "button button--primary", t: "imports.upload" });
  const report = h("div", { class: "ai-report", attrs: { "aria-live": "polite" } });

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
      try {
        const text = await chosen.text();
        const result = await api.postAs(`/api/agencies/${agencyId}/users/import`, text, "text/csv", { dryRun: dryRun.checked ? "true" : undefined });
        report.replaceChildren(...renderReport(result, agencyId));
        if (result.dryRun) dryRun.checked = false;
      } catch (error) {
        report.replaceChildren(...(error.errors?.length && error.errors[0].row !== undefined ? [errorTable(error.errors)] : []));
        alert.show(error.errors?.length ? { key: "peopleImport.rejected" } : problemText(error));
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
    h("h2", { class: "ac-heading", id: titleId, t: "peopleImport.title" }),
    h("p", { class: "field__hint", t: "peopleImport.lead" }),
    h(
      "form",
      { class: "ai-form", attrs: { novalidate: true }, on: { submit: onSubmit } },
      alert.element,
      h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: fileId, t: "imports.file" }), h("p", { class: "field__hint", id: `${fileId}-hint`, t: "peopleImport.hint" }), file),
      h("div", { class: "checkbox" }, dryRun, h("label", { class: "checkbox__label", htmlFor: dryId, t: "imports.dryRun" })),
      h("div", { class: "button-row" }, upload),
    ),
    report,
  );
}
