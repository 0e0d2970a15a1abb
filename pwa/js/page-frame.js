// The frame of a page, drawn the moment its route opens: the page header (main heading, lead)
// and a "loading" line, before the page's data arrives. On a phone the heading is the first
// and often the largest thing painted (Largest Contentful Paint), so it must not wait for the
// API. A view opts in with `frame` (js/router.js shows it while the view's render() runs):
//   frame: true                          -> heading = the view's title key
//   frame: { lead: "slips.lead" }        -> heading and lead
//   frame: (ctx) => ({ title, args, lead }) -> computed from the route
// and draws its own header with pageHeader(), so the heading is the same element style in the
// frame and on the page (the paint is not counted twice).

import { h } from "./dom.js";

/** <header class="page__header">: the h1 (a catalogue key with args), optional eyebrow and lead. */
export function pageHeader({ title, args, lead, eyebrow = null }) {
  return h(
    "header",
    { class: "page__header" },
    eyebrow,
    h("h1", { class: "page__title", t: title, args }),
    lead ? h("p", { class: "page__lead", t: lead }) : null,
  );
}

/** What the frame of `view` shows for this route ({title, args, lead}), or null for none. */
export function frameOf(view, ctx) {
  const frame = typeof view.frame === "function" ? view.frame(ctx) : view.frame;
  if (!frame || !view.title) return null;
  return { title: view.title, ...(frame === true ? {} : frame) };
}

/** The page's frame: its header and a status line saying it is loading. */
export function pageFrame(frame) {
  return h(
    "section",
    { class: "page page--frame" },
    pageHeader(frame),
    h("p", { class: "page__loading", attrs: { role: "status" }, t: "common.loading" }),
  );
}
