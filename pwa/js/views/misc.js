// Small views: page not found, and "cannot reach the server" when the app starts offline.

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
          h("button", { type: "button", class: "button button--primary", t: "offline.retry", on: { click: retry } }),
        ),
      );
    },
  };
}
