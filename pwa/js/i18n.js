// Message catalogues: every text the user sees comes from /i18n/<lang>.json.
//
// Elements carry the key they show (data-i18n="key", data-i18n-args='{"name": "…"}',
// data-i18n-attr="aria-label:key;placeholder:key"), so a language switch re-translates the page
// in place without losing what the user has typed.

export const LANGUAGES = ["ms", "en"];
export const DEFAULT_LANGUAGE = "ms";
const STORAGE_KEY = "hadir.lang";
const COOKIE = "hadir_lang";

const catalogues = {};
let current = DEFAULT_LANGUAGE;
const listeners = new Set();

function stored() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(value) ? value : null;
  } catch {
    return null;
  }
}

async function load(lang) {
  if (!catalogues[lang]) {
    // Relative to this module, so the catalogue comes from the same version of the app.
    const response = await fetch(new URL(`../i18n/${lang}.json`, import.meta.url), { credentials: "same-origin" });
    if (!response.ok) throw new Error(`catalogue ${lang}: HTTP ${response.status}`);
    catalogues[lang] = await response.json();
  }
  return catalogues[lang];
}

/** The text for `key` in the current language, with {placeholders} filled from `params`. */
export function t(key, params = {}) {
  const text = catalogues[current]?.[key] ?? catalogues[DEFAULT_LANGUAGE]?.[key];
  if (text === undefined) {
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (match, name) =>
    params[name] !== undefined && params[name] !== null ? String(params[name]) : match,
  );
}

export function language() {
  return current;
}

/** The BCP 47 locale for dates and numbers. */
export function locale() {
  return current === "en" ? "en-MY" : "ms-MY";
}

function remember(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or storage full: the cookie below still carries the choice.
  }
  // The server reads this cookie to answer errors in the same language.
  document.cookie = `${COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax; Secure`;
}

/** Loads the remembered language (Malay by default) and translates the static shell. */
export async function initI18n() {
  const lang = stored() ?? DEFAULT_LANGUAGE;
  await load(DEFAULT_LANGUAGE);
  current = LANGUAGES.includes(lang) ? lang : DEFAULT_LANGUAGE;
  await load(current);
  remember(current);
  document.documentElement.lang = current;
  translateTree(document);
}

export async function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) return;
  await load(lang);
  current = lang;
  remember(lang);
  document.documentElement.lang = lang;
  translateTree(document);
  for (const listener of listeners) listener(lang);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function argsOf(element) {
  const raw = element.dataset.i18nArgs;
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}

/** Whether the catalogues have `key` (for labels looked up by a server code). */
export function hasKey(key) {
  return catalogues[current]?.[key] !== undefined || catalogues[DEFAULT_LANGUAGE]?.[key] !== undefined;
}

/** Sets the element's text to `key` and remembers it for later re-translation. */
export function translate(element, key, params) {
  element.dataset.i18n = key;
  if (params && Object.keys(params).length) element.dataset.i18nArgs = JSON.stringify(params);
  else delete element.dataset.i18nArgs;
  element.textContent = t(key, params ?? {});
  return element;
}

/** Sets `attribute` of the element to the text of `key`, re-translated on a switch. */
export function translateAttribute(element, attribute, key) {
  const pairs = (element.dataset.i18nAttr ?? "")
    .split(";")
    .filter(Boolean)
    .filter((pair) => pair.split(":")[0] !== attribute);
  pairs.push(`${attribute}:${key}`);
  element.dataset.i18nAttr = pairs.join(";");
  element.setAttribute(attribute, t(key, argsOf(element)));
  return element;
}

export function translateTree(root) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n, argsOf(element));
  }
  for (const element of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of element.dataset.i18nAttr.split(";")) {
      const [attribute, key] = pair.split(":");
      if (attribute && key) element.setAttribute(attribute, t(key, argsOf(element)));
    }
  }
}
