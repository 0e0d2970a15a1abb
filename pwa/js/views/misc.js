// Small views: page not found, and "cannot reach the server" when the app starts offline.

import { waitingCount } from "../checkin-queue.js";
import { h } from "../dom.js";

export const notFoundView = {
  title: "notFound.title",
  render() {
    return h(
      "section",
      { class: "page page--narrow" },
      h("h1", { class: "page__title", t: "notFound.title" }),
      h("p", { t: "notFound.text" }),
      h("a", { class: "button button--primary", href: "#/home", t: "notFound.home" }),
    );
  },
};

/** Shown inside the cached shell when the server cannot be reached at start-up. */
export function offlineView(retry) {
  return {
    title: "offline.title",
    render() {
      return h(
        "section",
        { class: "page page--narrow" },
        h(
          "div",
          { class: "card" },
          h("h1", { class: "page__title", t: "offline.title" }),
          h("p", { t: "offline.text" }),
          queuedNote(),
          h("button", { type: "button", class: "button button--primary", t: "offline.retry", on: { click: retry } }),
        ),
      );
    },
  };
}

/** "2 attendance records saved on this device…": the offline queue outlives a reload. */
function queuedNote() {
  const note = h("p", { class: "alert alert--warning", attrs: { role: "status" }, hidden: true });
  waitingCount().then((waiting) => {
    if (!waiting) return;
    note.hidden = false;
    note.replaceChildren(h("span", { t: "offline.queued", args: { count: waiting } }));
  });
  return note;
}
