// Home's "Menunggu tindakan anda": what waits for the person, one line per kind with its count,
// each opening the screen where it is done (counts from js/waiting.js, shared with the
// navigation and the app icon's badge).

import { h, uniqueId } from "../dom.js";
import { lastWaiting, onWaiting, refreshWaiting, WAITING_KINDS } from "../waiting.js";

export function waitingCard(ctx) {
  const titleId = uniqueId("waiting-title");
  const body = h("div", { class: "waiting__body" });
  const card = h(
    "section",
    { class: "card waiting", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "waiting.title" }),
    body,
  );

  function draw(waiting) {
    if (!waiting) {
      body.replaceChildren(h("p", { class: "card__text", t: "common.loading" }));
      return;
    }
    const lines = WAITING_KINDS.filter((kind) => (waiting[kind.field] ?? 0) > 0).map((kind) => {
      const href = typeof kind.href === "function" ? kind.href(waiting) : kind.href;
      return h(
        "li",
        {},
        h(
          "a",
          { class: "waiting__link", href, dataset: { kind: kind.field } },
          h("span", { class: "waiting__number", text: String(waiting[kind.field]) }),
          h("span", { class: "waiting__label", t: kind.key }),
        ),
      );
    });
    body.replaceChildren(
      lines.length
        ? h("ul", { class: "waiting__list" }, lines)
        : h("p", { class: "card__text", t: "waiting.none" }),
    );
  }

  draw(lastWaiting());
  const stop = onWaiting((waiting) => {
    if (ctx.isCurrent()) draw(waiting);
  });
  ctx.onLeave(stop);
  return {
    element: card,
    load: () => refreshWaiting({ force: true }),
  };
}
