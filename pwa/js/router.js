// A tiny hash router: "#/admin/users?q=siti" -> {path: "/admin/users", query}.
// After every route change the page title follows and focus moves to the view's main heading,
// so screen-reader and keyboard users start at the top of the new content (not on first load:
// there the document starts with the skip link as usual).

import { t } from "./i18n.js";
import { frameOf, pageFrame } from "./page-frame.js";

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path: path || "/", query: Object.fromEntries(new URLSearchParams(search)) };
}

/** The route for `path`: an exact entry, or a pattern like "/reset/:token" (params filled in). */
export function match(routes, path) {
  if (routes[path]) return { route: routes[path], params: {} };
  const parts = path.split("/");
  for (const [pattern, route] of Object.entries(routes)) {
    if (!pattern.includes(":")) continue;
    const want = pattern.split("/");
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((segment, i) => {
      if (segment.startsWith(":")) {
        if (!parts[i]) return false;
        params[segment.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return segment === parts[i];
    });
    if (ok) return { route, params };
  }
  return { route: null, params: {} };
}

/** The view of a lazy entry, its module fetched once (a failed fetch is tried again next time). */
export function loadView(entry) {
  if (!entry.loading) {
    entry.loading = entry.load().catch((error) => {
      entry.loading = null;
      throw error;
    });
  }
  return entry.loading;
}

export class Router {
  /**
   * routes: {path: {view, access}}; view = {title: key, render(ctx) -> Node | Promise<Node>,
   * frame?} (frame: the header shown while render() waits for data, js/page-frame.js).
   * guard(route, location) returns a path to redirect to, or null to render.
   * A view may be {lazy: true, load() -> Promise<view>}: its module is fetched the first time
   * its route opens; when that fails (offline and not cached), loadFailed(retry) is shown.
   */
  constructor({ routes, outlet, guard, notFound, loadFailed }) {
    this.routes = routes;
    this.loadFailed = loadFailed;
    this.outlet = outlet;
    this.guard = guard;
    this.notFound = notFound;
    this.cleanups = [];
    this.token = 0;
    this.current = null;
    this.rendered = false;
    this.listeners = new Set();
    this.startListeners = new Set();
    window.addEventListener("hashchange", () => this.render());
  }

  onRoute(listener) {
    this.listeners.add(listener);
  }

  /** Called when a route starts rendering (before its view is loaded). */
  onRouteStart(listener) {
    this.startListeners.add(listener);
  }

  navigate(path, { replace = false } = {}) {
    const hash = `#${path}`;
    if (location.hash === hash) {
      this.render();
    } else if (replace) {
      history.replaceState(null, "", hash);
      this.render();
    } else {
      location.hash = hash;
    }
  }

  async render() {
    const token = ++this.token;
    const where = parseHash();
    const { route, params } = match(this.routes, where.path);
    const redirect = this.guard(route, where);
    if (redirect && redirect !== where.path) {
      this.navigate(redirect, { replace: true });
      return;
    }
    for (const listener of this.startListeners) listener(where.path);
    let view = route?.view ?? this.notFound;
    if (view.lazy) {
      try {
        view = await loadView(view);
      } catch (error) {
        console.warn("view not loaded", error);
        view = this.loadFailed(() => this.render());
      }
      if (token !== this.token) return;
    }
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    const loads = [];
    const ctx = {
      // A view that shows itself before its data (js/page-frame.js) hands its loading here:
      // render() of the router resolves (html[data-ready], tests) once it has settled.
      whileLoading: (promise) => loads.push(promise),
      query: where.query,
      params,
      path: where.path,
      navigate: (path, options) => this.navigate(path, options),
      onLeave: (fn) => this.cleanups.push(fn),
      isCurrent: () => token === this.token,
    };
    const rendering = view.render(ctx);
    const frame = rendering instanceof Promise ? frameOf(view, ctx) : null;
    if (frame) {
      // The page's heading now, its data when it arrives (js/page-frame.js).
      this.outlet.replaceChildren(pageFrame(frame));
      this.outlet.setAttribute("aria-busy", "true");
    }
    let node;
    try {
      node = await rendering;
    } finally {
      if (token === this.token) this.outlet.removeAttribute("aria-busy");
    }
    if (token !== this.token) return; // a newer navigation won
    this.current = { path: where.path, view };
    this.outlet.replaceChildren(node);
    this.updateTitle();
    for (const listener of this.listeners) listener(where.path);
    const heading = this.outlet.querySelector("h1");
    if (heading) heading.tabIndex = -1;
    // On the first page load focus stays at the top of the document (the skip link comes
    // first); on every later route change it moves to the new view's main heading.
    if (this.rendered) (heading ?? this.outlet).focus();
    this.rendered = true;
    window.scrollTo(0, 0);
    await Promise.all(loads);
  }

  updateTitle() {
    const view = this.current?.view;
    document.title = view?.title ? `${t(view.title)} · ${t("app.name")}` : t("app.name");
  }
}
