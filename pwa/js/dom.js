// Small DOM helpers. Text always goes in through textContent (never innerHTML), so nothing the
// server or a user typed can become markup.

import { translate, translateAttribute } from "./i18n.js";

/**
 * h("button", {class: "button", t: "signIn.submit", attrs: {type: "submit"}, on: {click}}, ...children)
 *
 * props: class, id, t (catalogue key for the text), args (its parameters), text (literal text,
 * e.g. a name from the server), attrs (plain attributes), tAttrs (attribute -> catalogue key),
 * on (event -> handler), and any DOM property (hidden, disabled, type, value, ...).
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  const { t, args, text, attrs, tAttrs, on, class: className, dataset, ...rest } = props;
  if (className) element.className = className;
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [name, value] of Object.entries(dataset ?? {})) element.dataset[name] = value;
  for (const [name, value] of Object.entries(rest)) element[name] = value;
  for (const [event, handler] of Object.entries(on ?? {})) element.addEventListener(event, handler);
  if (t) translate(element, t, args);
  else if (text !== undefined && text !== null) element.textContent = String(text);
  for (const [attribute, key] of Object.entries(tAttrs ?? {})) {
    translateAttribute(element, attribute, key);
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Line icons (24 px grid, stroked), always decorative: the control carries the name. */
const ICONS = {
  home: ["M3 10.5 12 3l9 7.5", "M5 9.5V21h5v-6h4v6h5V9.5"],
  account: ["M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8Z", "M4 21c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5"],
  users: [
    "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Z",
    "M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6",
    "M16 4.3a3.5 3.5 0 0 1 0 6.4",
    "M18 14.4c2.1.7 3.5 2.7 3.5 5.6",
  ],
  eye: [
    "M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12Z",
    "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z",
  ],
  eyeOff: [
    "M3 3l18 18",
    "M10.6 5.1A10.6 10.6 0 0 1 12 5c6.4 0 10 7 10 7a17.6 17.6 0 0 1-3.2 4.1",
    "M6.6 6.6C3.8 8.4 2 12 2 12s3.6 7 10 7a9.8 9.8 0 0 0 5.4-1.6",
    "M9.9 9.9a3 3 0 0 0 4.2 4.2",
  ],
  approvals: ["M9 6h11", "M9 12h11", "M9 18h11", "m3.5 6 1.5 1.5L7.5 5", "m3.5 12 1.5 1.5 2.5-2.5", "m3.5 18 1.5 1.5 2.5-2.5"],
  checkIn: ["M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21Z", "m9 9.5 2.2 2.2L15.5 7.5"],
  copy: ["M9 9h11v11H9Z", "M5 15H4V4h11v1"],
  search: ["M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14Z", "m20 20-4-4"],
  key: ["M14.5 10a4.5 4.5 0 1 0-4.4 4.5", "M10 14.5 4 20.5", "M6 18.5l2 2", "M14.5 14h6v3h-3v3h-3Z"],
  unlock: ["M5 11h14v10H5Z", "M8 11V7a4 4 0 0 1 7.8-1.3"],
  signOut: ["M10 4H5v16h5", "M15 8l4 4-4 4", "M19 12H9"],
  audit: ["M7 3h8l4 4v14H7Z", "M15 3v4h4", "M10 11h6", "M10 15h6", "M4 7v14h2"],
  building: ["M4 21V5l8-2v18", "M12 8h8v13", "M2 21h20", "M7 8h2", "M7 12h2", "M7 16h2", "M15 12h2", "M15 16h2"],
  chart: ["M4 20h16", "M6 20V11h3v9", "M11 20V5h3v15", "M16 20v-6h3v6"],
  calendar: ["M4 6h16v15H4Z", "M4 10h16", "M8 3v5", "M16 3v5", "M8 14h2", "M14 14h2", "M8 17h2"],
  more: ["M5 12h.01", "M12 12h.01", "M19 12h.01"],
  bell: ["M6 16V11a6 6 0 0 1 12 0v5l2 2H4Z", "M10 20a2 2 0 0 0 4 0"],
  download: ["M12 4v11", "m7 10 5 5 5-5", "M5 20h14"],
  language: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z", "M3 12h18", "M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3Z"],
};

export function icon(name, className = "icon") {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", className);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of ICONS[name] ?? []) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

let fieldCounter = 0;
export function uniqueId(prefix) {
  fieldCounter += 1;
  return `${prefix}-${fieldCounter}`;
}

/** Tells screen readers something happened that has no other visible focus (e.g. "Copied"). */
export function announce(key, params) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node in a new task makes repeated messages announced again.
  setTimeout(() => translate(region, key, params), 50);
}
