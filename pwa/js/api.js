// The one way the PWA talks to the server: same-origin JSON, the CSRF token on every unsafe
// request, and RFC 9457 problems turned into ApiError (the server already localised `detail`).
// A few GET answers are kept on the device and given back when the server cannot be reached
// (js/device-store.js: today's card and the attendance month, for a start without signal).

import { keepAnswer, keptAnswer, mayKeep } from "./device-store.js";

const CSRF_COOKIE = "__Host-hadir_csrf";
const CSRF_HEADER = "x-csrf-token";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ApiError extends Error {
  constructor({ status = 0, code = "network_error", detail = "", errors = [] } = {}) {
    super(detail || code);
    this.status = status;
    this.code = code;
    this.detail = detail;
    /** [{field, message}] for validation problems. */
    this.errors = errors;
  }

  /** True when the request never reached the server (offline, DNS, connection refused). */
  get isNetwork() {
    return this.status === 0;
  }

  fieldMessage(field) {
    return this.errors.filter((e) => e.field === field).map((e) => e.message).join(" ");
  }
}

function readCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
}

async function csrfToken() {
  let token = readCookie(CSRF_COOKIE);
  if (!token) {
    // Any GET answers with the cookie; /healthz is the cheapest.
    await fetch("/healthz", { credentials: "same-origin", cache: "no-store" });
    token = readCookie(CSRF_COOKIE);
  }
  return token;
}

const listeners = {
  unauthenticated: new Set(),
  passwordChangeRequired: new Set(),
  enrolmentRequired: new Set(),
};

/** Subscribes to session-level answers seen by any request (401; 403 for an unfinished stage). */
export function onSessionProblem(kind, listener) {
  listeners[kind].add(listener);
}

/**
 * One API call. `body` is sent as JSON, except FormData (multipart, for uploads) and a body
 * given with its own `contentType` (e.g. CSV text), which are sent as they are.
 */
export async function request(method, path, options = {}) {
  const keep = method === "GET" && !Object.keys(options.query ?? {}).length && mayKeep(path);
  const early = method === "GET" && !options.query && !options.headers ? prefetched.get(path)?.pending : undefined;
  if (early) prefetched.delete(path);
  let response;
  try {
    response = early ? await early.catch(() => null) : null;
    // Only a successful early answer is used; anything else is asked again, now.
    if (!response?.ok) response = await send(method, path, options);
  } catch (error) {
    const kept = keep && error.isNetwork ? keptAnswer(path) : null;
    if (kept) return kept.data;
    throw error;
  }
  if (response.status === 204) return null;
  const data = await decode(response);
  if (keep) keepAnswer(path, data);
  return data;
}

const prefetched = new Map();

/**
 * Starts a GET that the first screen is about to make, so that it runs while the screen's
 * module loads; the screen's own api.get() of the same path then takes this answer (once,
 * within 10 s, if it succeeded). Only for answers the first screen surely asks for (app.js
 * ROUTES `data`), on behalf of `owner`, the person expected to be signed in: when the session
 * turns out to be someone else's (or nobody's), session.js drops them.
 */
export function prefetch(path, owner) {
  if (prefetched.has(path)) return;
  const pending = send("GET", path, {});
  pending.catch(() => {}); // a failure is the screen's to see when it asks
  prefetched.set(path, { pending, owner });
  setTimeout(() => prefetched.delete(path), 10000);
}

/** Forgets early answers asked for anyone but `person` (the id the session now has). */
export function dropPrefetched(person) {
  for (const [path, early] of prefetched) if (early.owner !== person) prefetched.delete(path);
}

/**
 * A GET for polling: {notModified: true} while the server's ETag still equals `etag`,
 * otherwise {data, etag} with the new ETag to send next time.
 */
export async function getIfChanged(path, etag) {
  const response = await send("GET", path, { headers: etag ? { "if-none-match": etag } : {} });
  if (response.status === 304) return { notModified: true };
  return { data: await decode(response), etag: response.headers.get("etag") };
}

async function send(method, path, { body, query, contentType, headers: extra } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = { accept: "application/json, application/problem+json", ...extra };
  const raw = body instanceof FormData || contentType !== undefined;
  if (contentType !== undefined) headers["content-type"] = contentType;
  else if (body !== undefined && !raw) headers["content-type"] = "application/json";
  if (UNSAFE.has(method)) {
    const token = await csrfToken().catch(() => null);
    if (token) headers[CSRF_HEADER] = token;
  }
  try {
    return await fetch(url, {
      method,
      headers,
      body: body === undefined || raw ? body : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError({ status: 0, code: "network_error" });
  }
}

/** The JSON of a successful answer, or the problem it reports as an ApiError (thrown). */
async function decode(response) {
  const type = response.headers.get("content-type") ?? "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (response.ok) return data;
  const error = new ApiError({
    status: response.status,
    code: data?.code ?? "http_error",
    detail: data?.detail ?? "",
    errors: Array.isArray(data?.errors) ? data.errors : [],
  });
  if (response.status === 401 && error.code === "not_authenticated") {
    for (const listener of listeners.unauthenticated) listener(error);
  }
  if (response.status === 403 && error.code === "password_change_required") {
    for (const listener of listeners.passwordChangeRequired) listener(error);
  }
  if (response.status === 403 && error.code === "mfa_enrolment_required") {
    for (const listener of listeners.enrolmentRequired) listener(error);
  }
  throw error;
}

export const api = {
  get: (path, query) => request("GET", path, { query }),
  post: (path, body) => request("POST", path, { body }),
  put: (path, body) => request("PUT", path, { body }),
  patch: (path, body) => request("PATCH", path, { body }),
  del: (path) => request("DELETE", path),
  /** Multipart upload of a FormData (the browser sets the boundary). */
  upload: (path, form, query) => request("POST", path, { body: form, query }),
  /** A body of another type as it is, e.g. CSV text. */
  postAs: (path, body, contentType, query) => request("POST", path, { body, contentType, query }),
  /** A POST answered with a file (a PDF): resolves its Blob, or throws the problem. */
  postForFile: async (path, body) => {
    const response = await send("POST", path, { body });
    if (!response.ok) await decode(response);
    return response.blob();
  },
};
