// Notifications (#/notifications): the same events that go by push and e-mail, kept in the app
// for people without push (GET /api/notifications/feed). Newest first; unread ones marked and
// counted; opening one marks it read and goes to its screen; "mark all as read".
// A SULIT item reads only its neutral title, as on a lock screen.

import { api, ApiError } from "../api.js";
import { formatDateTime } from "../attendance.js";
import { h, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
import { translate } from "../i18n.js";
import { refreshWaiting } from "../waiting.js";

const PATH = "/api/notifications/feed";

export const notificationFeedView = {
  title: "feed.title",
  async render(ctx) {
    let items = [];
    let more = false;
    const alert = formAlert();
    const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const unreadLine = h("p", { class: "page__lead feed__unread" });
    const list = h("ul", { class: "feed__list card" });
    const empty = h("p", { class: "card", t: "feed.empty", hidden: true });
    const markAll = h("button", {
      type: "button",
      class: "button button--secondary",
      t: "feed.markAll",
      on: { click: () => markAllRead() },
    });
    const older = h("button", {
      type: "button",
      class: "button button--secondary",
      t: "feed.more",
      hidden: true,
      on: { click: () => load(items.at(-1)?.id) },
    });

    function item(entry) {
      const titleId = uniqueId("feed-item");
      return h(
        "li",
        {},
        h(
          "a",
          {
            class: entry.read ? "feed__item" : "feed__item feed__item--unread",
            href: entry.url.startsWith("/#") ? entry.url.slice(1) : entry.url,
            dataset: { id: String(entry.id) },
            attrs: { "aria-describedby": titleId },
            on: { click: () => open(entry) },
          },
          entry.read ? null : h("span", { class: "visually-hidden", t: "feed.unread" }),
          h("span", { class: "feed__title", text: entry.title }),
          entry.body ? h("span", { class: "feed__body", text: entry.body }) : null,
          h("span", { class: "feed__time", id: titleId, text: formatDateTime(entry.createdAt) }),
        ),
      );
    }

    function draw(unread) {
      list.replaceChildren(...items.map(item));
      list.hidden = !items.length;
      empty.hidden = Boolean(items.length);
      older.hidden = !more;
      markAll.hidden = !unread;
      translate(unreadLine, "feed.unreadCount", { count: unread });
    }

    async function load(before) {
      let answer;
      try {
        answer = await api.get(before ? `${PATH}?before=${before}` : PATH);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        alert.show(problemText(error));
        return;
      }
      items = before ? [...items, ...answer.items] : answer.items;
      more = answer.more;
      if (ctx.isCurrent()) draw(answer.unread);
    }

    function open(entry) {
      if (entry.read) return;
      // Marked read on the way to its screen; the navigation does not wait for it.
      api
        .post(`${PATH}/${entry.id}/read`)
        .then(() => refreshWaiting({ force: true }))
        .catch(() => {});
    }

    async function markAllRead() {
      alert.clear();
      try {
        await busy(markAll, () => api.post(`${PATH}/read-all`));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        alert.show(problemText(error));
        return;
      }
      await load();
      refreshWaiting({ force: true });
      translate(status, "feed.markedAll");
      status.hidden = false;
    }

    await load();
    return h(
      "section",
      { class: "page feed" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "feed.title" }),
        unreadLine,
      ),
      status,
      alert.element,
      h(
        "div",
        { class: "button-row" },
        markAll,
        h("a", { class: "button button--secondary", href: "#/account/notifications", t: "feed.settings" }),
      ),
      list,
      empty,
      older,
    );
  },
};
