// A small drawing of a check-in's verdict: the office outline (simplified by the server), the
// tap and its accuracy circle, north up, to scale, as inline SVG (no map, no tiles), so that
// "1,047 m outside" can be seen. The text beside it stays the accessible statement; the drawing
// repeats it as its name.

import { h, uniqueId } from "./dom.js";
import { translate } from "./i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const METRES_PER_DEGREE = 111_320;

function svg(tag, attributes) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

function rings(outline) {
  if (outline?.type === "Polygon") return outline.coordinates;
  if (outline?.type === "MultiPolygon") return outline.coordinates.flat();
  return [];
}

/**
 * The drawing for `sketch` ({outline, lat, lon, accuracyM}); `status` colours the tap
 * (inside / outside / uncertain); `label` ({key, args}) is its accessible name: the verdict in
 * words, re-translated with the page.
 */
export function officeSketch(sketch, status, label, size = 160) {
  // Metres east / north of the tap: a local flat projection is plenty at this scale.
  const squeeze = Math.cos((sketch.lat * Math.PI) / 180);
  const project = ([lon, lat]) => [
    (lon - sketch.lon) * squeeze * METRES_PER_DEGREE,
    (lat - sketch.lat) * METRES_PER_DEGREE,
  ];
  const shapes = rings(sketch.outline).map((ring) => ring.map(project));
  const radius = Math.max(sketch.accuracyM || 0, 1);
  const xs = [radius, -radius, ...shapes.flat().map((p) => p[0])];
  const ys = [radius, -radius, ...shapes.flat().map((p) => p[1])];
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const margin = 8;
  const span = Math.max(maxX - minX, maxY - minY, 1);
  const scale = (size - 2 * margin) / span;
  const offsetX = margin + (size - 2 * margin - (maxX - minX) * scale) / 2;
  const offsetY = margin + (size - 2 * margin - (maxY - minY) * scale) / 2;
  const toX = (x) => offsetX + (x - minX) * scale;
  const toY = (y) => offsetY + (maxY - y) * scale;

  const titleId = uniqueId("sketch-title");
  const drawing = svg("svg", {
    class: `office-sketch office-sketch--${status}`,
    viewBox: `0 0 ${size} ${size}`,
    role: "img",
    "aria-labelledby": titleId,
  });
  const title = svg("title", { id: titleId });
  translate(title, label.key, label.args);
  drawing.append(title);
  const d = shapes
    .map((ring) => ring.map(([x, y], i) => `${i ? "L" : "M"}${toX(x).toFixed(1)} ${toY(y).toFixed(1)}`).join(" ") + " Z")
    .join(" ");
  drawing.append(svg("path", { d, "fill-rule": "evenodd", class: "office-sketch__office" }));
  const cx = toX(0).toFixed(1);
  const cy = toY(0).toFixed(1);
  drawing.append(svg("circle", { cx, cy, r: Math.max(radius * scale, 2).toFixed(1), class: "office-sketch__accuracy" }));
  drawing.append(svg("circle", { cx, cy, r: 2.5, class: "office-sketch__tap" }));
  // A scale bar: the largest round length that fits a third of the drawing.
  const bar = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].filter((m) => m * scale <= size / 3).pop() ?? 1;
  const barY = size - 4;
  drawing.append(svg("path", { d: `M${margin} ${barY} h${(bar * scale).toFixed(1)}`, class: "office-sketch__scale" }));
  const barText = svg("text", { x: margin, y: barY - 3, class: "office-sketch__scale-text" });
  barText.textContent = bar >= 1000 ? `${bar / 1000} km` : `${bar} m`;
  drawing.append(barText);

  return h("div", { class: "office-sketch__frame" }, drawing);
}
