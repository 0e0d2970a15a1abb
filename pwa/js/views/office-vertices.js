// The office outline as tables of points, edited with the keyboard alone (the map needs a
// pointer to draw): one table per ring — each part's boundary and its holes — with latitude and
// longitude fields, "add a point after" and "remove" per point, and buttons to add or remove a
// part or a hole. It speaks GeoJSON (Polygon / MultiPolygon, closed rings) with the editor,
// which keeps it, the map and the GeoJSON text in step.

import { h } from "../dom.js";
import { translate, translateAttribute } from "../i18n.js";

const MIN_POINTS = 3;
// Half the side of the square a new part or hole starts as (degrees, about 30 m).
const STARTER = 0.0003;
// Where a first part starts when there is no outline yet (Putrajaya); its points are then typed.
const DEFAULT_CENTRE = [101.6964, 2.9264];

/** Polygons as arrays of open rings of [lon, lat] (the closing point dropped). */
function polygonsOf(geometry) {
  if (!geometry) return [];
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : geometry.type === "Polygon" ? [geometry.coordinates] : [];
  return polygons.map((rings) =>
    rings.map((ring) => {
      const open = ring.map(([lon, lat]) => [lon, lat]);
      const [first, last] = [open[0], open[open.length - 1]];
      if (open.length > 1 && first[0] === last[0] && first[1] === last[1]) open.pop();
      return open;
    }),
  );
}

function geometryOf(polygons) {
  const closed = polygons.map((rings) => rings.map((ring) => [...ring.map((p) => [...p]), [...ring[0]]]));
  if (!closed.length) return null;
  return closed.length === 1 ? { type: "Polygon", coordinates: closed[0] } : { type: "MultiPolygon", coordinates: closed };
}

function centre(ring) {
  const lon = ring.reduce((sum, p) => sum + p[0], 0) / ring.length;
  const lat = ring.reduce((sum, p) => sum + p[1], 0) / ring.length;
  return [lon, lat];
}

function square([lon, lat], half, clockwise = false) {
  const points = [
    [lon - half, lat - half],
    [lon + half, lat - half],
    [lon + half, lat + half],
    [lon - half, lat + half],
  ];
  return clockwise ? points.reverse() : points;
}

function round(value) {
  return String(Math.round(value * 1e7) / 1e7);
}

/** An input whose accessible name is a catalogue text with parameters. */
function coordinateInput(key, args, value, onChange) {
  const input = h("input", {
    type: "text",
    class: "input office-vertices__input",
    value: round(value),
    attrs: { inputmode: "decimal", autocomplete: "off", spellcheck: "false" },
    dataset: { i18nArgs: JSON.stringify(args) },
    on: { change: () => onChange(input) },
  });
  translateAttribute(input, "aria-label", key);
  return input;
}

function labelledButton(key, args, onClick, modifier = "button--secondary") {
  const button = h("button", { type: "button", class: `button ${modifier} button--small`, t: key, args, on: { click: onClick } });
  return button;
}

/**
 * vertexEditor({ onChange(geometry | null) }) -> { element, setGeometry(geometry) }
 * `onChange` is called after every edit made here; `setGeometry` redraws the tables for an
 * outline that changed elsewhere (the map, the text, a file).
 */
export function vertexEditor({ onChange }) {
  let polygons = [];
  const tables = h("div", { class: "office-vertices__parts" });
  const problem = h("p", { class: "field__error", attrs: { role: "alert" } });
  const addPart = labelledButton("offices.vertexAddPart", {}, () => {
    const last = polygons[polygons.length - 1];
    // Beside the last part (east of it), so that the new one does not overlap it.
    const from = last ? centre(last[0]) : null;
    polygons.push([square(from ? [from[0] + 8 * STARTER, from[1]] : DEFAULT_CENTRE, STARTER)]);
    changed({ focus: [polygons.length - 1, 0, 0] });
  });

  function say(key) {
    problem.hidden = false;
    translate(problem, key);
  }

  function quiet() {
    delete problem.dataset.i18n;
    problem.textContent = "";
    problem.hidden = true;
  }

  function changed({ focus = null } = {}) {
    quiet();
    render(focus);
    onChange(geometryOf(polygons));
  }

  function setPoint(part, ring, index, axis, input) {
    const value = Number(input.value.replace(",", "."));
    const limit = axis === 0 ? 180 : 90;
    if (!input.value.trim() || !Number.isFinite(value) || Math.abs(value) > limit) {
      input.setAttribute("aria-invalid", "true");
      say(axis === 0 ? "offices.vertexBadLon" : "offices.vertexBadLat");
      return;
    }
    input.removeAttribute("aria-invalid");
    polygons[part][ring][index][axis] = value;
    quiet();
    onChange(geometryOf(polygons));
  }

  function ringTable(part, ring) {
    const points = polygons[part][ring];
    const captionKey = ring === 0 ? "offices.vertexOuter" : "offices.vertexHole";
    const captionArgs = { part: part + 1, hole: ring };
    const rows = points.map(([lon, lat], index) => {
      const n = index + 1;
      const args = { part: part + 1, ring: ring === 0 ? "" : ring, n };
      return h(
        "tr",
        { dataset: { point: `${part}-${ring}-${index}` } },
        h("th", { attrs: { scope: "row" }, text: String(n) }),
        h("td", {}, coordinateInput("offices.vertexLat", args, lat, (input) => setPoint(part, ring, index, 1, input))),
        h("td", {}, coordinateInput("offices.vertexLon", args, lon, (input) => setPoint(part, ring, index, 0, input))),
        h(
          "td",
          { class: "office-vertices__actions" },
          labelledButton("offices.vertexAddAfter", { n }, () => {
            const next = points[(index + 1) % points.length];
            points.splice(index + 1, 0, [(lon + next[0]) / 2, (lat + next[1]) / 2]);
            changed({ focus: [part, ring, index + 1] });
          }),
          labelledButton("offices.vertexRemove", { n }, () => {
            if (points.length <= MIN_POINTS) {
              say("offices.vertexTooFew");
              return;
            }
            points.splice(index, 1);
            changed({ focus: [part, ring, Math.min(index, points.length - 1)] });
          }),
        ),
      );
    });
    const ringButtons = [];
    if (ring === 0) {
      ringButtons.push(
        labelledButton("offices.vertexAddHole", { part: part + 1 }, () => {
          // A small square at the part's centre, the other way round (a hole).
          polygons[part].push(square(centre(polygons[part][0]), STARTER / 2, true));
          changed({ focus: [part, polygons[part].length - 1, 0] });
        }),
      );
      if (polygons.length > 1) {
        ringButtons.push(
          labelledButton("offices.vertexRemovePart", { part: part + 1 }, () => {
            polygons.splice(part, 1);
            changed({ focus: [Math.max(part - 1, 0), 0, 0] });
          }),
        );
      }
    } else {
      ringButtons.push(
        labelledButton("offices.vertexRemoveHole", { part: part + 1, hole: ring }, () => {
          polygons[part].splice(ring, 1);
          changed({ focus: [part, 0, 0] });
        }),
      );
    }
    return h(
      "div",
      { class: "office-vertices__ring" },
      h(
        "div",
        { class: "table-wrap office-vertices__scroll", attrs: { tabindex: "-1" } },
        h(
          "table",
          { class: "table office-vertices__table" },
          h("caption", { t: captionKey, args: captionArgs }),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { attrs: { scope: "col" }, t: "offices.vertexNumber" }),
              h("th", { attrs: { scope: "col" }, t: "offices.vertexLatHead" }),
              h("th", { attrs: { scope: "col" }, t: "offices.vertexLonHead" }),
              h("th", { attrs: { scope: "col" }, t: "offices.vertexActions" }),
            ),
          ),
          h("tbody", {}, rows),
        ),
      ),
      h("div", { class: "button-row" }, ringButtons),
    );
  }

  function render(focus = null) {
    tables.replaceChildren(
      ...(polygons.length
        ? polygons.flatMap((rings, part) => rings.map((_, ring) => ringTable(part, ring)))
        : [h("p", { class: "field__hint", t: "offices.vertexNone" })]),
    );
    if (focus) {
      const row = tables.querySelector(`tr[data-point="${focus.join("-")}"] input`);
      row?.focus();
    }
  }

  const element = h(
    "details",
    { class: "card office-vertices" },
    h("summary", { t: "offices.vertexTitle" }),
    h("p", { class: "field__hint", t: "offices.vertexHint" }),
    problem,
    tables,
    h("div", { class: "button-row" }, addPart),
  );
  quiet();
  render();
  return {
    element,
    setGeometry(geometry) {
      polygons = polygonsOf(geometry);
      quiet();
      render();
    },
  };
}
