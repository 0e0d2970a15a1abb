// Previous / "page N of M" / next controls for a paged list. The caller owns the <nav>.

import { h } from "./dom.js";

/** Fills `pager` with the controls for `page` of `pages`; `go(page)` loads another page. */
export function renderPager(pager, page, pages, go) {
  const button = (key, target, disabled) =>
    h("button", {
      type: "button",
      class: "button button--secondary button--small",
      t: key,
      disabled,
      on: { click: () => go(target) },
    });
  pager.replaceChildren(
    button("admin.previous", page - 1, page <= 1),
    h("span", { class: "pager__label", t: "admin.pageOf", args: { page, pages } }),
    button("admin.next", page + 1, page >= pages),
  );
}
