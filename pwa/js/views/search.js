// Search across meetings, agenda items, minutes and decisions (only what the person may read;
// the server decides). The words are kept in the address (#/search?q=…) so Back returns to them.

import { api } from "../api.js";
import { h, icon, uniqueId } from "../dom.js";
import { formAlert, problemText } from "../forms.js";
import { translate } from "../i18n.js";

/** The snippet with each occurrence of `query` in <mark> (text nodes only, never markup). */
function highlighted(text, query) {
  const parts = [];
  const lower = text.toLocaleLowerCase();
  const needle = query.toLocaleLowerCase();
  if (!needle) return [text];
  let from = 0;
  for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(h("mark", { text: text.slice(at, at + needle.length) }));
    from = at + needle.length;
  }
  parts.push(text.slice(from));
  return parts;
}

function hitItem(hit, query) {
  return h(
    "li",
    { class: "item search__hit" },
    h(
      "div",
      { class: "item__head" },
      h("span", { class: "badge", t: `search.kind.${hit.kind}` }),
      hit.classification !== "TERBUKA" ? h("span", { class: "badge badge--warn", text: hit.classification }) : null,
    ),
    h("a", { class: "search__link", href: `#${hit.url}` }, `${hit.meetingTitle}`),
    h("p", { class: "item__meta", text: hit.number }),
    h("p", { class: "search__snippet" }, ...highlighted(hit.snippet, query)),
  );
}

export const searchView = {
  title: "search.title",
  render(ctx) {
    const alert = formAlert();
    const id = uniqueId("search");
    const input = h("input", {
      id,
      type: "search",
      name: "q",
      class: "input",
      value: ctx.query.q ?? "",
      attrs: { autocomplete: "off", minlength: 2, maxlength: 100, enterkeyhint: "search", "aria-describedby": `${id}-hint` },
    });
    const status = h("p", { class: "results__status", attrs: { role: "status" } });
    const list = h("ul", { class: "items search__results" });

    async function run(query) {
      alert.clear();
      list.replaceChildren();
      if (!query) {
        status.textContent = "";
        return;
      }
      translate(status, "common.loading");
      try {
        const result = await api.get("/api/search", { q: query });
        if (!ctx.isCurrent()) return;
        translate(status, result.hits.length ? (result.truncated ? "search.manyResults" : "search.results") : "search.none", {
          count: result.hits.length,
        });
        list.replaceChildren(...result.hits.map((hit) => hitItem(hit, result.query)));
      } catch (error) {
        status.textContent = "";
        alert.show(problemText(error));
      }
    }

    function onSubmit(event) {
      event.preventDefault();
      const query = input.value.trim();
      if (query.length < 2) {
        alert.show({ key: "search.tooShort" });
        input.focus();
        return;
      }
      if (query === (ctx.query.q ?? "")) run(query);
      else ctx.navigate(`/search?q=${encodeURIComponent(query)}`);
    }

    if (ctx.query.q) run(ctx.query.q.trim());
    return h(
      "section",
      { class: "page" },
      h("div", { class: "page__header" }, h("h1", { class: "page__title", t: "search.title" }), h("p", { class: "page__lead", t: "search.lead" })),
      h(
        "form",
        { class: "card search__form", attrs: { role: "search", novalidate: true }, on: { submit: onSubmit } },
        alert.element,
        h("label", { class: "field__label", htmlFor: id, t: "search.label" }),
        h("p", { class: "field__hint", id: `${id}-hint`, t: "search.hint" }),
        h("div", { class: "search__row" }, input, h("button", { type: "submit", class: "button button--primary" }, icon("search"), h("span", { t: "search.submit" }))),
      ),
      status,
      list,
    );
  },
};
