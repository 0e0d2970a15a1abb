// Offices for agency administrators: the list with each outline, an import that makes one
// office per feature of a GeoJSON file, and an editor with a map (js/office-map.js, loaded on
// demand) where the outline is drawn, or pasted as GeoJSON text (the two stay in step). The
// outline is checked on the server without saving (area, the geo library's warnings, and how a
// test position with its accuracy would be judged) and then saved.

import { api } from "../api.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, field, formAlert, problemText } from "../forms.js";
import { language, translate } from "../i18n.js";
import { currentUser } from "../session.js";
import { vertexEditor } from "./office-vertices.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const STATES = ["JHR", "KDH", "KTN", "MLK", "NSN", "PHG", "PRK", "PLS", "PNG", "SBH", "SWK", "SGR", "TRG", "KUL", "LBN", "PJY"];
const MAX_FILE_BYTES = 2 * 1024 * 1024;

class OutlineError extends Error {
  constructor(key) {
    super(key);
    this.key = key;
  }
}

/** The Polygon or MultiPolygon in GeoJSON text: a geometry, a Feature, or a FeatureCollection
 * whose polygon features become one MultiPolygon. Throws OutlineError with a catalogue key. */
export function outlineFrom(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OutlineError("offices.notJson");
  }
  const geometries = [];
  const collect = (node) => {
    if (!node || typeof node !== "object") return;
    if (node.type === "FeatureCollection" && Array.isArray(node.features)) node.features.forEach(collect);
    else if (node.type === "Feature") collect(node.geometry);
    else if (node.type === "Polygon" || node.type === "MultiPolygon") geometries.push(node);
  };
  collect(value);
  if (!geometries.length) throw new OutlineError("offices.noPolygon");
  if (geometries.length === 1) return geometries[0];
  const polygons = geometries.flatMap((g) => (g.type === "Polygon" ? [g.coordinates] : g.coordinates));
  return { type: "MultiPolygon", coordinates: polygons };
}

function rings(geometry) {
  if (geometry?.type === "Polygon") return geometry.coordinates;
  if (geometry?.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

/** The outline drawn to scale (north up) as an SVG image with a text alternative. */
export function outlineSvg(geometry, label, size = 220) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "outline");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  const points = rings(geometry).flat();
  if (!points.length) return svg;
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  // Degrees of longitude shrink with latitude: scale them so the shape is not stretched.
  const squeeze = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const width = Math.max((maxLon - minLon) * squeeze, 1e-9);
  const height = Math.max(maxLat - minLat, 1e-9);
  const margin = 10;
  const scale = (size - 2 * margin) / Math.max(width, height);
  const offsetX = margin + (size - 2 * margin - width * scale) / 2;
  const offsetY = margin + (size - 2 * margin - height * scale) / 2;
  const d = rings(geometry)
    .map(
      (ring) =>
        ring
          .map(([lon, lat], i) => {
            const x = offsetX + (lon - minLon) * squeeze * scale;
            const y = offsetY + (maxLat - lat) * scale;
            return `${i ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
          })
          .join(" ") + " Z",
    )
    .join(" ");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill-rule", "evenodd");
  path.setAttribute("class", "outline__shape");
  svg.append(path);
  return svg;
}

function formatArea(m2) {
  return m2 >= 10_000 ? `${(m2 / 10_000).toFixed(2)} ha` : `${Math.round(m2)} m²`;
}

function warningList(warnings) {
  if (!warnings.length) return h("p", { class: "offices__ok", t: "offices.noWarnings" });
  return h(
    "ul",
    { class: "offices__warnings" },
    warnings.map((w) =>
      h("li", { t: `offices.warning.${w.code}`, args: { value: Math.round(w.value), limit: Math.round(w.limit) } }),
    ),
  );
}

function stateSelect(value) {
  const id = uniqueId("state");
  const select = h(
    "select",
    { id, name: "state", class: "input" },
    STATES.map((code) => h("option", { value: code, text: code, selected: code === value })),
  );
  return {
    select,
    element: h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: id, t: "offices.state" }), select),
  };
}

/** "inside" / "outside" / "uncertain" with the distance and accuracy, in words. */
function verdictText(verdict) {
  const distance = Math.round(Math.abs(verdict.distanceM)).toLocaleString();
  return h("p", {
    class: `offices__verdict offices__verdict--${verdict.status}`,
    attrs: { role: "status" },
    t: `offices.verdict.${verdict.status}`,
    args: { distance, accuracy: Math.round(verdict.accuracyM).toLocaleString() },
  });
}

function numberField(name, labelKey, attrs) {
  const id = uniqueId(name);
  const input = h("input", { id, name, type: "text", class: "input", attrs: { inputmode: "decimal", autocomplete: "off", ...attrs } });
  return { input, element: h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: id, t: labelKey }), input) };
}

/** The map part of the editor: loads the libraries and the tile setting, then draws. */
function mapPanel(ctx, outline, onDrawn) {
  const box = h("div", { class: "office-map", tAttrs: { "aria-label": "offices.mapLabel" }, attrs: { role: "region" } });
  const status = h("p", { class: "field__hint", attrs: { role: "status" }, t: "offices.mapLoading" });
  const panel = { element: h("div", { class: "field office-map__field" }, h("p", { class: "field__label", t: "offices.map" }), h("p", { class: "field__hint", t: "offices.mapHint" }), box, status), editor: null };
  Promise.all([import("../office-map.js"), api.get("/api/offices/map-settings")])
    .then(async ([module, settings]) => {
      const L = await module.loadMapLibraries();
      if (!ctx.isCurrent()) return;
      let geometry = null;
      try {
        geometry = outline.value.trim() ? outlineFrom(outline.value) : null;
      } catch {
        geometry = null;
      }
      panel.editor = module.createOfficeMap(L, box, {
        tileUrl: settings.tileUrl,
        attribution: settings.attribution,
        geometry,
        language: language(),
        onChange: onDrawn,
      });
      box.dataset.ready = "true";
      status.replaceChildren();
      delete status.dataset.i18n;
      ctx.onLeave(() => panel.editor?.remove());
    })
    .catch(() => translate(status, "offices.mapFailed"));
  return panel;
}

function editor(ctx, agencyId, office) {
  const alert = formAlert();
  const code = field({ label: "offices.code", name: "code", required: true, value: office?.code ?? "" });
  if (office) code.input.readOnly = true;
  const name = field({ label: "offices.name", name: "name", required: true, value: office?.name ?? "" });
  const address = field({ label: "offices.address", name: "address", value: office?.address ?? "" });
  const state = stateSelect(office?.state ?? "PJY");
  const outlineId = uniqueId("outline");
  const outline = h("textarea", {
    id: outlineId,
    name: "geometry",
    class: "input offices__geojson",
    rows: 8,
    value: office ? JSON.stringify(office.geometry, null, 1) : "",
    attrs: { spellcheck: "false", "aria-describedby": `${outlineId}-hint`, required: true },
  });
  const fileId = uniqueId("outline-file");
  const file = h("input", { id: fileId, type: "file", class: "input", attrs: { accept: ".geojson,.json,application/geo+json,application/json" } });
  const preview = h("div", { class: "offices__preview", attrs: { "aria-live": "polite" } });
  const checkButton = h("button", { type: "button", class: "button button--secondary", t: "offices.check" });
  const testLat = numberField("test-lat", "offices.testLat", { "aria-describedby": null });
  const testLon = numberField("test-lon", "offices.testLon");
  const testAccuracy = numberField("test-accuracy", "offices.testAccuracy");
  testAccuracy.input.value = "20";
  const testButton = h("button", { type: "button", class: "button button--secondary", t: "offices.testCheck" });
  const testResult = h("div", { attrs: { "aria-live": "polite" } });
  const map = mapPanel(ctx, outline, (drawn) => {
    outline.value = drawn ? JSON.stringify(drawn, null, 1) : "";
    checked = null;
    preview.replaceChildren();
    vertices.setGeometry(drawn);
  });
  // The same outline as tables of points, for the keyboard (the map needs a pointer to draw).
  const vertices = vertexEditor({
    onChange: (typed) => {
      outline.value = typed ? JSON.stringify(typed, null, 1) : "";
      checked = null;
      preview.replaceChildren();
      map.editor?.setGeometry(typed);
    },
  });
  try {
    vertices.setGeometry(outline.value.trim() ? outlineFrom(outline.value) : null);
  } catch {
    // A stored outline is valid; nothing to show otherwise.
  }
  const saveButton = h("button", { type: "submit", class: "button button--primary", t: "offices.save" });

  function geometry() {
    try {
      return outlineFrom(outline.value);
    } catch (error) {
      if (error instanceof OutlineError) {
        alert.show({ key: error.key });
        outline.focus();
        return null;
      }
      throw error;
    }
  }

  function showResult(shape, result) {
    preview.replaceChildren(
      outlineSvg(shape, name.input.value || code.input.value || "?"),
      h(
        "div",
        { class: "offices__facts" },
        h("p", { t: "offices.area", args: { area: formatArea(result.areaM2) } }),
        warningList(result.warnings),
      ),
    );
  }

  let checked = null; // the outline text the shown check is about, and whether it had warnings

  // Text pasted or typed is drawn on the map as soon as it is a valid outline.
  outline.addEventListener("change", () => {
    try {
      const typed = outlineFrom(outline.value);
      map.editor?.setGeometry(typed);
      vertices.setGeometry(typed);
    } catch {
      // The message comes with Check or Save, where the text is looked at as a whole.
    }
  });

  async function tryPosition() {
    alert.clear();
    testResult.replaceChildren();
    const position = { lat: Number(testLat.input.value.replace(",", ".")), lon: Number(testLon.input.value.replace(",", ".")), accuracyM: Number(testAccuracy.input.value.replace(",", ".")) };
    const bad = [testLat.input, testLon.input, testAccuracy.input].find((input) => !input.value.trim() || !Number.isFinite(Number(input.value.replace(",", "."))));
    if (bad) {
      alert.show({ key: "offices.testNumbers" });
      bad.focus();
      return;
    }
    const shape = geometry();
    if (!shape) return;
    try {
      const result = await api.post(`/api/agencies/${agencyId}/offices/preview`, { state: state.select.value, geometry: shape, testPosition: position });
      testResult.replaceChildren(verdictText(result.testVerdict));
      map.editor?.showTestPosition(position, result.testVerdict.status);
    } catch (error) {
      alert.show(problemText(error));
    }
  }
  testButton.addEventListener("click", () => busy(testButton, tryPosition));

  async function check() {
    alert.clear();
    const shape = geometry();
    if (!shape) return null;
    try {
      const result = await api.post(`/api/agencies/${agencyId}/offices/preview`, { state: state.select.value, geometry: shape });
      showResult(shape, result);
      checked = { text: outline.value, state: state.select.value, warnings: result.warnings.length };
      return shape;
    } catch (error) {
      preview.replaceChildren();
      checked = null;
      alert.show(problemText(error));
      return null;
    }
  }

  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    if (chosen.size > MAX_FILE_BYTES) {
      alert.show({ key: "offices.fileTooLarge" });
      return;
    }
    outline.value = await chosen.text();
    try {
      const loaded = outlineFrom(outline.value);
      map.editor?.setGeometry(loaded);
      vertices.setGeometry(loaded);
    } catch {
      // check() below shows what is wrong with the file.
    }
    await busy(checkButton, check);
  });
  checkButton.addEventListener("click", () => busy(checkButton, check));

  async function onSubmit(event) {
    event.preventDefault();
    alert.clear();
    for (const f of [code, name]) f.clearError();
    if (!code.input.value.trim()) code.setError({ key: "offices.required" });
    if (!name.input.value.trim()) name.setError({ key: "offices.required" });
    if (!code.input.value.trim() || !name.input.value.trim()) return;
    await busy(saveButton, async () => {
      // An outline is saved after it has been seen: a changed one is checked first, and when
      // the check has warnings the administrator looks at them and presses Save again.
      const unchanged = checked && checked.text === outline.value && checked.state === state.select.value;
      if (!unchanged) {
        if (!(await check())) return;
        if (checked.warnings) {
          alert.show({ key: "offices.reviewWarnings" });
          return;
        }
      }
      const shape = geometry();
      if (!shape) return;
      const body = { name: name.input.value.trim(), state: state.select.value, address: address.input.value.trim(), geometry: shape };
      try {
        if (office) await api.patch(`/api/offices/${office.id}`, body);
        else await api.post(`/api/agencies/${agencyId}/offices`, { ...body, code: code.input.value.trim() });
        ctx.navigate("/admin/offices");
      } catch (error) {
        alert.show(problemText(error));
      }
    });
  }

  if (office) check();

  return h(
    "section",
    { class: "page page--wide" },
    h(
      "div",
      { class: "page__header" },
      h("h1", { class: "page__title", t: office ? "offices.editTitle" : "offices.newTitle", args: { name: office?.name ?? "" } }),
      h("p", { class: "page__lead", t: "offices.editorLead" }),
    ),
    h(
      "form",
      { class: "card offices__form", attrs: { novalidate: true }, on: { submit: onSubmit } },
      alert.element,
      code.element,
      name.element,
      state.element,
      address.element,
      map.element,
      vertices.element,
      h(
        "fieldset",
        { class: "offices__fieldset offices__test" },
        h("legend", { class: "field__label", t: "offices.testLegend" }),
        h("p", { class: "field__hint", t: "offices.testHint" }),
        h("div", { class: "offices__test-fields" }, testLat.element, testLon.element, testAccuracy.element),
        testButton,
        testResult,
      ),
      h(
        "div",
        { class: "field" },
        h("label", { class: "field__label", htmlFor: outlineId, t: "offices.outline" }),
        h("p", { class: "field__hint", id: `${outlineId}-hint`, t: "offices.outlineHint" }),
        outline,
      ),
      h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: fileId, t: "offices.outlineFile" }), file),
      preview,
      h(
        "div",
        { class: "button-row" },
        checkButton,
        saveButton,
        h("a", { class: "button button--secondary", href: "#/admin/offices", t: "common.cancel" }),
      ),
    ),
  );
}

/** One office per feature of a GeoJSON file: its code and name from the feature's properties
 * (code/kod, name/nama; else the file name and a number), its outline from its geometry. */
export function officesFrom(text, fileName) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OutlineError("offices.notJson");
  }
  const features = value?.type === "FeatureCollection" && Array.isArray(value.features) ? value.features : [value];
  const base = (fileName || "pejabat").replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 40) || "pejabat";
  const offices = [];
  features.forEach((feature, index) => {
    const geometry = feature?.type === "Feature" ? feature.geometry : feature;
    if (geometry?.type !== "Polygon" && geometry?.type !== "MultiPolygon") return;
    const properties = feature?.properties ?? {};
    const code = String(properties.code ?? properties.kod ?? feature?.id ?? `${base}-${index + 1}`)
      .trim()
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .slice(0, 64);
    const name = String(properties.name ?? properties.nama ?? code).trim().slice(0, 255) || code;
    offices.push({ code, name, address: String(properties.address ?? properties.alamat ?? "").slice(0, 500), geometry });
  });
  if (!offices.length) throw new OutlineError("offices.noPolygon");
  return offices;
}

function importPanel(agencyId, onImported) {
  const alert = formAlert();
  const fileId = uniqueId("import-file");
  const file = h("input", { id: fileId, type: "file", class: "input", attrs: { accept: ".geojson,.json,application/geo+json,application/json" } });
  const state = stateSelect("PJY");
  const list = h("ul", { class: "offices__import-list" });
  const results = h("p", { class: "results__status", attrs: { role: "status" } });
  const importButton = h("button", { type: "button", class: "button button--primary", hidden: true });
  let pending = [];

  file.addEventListener("change", async () => {
    alert.clear();
    list.replaceChildren();
    results.textContent = "";
    importButton.hidden = true;
    const chosen = file.files?.[0];
    if (!chosen) return;
    if (chosen.size > MAX_FILE_BYTES) {
      alert.show({ key: "offices.fileTooLarge" });
      return;
    }
    try {
      pending = officesFrom(await chosen.text(), chosen.name);
    } catch (error) {
      if (error instanceof OutlineError) alert.show({ key: error.key });
      else throw error;
      return;
    }
    list.replaceChildren(...pending.map((o) => h("li", { class: "offices__import-item" }, outlineSvg(o.geometry, o.name, 48), h("span", { text: `${o.code} · ${o.name}` }))));
    translate(importButton, "offices.importCount", { count: pending.length });
    importButton.hidden = false;
  });

  importButton.addEventListener("click", () =>
    busy(importButton, async () => {
      let created = 0;
      const items = [...list.children];
      for (const [index, office] of pending.entries()) {
        try {
          await api.post(`/api/agencies/${agencyId}/offices`, { ...office, state: state.select.value });
          created += 1;
          items[index]?.append(h("span", { class: "badge badge--ok", t: "offices.importDone" }));
        } catch (error) {
          const problem = problemText(error);
          items[index]?.append(h("span", { class: "offices__import-error", ...(problem.key ? { t: problem.key } : { text: problem.text }) }));
        }
      }
      translate(results, "offices.importResult", { created, total: pending.length });
      importButton.hidden = true;
      file.value = ""; // the same file may be chosen again
      if (created) await onImported();
    }),
  );

  return h(
    "section",
    { class: "card offices__import", attrs: { "aria-labelledby": `${fileId}-title` } },
    h("h2", { class: "card__title", id: `${fileId}-title`, t: "offices.importTitle" }),
    h("p", { class: "field__hint", t: "offices.importHint" }),
    alert.element,
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: fileId, t: "offices.importFile" }), file),
    state.element,
    list,
    importButton,
    results,
  );
}

function officeCard(office) {
  return h(
    "li",
    { class: "item offices__item" },
    outlineSvg(office.geometry, office.name, 96),
    h(
      "div",
      { class: "offices__text" },
      h("p", { class: "item__name", text: office.name }),
      h("p", { class: "item__meta", text: [office.code, office.state].join(" · ") }),
      office.active ? null : h("p", { class: "item__meta", t: "offices.inactive" }),
      h("a", {
        class: "button button--secondary button--small",
        href: `#/admin/offices/${office.id}`,
        t: "offices.edit",
        args: { name: office.name },
        tAttrs: { "aria-label": "offices.editTitle" },
      }),
    ),
  );
}

export const adminOfficesView = {
  title: "offices.title",
  async render(ctx) {
    const agencyId = currentUser()?.agencyId;
    const alert = formAlert();
    let offices = [];
    try {
      offices = await api.get(`/api/agencies/${agencyId}/offices`);
    } catch (error) {
      alert.show(problemText(error));
    }
    if (ctx.params.id === "new") return editor(ctx, agencyId, null);
    if (ctx.params.id) {
      const office = offices.find((o) => String(o.id) === ctx.params.id);
      if (office) return editor(ctx, agencyId, office);
      alert.show({ key: "offices.notFound" });
    }
    const status = h("p", { class: "results__status", attrs: { role: "status" } });
    translate(status, "offices.count", { count: offices.length });
    const list = h("ul", { class: "items offices__list" }, offices.map(officeCard));
    async function reload() {
      try {
        const fresh = await api.get(`/api/agencies/${agencyId}/offices`);
        list.replaceChildren(...fresh.map(officeCard));
        translate(status, "offices.count", { count: fresh.length });
      } catch (error) {
        alert.show(problemText(error));
      }
    }
    return h(
      "section",
      { class: "page page--wide" },
      h(
        "div",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "offices.title" }),
        h("p", { class: "page__lead", t: "offices.lead" }),
      ),
      alert.element,
      h("a", { class: "button button--primary", href: "#/admin/offices/new" }, icon("building"), h("span", { t: "offices.new" })),
      status,
      list,
      importPanel(agencyId, reload),
    );
  },
};
