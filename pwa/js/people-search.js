// Finding a colleague by name: a search box whose matches (from 2 characters, a moment after
// the last key) appear as buttons below it. Used to add committee members, to choose guests
// and to name a representative. The caller labels `input` and places `results`.

import { api } from "./api.js";
import { h, uniqueId } from "./dom.js";
import { problemText } from "./forms.js";

const MIN_CHARACTERS = 2;
const WAIT_MS = 250;

/** Props for `h` showing an ApiError's message (a catalogue key, or the server's text). */
export function problemProps(error) {
  const message = problemText(error);
  return message.key ? { t: message.key } : { text: message.text };
}

/**
 * @param {object} options
 * @param {string} options.path  the endpoint answering `?q=` with [{id, name, position?}]
 * @param {(person: object, button: HTMLButtonElement) => void} options.onPick
 * @param {(person: object) => Node[]} [options.content]  what a person's button shows
 * @param {(person: object) => boolean} [options.pressed]  toggle-button state, when choosing one
 * @param {string} options.emptyKey  the message when nobody matches
 * @param {string} [options.describedBy]  id of a hint for the input
 */
export function peopleSearch({ path, onPick, content = nameAndPosition, pressed, emptyKey, describedBy }) {
  const id = uniqueId("people-search");
  const attrs = { autocomplete: "off" };
  if (describedBy) attrs["aria-describedby"] = describedBy;
  const input = h("input", { id, type: "search", class: "input", attrs });
  const results = h("div", { class: "mtg-rep__results", attrs: { role: "group", "aria-live": "polite" } });

  function button(person) {
    const props = {
      type: "button",
      class: "button button--secondary button--small mtg-rep__option",
      dataset: { person: String(person.id) },
      on: { click: (event) => onPick(person, event.currentTarget) },
    };
    if (pressed) props.attrs = { "aria-pressed": String(pressed(person)) };
    return h("li", {}, h("button", props, ...content(person)));
  }

  async function run() {
    const q = input.value.trim();
    if (q.length < MIN_CHARACTERS) {
      results.replaceChildren();
      return;
    }
    try {
      const found = await api.get(path, { q });
      results.replaceChildren(
        found.length
          ? h("ul", { class: "mtg-rep__list" }, found.map(button))
          : h("p", { class: "field__hint", t: emptyKey }),
      );
    } catch (error) {
      results.replaceChildren(h("p", { class: "field__error", ...problemProps(error) }));
    }
  }

  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, WAIT_MS);
  });

  return {
    id,
    input,
    results,
    /** Empties the box and the list (after a pick that adds someone). */
    clear() {
      input.value = "";
      results.replaceChildren();
    },
    /** Marks `chosen` as the pressed one among the listed people (single choice). */
    markPressed(chosen) {
      for (const b of results.querySelectorAll("button[data-person]")) {
        b.setAttribute("aria-pressed", String(b.dataset.person === String(chosen?.id)));
      }
    },
  };
}

function nameAndPosition(person) {
  return [
    h("span", { class: "mtg-rep__name", text: person.name }),
    person.position ? h("span", { class: "mtg-rep__position", text: person.position }) : null,
  ];
}
