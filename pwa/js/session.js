// Who is signed in, and which stage of the sign-in flow they are at.
//
// The server answers every sign-in step with a `stage`; each stage has exactly one screen and
// only "done" opens the application:
//   mfa              password accepted, prove the second factor (TOTP, recovery code, passkey)
//   change_password  signed in with a temporary password: only the password change is open
//   enrol_mfa        no second factor yet (first sign-in): only enrolment is open
//   new_password     a password-reset link and the second factor were accepted: only the new
//                    password screen is open (no user yet: the reset completes the sign-in)
//   done             the session may use the application
// A new stage needs an entry in STAGE_ROUTES and a view; nothing else changes.

import { api, dropPrefetched } from "./api.js";
import { adoptUnownedTaps, flushQueue, forgetRefusedTaps } from "./checkin-queue.js";
import { claimDevice, lastPerson, wipeDevice } from "./device-store.js";
import { passkeysSupported, toCreationOptions, toRequestOptions } from "./webauthn.js";

export const STAGE_ROUTES = {
  mfa: "/verify",
  change_password: "/change-password",
  enrol_mfa: "/enrol",
  new_password: "/reset-password",
  done: "/home",
};

const ADMIN_ROLES = ["agency_admin", "super_admin"];

let me = null;
let stage = null;
let methods = [];
let offline = false;
const listeners = new Set();

function emit() {
  for (const listener of listeners) listener(me);
}

export function onSessionChange(listener) {
  listeners.add(listener);
}

export function currentUser() {
  return me;
}

/** The user id of the person whose sign-in is complete, or null (queued taps go only to them). */
export function signedInId() {
  return stage === "done" && me ? me.id : null;
}

/** null (signed out), or one of the keys of STAGE_ROUTES. */
export function currentStage() {
  return stage;
}

/** Second factors the server offered at the "mfa" stage: "totp", "passkey", "recovery". */
export function secondFactorMethods() {
  return methods;
}

export function isAdmin(user = me) {
  return Boolean(user?.roles?.some((role) => ADMIN_ROLES.includes(role)));
}

/** Executive dashboards and statistics (the server's "executive" access level). */
export function mayReadStatistics(user = me) {
  return isAdmin(user) || Boolean(user?.roles?.includes("executive"));
}

function stageOf(user) {
  if (user.stage && user.stage in STAGE_ROUTES) return user.stage;
  return user.mustChangePassword ? "change_password" : "done";
}

/** setSession, after making the device this person's when their sign-in is complete. */
async function adopt(user, newStage = null) {
  offline = false; // the server has answered
  const next = user ? newStage ?? stageOf(user) : newStage;
  if (user && next === "done") {
    // Taps queued before they carried an owner are the previous person's, not this one's.
    const previous = lastPerson();
    if (previous && previous.id !== user.id) await adoptUnownedTaps(previous.id).catch(() => {});
    await claimDevice(user);
  }
  setSession(user, next);
}

function setSession(user, newStage = null) {
  dropPrefetched(user?.id);
  me = user;
  stage = user ? newStage ?? stageOf(user) : newStage;
  if (stage !== "mfa") methods = [];
  emit();
}

/** Takes a SignInResult ({stage, me?, methods?}); returns the route of its stage. */
async function apply(result) {
  if (result.stage === "mfa") {
    methods = Array.isArray(result.methods) ? result.methods : ["totp"];
    setSession(null, "mfa");
  } else if (result.stage === "new_password") {
    setSession(null, "new_password");
  } else if (result.me) {
    await adopt(result.me, result.stage in STAGE_ROUTES ? result.stage : stageOf(result.me));
  }
  return STAGE_ROUTES[stage] ?? "/sign-in";
}

/**
 * Asks the server who we are. Returns the user, or null when signed out.
 * Throws ApiError with isNetwork when the server cannot be reached (offline).
 */
export async function loadSession() {
  // 200 signed in or not (a 401 on every signed-out load would be logged in the console).
  const answer = await api.get("/api/auth/session");
  offline = false;
  if (answer.signedIn) {
    await adopt(answer.me);
  } else {
    setSession(null);
    // Reloaded in the middle of signing in: go back to the second-factor step, not the start.
    if (answer.stage === "mfa") await apply({ stage: "mfa", methods: answer.methods });
  }
  return me;
}

/** Each returns the route of the next stage; they throw ApiError (detail is localised). */
export async function signIn(loginId, password) {
  return apply(await api.post("/api/auth/sign-in", { loginId, password }));
}

export async function verifyTotp(code) {
  return apply(await api.post("/api/auth/mfa/totp", { code }));
}

export async function verifyRecoveryCode(code) {
  return apply(await api.post("/api/auth/mfa/recovery", { code }));
}

/** Passkey as the second factor (after the password) or alone (from the sign-in screen). */
export async function signInWithPasskey() {
  const options = await api.post("/api/auth/passkey/options");
  const credential = await navigator.credentials.get({ publicKey: toRequestOptions(options) });
  return apply(await api.post("/api/auth/passkey/verify", { credential: credential.toJSON() }));
}

export async function changePassword(currentPassword, newPassword) {
  await api.post("/api/auth/password", { currentPassword, newPassword });
  // The session continues under a new id at its next stage (enrolment or done).
  await loadSession();
  return STAGE_ROUTES[stage] ?? "/sign-in";
}

/** Enrolment: a new authenticator-app secret (QR code and the key to type). */
export function startTotpEnrolment() {
  return api.post("/api/auth/mfa/totp/setup");
}

/** Confirms the app with a code; returns {codes} (recovery codes, first factor only). */
export async function confirmTotpEnrolment(code) {
  const result = await api.post("/api/auth/mfa/totp/confirm", { code });
  return result;
}

export async function registerPasskey(name) {
  const options = await api.post("/api/auth/passkeys/options");
  const credential = await navigator.credentials.create({ publicKey: toCreationOptions(options) });
  return api.post("/api/auth/passkeys", { name, credential: credential.toJSON() });
}

/** After enrolment the server has completed this session: ask again who we are. */
export async function finishEnrolment() {
  await loadSession();
  return STAGE_ROUTES[stage] ?? "/sign-in";
}

/** "Forgot password": always the same answer ({message}, localised by the server). */
export function requestPasswordReset(loginId) {
  return api.post("/api/auth/reset/request", { loginId });
}

/** Opens the e-mailed link: the next stage is the second factor (as at sign-in). */
export async function openPasswordReset(token) {
  return apply(await api.post("/api/auth/reset/open", { token }));
}

/** The new password after the link and the second factor: the person is then signed in. */
export async function completePasswordReset(newPassword) {
  return apply(await api.post("/api/auth/reset/complete", { newPassword }));
}

/** The person's language for e-mails and server messages (signed in only). */
export async function saveLanguage(lang) {
  if (!me || me.language === lang) return;
  const updated = await api.patch("/api/auth/me", { language: lang });
  if (updated) me = { ...me, ...updated };
}

/**
 * Started without a connection: the last person who used the app on this device is taken as
 * signed in until the server can say (their cookie decides every request). False when nobody
 * is known here.
 */
export function startOffline() {
  const person = lastPerson();
  if (!person) return false;
  offline = true;
  setSession({ ...person, mustChangePassword: false, stage: "done" }, "done");
  return true;
}

/** True while the session is the last known person's, not yet confirmed by the server. */
export function isOfflineSession() {
  return offline;
}

export async function signOut() {
  const owner = me?.id ?? null;
  try {
    // Taps still waiting go out first: after this nobody could send them for this person.
    if (stage === "done" && navigator.onLine) await flushQueue(signedInId).catch(() => {});
    await api.post("/api/auth/sign-out");
  } finally {
    // Everything kept on this device for the person goes with the session.
    // …except the taps still waiting: they stay the person's, sent at their next sign-in here.
    if (owner !== null) await forgetRefusedTaps(owner).catch(() => {});
    await wipeDevice();
    offline = false;
    setSession(null);
  }
}

/** The server said the session is gone (expired, frozen, password changed elsewhere). */
export function forgetSession() {
  setSession(null);
}

export function requirePasswordChange() {
  if (me) setSession({ ...me, mustChangePassword: true }, "change_password");
}

export function requireEnrolment() {
  if (me) setSession(me, "enrol_mfa");
}

export { passkeysSupported };
