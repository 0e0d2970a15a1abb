// Previous / "page N of M" / next controls for a paged list, and the page itself with its
// "showing 21–40 of 57" line (views/admin-audit.js; views/admin-users.js may use it too). The
// caller owns the <nav>.

import { h } from "./dom.js";
import { translate } from "./i18n.js";

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

/**
 * One page of a paged list on the screen: the status line ("showing 21–40 of 57", or `noneKey`
 * when there is nothing), the items drawn by `draw(items)` into `list`, and the pager's
 * controls (`go(page)` loads another page).
 */
export function showPage({ status, list, pager, items, total, page, pageSize, noneKey, draw, go }) {
  if (!items.length) {
    translate(status, noneKey);
    list.replaceChildren();
    pager.replaceChildren();
    return;
  }
  const from = (page - 1) * pageSize + 1;
  translate(status, "admin.showing", { from, to: from + items.length - 1, total });
  list.replaceChildren(draw(items));
  renderPager(pager, page, Math.max(1, Math.ceil(total / pageSize)), go);
}
