// Home (phone first): the one big check-in / check-out button and today's attendance.
//
// A tap takes a fresh position (never a cached one), waits briefly for a good fix while showing
// its accuracy, asks the server for the verdict first and offers "try again" when it is
// uncertain, then records. Outside and uncertain check-ins are recorded as pending straight
// away (flag, never block); the officer then picks a mode and gives a reason. Offline (or when
// the request cannot reach the server) the tap is queued in IndexedDB with its clientId and sent
// later; the server answers a repeated clientId with the original record.
// Where the agency requires it, the officer confirms the tap with their passkey just before it is
// sent or queued: the assertion signs a challenge derived from this tap (js/webauthn.js), so it
// travels with a queued tap too. No passkey, or cancelled: the tap still goes, without it, and
// becomes pending for the supervisor; the screen says so.

import { api, ApiError } from "../api.js";
import {
  APPROVAL,
  badge,
  DAY_STATUS,
  findingBadges,
  findingNotes,
  formatClock,
  formatTime,
  kindText,
  loadCheckInSettings,
  MODES,
  modeChoice,
  verdictMessage,
} from "../attendance.js";
import { dismissTap, flushQueue, onQueueChange, queuedTaps, queueTap, waitingCount } from "../checkin-queue.js";
import { announce, h, icon, uniqueId } from "../dom.js";
import { takeFlash } from "../flash.js";
import { busy, formAlert, problemText } from "../forms.js";
import { FixError, freshFix } from "../geo.js";
import { language, locale, translate } from "../i18n.js";
import { currentUser, isAdmin, signedInId } from "../session.js";
import { confirmCheckIn, passkeysSupported } from "../webauthn.js";
import { pushCard } from "./notifications.js";
import { waitingCard } from "./waiting-card.js";
import { checkInReasonForm } from "../reason-form.js";
import { pageHeader } from "../page-frame.js";

const ACTION_KEY = { in: "home.checkIn", out: "home.checkOut" };
const LOCATION_ERRORS = {
  denied: "attLocation.denied",
  unsupported: "attLocation.unsupported",
  unavailable: "attLocation.unavailable",
  timeout: "attLocation.unavailable",
};

// The last answer of /today, kept in memory only (never in storage or a cache) so a moment
// offline still shows the day.
let lastToday = null;
let lastTodayUser = null;
let lastSettings = null;

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function message(key, args, tone) {
  const cls = { ok: "alert--success", warn: "alert--warning", bad: "alert--error" }[tone] ?? "alert--warning";
  return h("p", { class: `alert ${cls}`, t: key, args });
}

// ---------------------------------------------------------------- the cards, drawn at once

/** The check-in card: its title, the big button (onTap), a progress line and the result. */
function checkInCard(onTap) {
  const titleId = uniqueId("checkin-title");
  const title = h("h2", { class: "checkin__title", id: titleId, t: "home.checkIn" });
  const buttonLabel = h("span", { t: "home.checkIn" });
  const button = h(
    "button",
    { type: "button", class: "button button--primary button--huge", on: { click: onTap } },
    icon("checkIn", "icon icon--large"),
    buttonLabel,
  );
  const progress = h("p", { class: "checkin__progress", attrs: { role: "status" } });
  const result = h("div", { class: "checkin__result", attrs: { "aria-live": "polite" } });
  const element = h(
    "section",
    { class: "checkin card", attrs: { "aria-labelledby": titleId } },
    title,
    h("p", { class: "card__text", t: "home.checkInHint" }),
    button,
    progress,
    result,
    // Working at another office: ask for a movement slip first (pwa/js/views/movement-slips.js).
    h("a", { class: "today__link checkin__slips", href: "#/slips", t: "home.slipsLink" }),
  );
  return { element, title, buttonLabel, button, progress, result };
}

/** Today's card; its body is filled with todayParts(). */
function todayCard() {
  const todayId = uniqueId("today-title");
  // Until today's answer fills it, the body keeps about its final height (no layout shift).
  const body = h("div", { class: "today__body", attrs: { "aria-busy": "true" } });
  const element = h(
    "section",
    { class: "today card", attrs: { "aria-labelledby": todayId } },
    h("h2", { class: "card__title", id: todayId, t: "attToday.title" }),
    body,
    // The month, issues and task notes: pwa/js/views/my-attendance.js.
    h("a", { class: "today__link", href: "#/attendance", t: "myAtt.homeLink" }),
  );
  return { element, body };
}

// ---------------------------------------------------------------- today's records

function detailsRow(labelKey, value) {
  return h("div", { class: "details__row" }, h("dt", { t: labelKey }), h("dd", { text: value }));
}

function checkInItem(checkIn, reasonForm) {
  const verdict = verdictMessage(checkIn.verdict, true);
  const approval = APPROVAL[checkIn.approval];
  return h(
    "li",
    { class: "record", dataset: { clientId: checkIn.clientId } },
    h(
      "div",
      { class: "record__head" },
      h("span", { class: "record__time", text: `${kindText(checkIn.kind)} ${formatTime(checkIn.occurredAt)}` }),
      approval ? badge(approval[0], approval[1]) : badge("attApproval.notNeeded", "ok"),
    ),
    h("p", { class: "record__text", t: verdict.key, args: verdict.args }),
    checkIn.mode
      ? h(
          "p",
          { class: "record__text" },
          h("span", { class: "record__mode", t: MODES[checkIn.mode] ?? MODES.other }),
          checkIn.note ? `: ${checkIn.note}` : h("span", { t: "attRecord.noReason" }),
        )
      : null,
    checkIn.decisionNote
      ? h("p", { class: "record__text", t: "attRecord.decisionNote", args: { note: checkIn.decisionNote } })
      : null,
    checkIn.approval === "pending" ? laterReason(checkIn, reasonForm) : null,
  );
}

/** A pending check-in gets (or changes) its reason here too, not only right after the tap. */
function laterReason(checkIn, reasonForm) {
  return h(
    "details",
    { class: "record__reason" },
    h("summary", { class: "button button--secondary button--small", t: checkIn.note ? "attReason.changeLater" : "attReason.giveLater" }),
    reasonForm(checkIn),
  );
}

function queuedItem(item) {
  const failed = item.state === "failed";
  return h(
    "li",
    { class: "record record--queued", dataset: { clientId: item.clientId } },
    h(
      "div",
      { class: "record__head" },
      h("span", { class: "record__time", text: `${kindText(item.kind)} ${formatTime(item.clientAt)}` }),
      failed ? badge("attQueue.failed", "bad") : badge("attQueue.waiting", "warn"),
    ),
    failed
      ? [
          h("p", { class: "record__text", text: item.error }),
          h("button", {
            type: "button",
            class: "button button--secondary button--small",
            t: "attQueue.dismiss",
            on: { click: () => dismissTap(item.clientId) },
          }),
        ]
      : h("p", { class: "record__text", t: "attQueue.waitingText" }),
  );
}

/** The status, times and records of today (the queued taps of this person among them). */
function todayParts({ today, todayFailed, queue, othersQueued, reasonForm }) {
  const parts = [];
  if (todayFailed) parts.push(h("p", { class: "alert alert--warning", t: "attToday.loadFailed" }));
  if (today) {
    const [key, tone] = DAY_STATUS[today.status] ?? ["attStatus.notCheckedIn", "neutral"];
    parts.push(
      h(
        "p",
        { class: "today__status" },
        h("span", { class: "visually-hidden", t: "attToday.statusLabel" }),
        badge(key, tone),
      ),
    );
    const rows = [];
    if (today.holidayName) rows.push(detailsRow("attToday.holiday", today.holidayName));
    if (today.firstIn) rows.push(detailsRow("attToday.firstIn", formatTime(today.firstIn)));
    if (today.expectedEnd) rows.push(detailsRow("attToday.expectedOut", formatClock(today.expectedEnd)));
    if (today.breakStart) rows.push(detailsRow(today.fridayPrayer ? "attToday.fridayPrayer" : "attToday.break", `${formatClock(today.breakStart)}–${formatClock(today.breakEnd)}`));
    if (today.lastOut) rows.push(detailsRow("attToday.lastOut", formatTime(today.lastOut)));
    if (today.minutesLate > 0) rows.push(detailsRow("attToday.minutesLate", String(today.minutesLate)));
    if (rows.length) parts.push(h("dl", { class: "details details--compact" }, rows));
  }
  const items = [...(today?.checkIns ?? []).map((item) => checkInItem(item, reasonForm)), ...queue.map(queuedItem)];
  parts.push(h("h3", { class: "today__subtitle", t: "attToday.records" }));
  parts.push(
    items.length
      ? h("ul", { class: "records" }, items)
      : h("p", { class: "card__text", t: "attToday.none" }),
  );
  if (othersQueued) {
    parts.push(h("p", { class: "alert alert--warning others-queued", t: "attQueue.othersWaiting", args: { count: othersQueued } }));
  }
  return parts;
}

// ---------------------------------------------------------------- the tap without a position

/**
 * Record without a position: the mode and a reason, sent to the supervisor (pending), or
 * queued with them offline (keep(tapData)); recorded(checkIn) once the server has it.
 */
function noPositionForm(kind, { keep, recorded }) {
  const titleId = uniqueId("no-location-title");
  const noteId = uniqueId("no-location-note");
  const mode = modeChoice();
  const note = h("textarea", {
    id: noteId,
    name: "note",
    class: "input textarea",
    rows: 3,
    attrs: { required: true, "aria-required": "true", maxlength: "500", "aria-describedby": `${noteId}-hint` },
  });
  const alert = formAlert();
  const submit = h("button", { type: "submit", class: "button button--primary", t: "attNoLocation.submit" });
  const form = h(
    "form",
    { class: "form reason-form", attrs: { novalidate: true, "aria-labelledby": titleId } },
    h("h3", { class: "reason-form__title", id: titleId, t: "attNoLocation.title" }),
    h("p", { class: "card__text", t: "attNoLocation.lead" }),
    alert.element,
    mode.element,
    h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: noteId, t: "attReason.noteLabel" }),
      h("p", { class: "field__hint", id: `${noteId}-hint`, t: "attReason.noteHint" }),
      note,
    ),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.clear();
    const tapData = {
      clientId: newClientId(),
      kind,
      fix: null,
      clientAt: new Date().toISOString(),
      mode: mode.value(),
      note: note.value.trim(),
    };
    // The server says what a reason needs; offline the same rule is checked here first so
    // that a queued tap is not refused later for its reason.
    if (!navigator.onLine) {
      if (!tapData.mode || tapData.note.length < 3) {
        alert.show({ key: "attNoLocation.reasonRequired" });
        note.focus();
        return;
      }
      await keep(tapData);
      return;
    }
    let checkIn;
    try {
      checkIn = await busy(submit, () =>
        api.post("/api/attendance/check-ins", {
          clientId: tapData.clientId,
          kind,
          clientAt: tapData.clientAt,
          mode: tapData.mode ?? undefined,
          note: tapData.note,
        }),
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.isNetwork && tapData.mode && tapData.note.length >= 3) {
        await keep(tapData);
        return;
      }
      alert.show(problemText(error));
      note.focus();
      return;
    }
    await recorded(checkIn);
  });
  return form;
}

// ---------------------------------------------------------------- the passkey of a tap

/**
 * Where the agency requires it, asks once per tap for the officer's passkey; sets
 * tapData.passkey (the assertion, or null) and tapData.passkeyNote (why there is none); say(key)
 * tells the officer what is happening.
 */
async function askPasskey(tapData, settings, say) {
  if (!settings?.passkeyRequired || tapData.passkeyAsked) return;
  tapData.passkeyAsked = true;
  tapData.passkey = null;
  tapData.passkeyNote = null;
  const ids = settings.passkeyCredentialIds ?? [];
  if (!passkeysSupported()) {
    tapData.passkeyNote = "attPasskey.unsupported";
    return;
  }
  if (Array.isArray(settings.passkeyCredentialIds) && !ids.length) {
    tapData.passkeyNote = "attPasskey.none";
    return;
  }
  say("attPasskey.asking");
  try {
    tapData.passkey = await confirmCheckIn(tapData, { rpId: settings.rpId, credentialIds: ids });
  } catch (error) {
    const cancelled = error?.name === "NotAllowedError" || error?.name === "AbortError";
    tapData.passkeyNote = cancelled ? "attPasskey.cancelled" : "attPasskey.failed";
  }
}

/** The plain words on the passkey confirmation under a result, or null. */
function passkeyMessage(tapData, checkIn) {
  if (!tapData.passkeyAsked) return null;
  if (checkIn ? checkIn.passkeyConfirmed : tapData.passkey) {
    return checkIn ? null : h("p", { class: "badges" }, badge("attPasskey.queuedConfirmed", "ok"));
  }
  const refused = checkIn?.findings?.some((f) => f.code === "passkey_invalid");
  const key = tapData.passkeyNote ?? (refused ? "attPasskey.refused" : "attPasskey.cancelled");
  return h("p", { class: "alert alert--warning passkey-note", t: key });
}

// ---------------------------------------------------------------- the attendance panel

function attendance(ctx) {
  const user = currentUser();
  if (lastTodayUser !== user.id) {
    lastToday = null;
    lastSettings = null;
    lastTodayUser = user.id;
  }
  let today = lastToday;
  let settings = lastSettings;
  let todayFailed = false;
  let queue = [];
  let othersQueued = 0;
  let working = false;

  const checkIn = checkInCard(() => tap());
  const { title, buttonLabel, button, progress, result } = checkIn;
  // Until today's answer is known, the button cannot tell "in" from "out": it waits for it.
  if (!today) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
  const todayBox = todayCard();

  function renderToday() {
    todayBox.body.replaceChildren(...todayParts({ today, todayFailed, queue, othersQueued, reasonForm }));
    todayBox.body.removeAttribute("aria-busy");
  }


  function waiting() {
    return queue.filter((item) => item.state !== "failed");
  }

  function nextAction() {
    const queued = waiting();
    if (queued.length) return queued[queued.length - 1].kind === "in" ? "out" : "in";
    return today?.nextAction ?? "in";
  }

  function updateButton() {
    const key = ACTION_KEY[nextAction()];
    translate(title, key);
    if (!working) translate(buttonLabel, key);
  }

  function setWorking(on) {
    working = on;
    button.disabled = on;
    if (on) button.setAttribute("aria-busy", "true");
    else button.removeAttribute("aria-busy");
    if (on) translate(buttonLabel, "common.wait");
    else {
      translate(buttonLabel, ACTION_KEY[nextAction()]);
      if (!document.activeElement || document.activeElement === document.body) button.focus();
    }
  }

  function say(key, args) {
    progress.hidden = !key;
    if (key) translate(progress, key, args);
    else progress.textContent = "";
  }

  async function refresh() {
    queue = await queuedTaps(user.id);
    othersQueued = await waitingCount({ except: user.id });
    const loadingSettings = loadCheckInSettings(user.id);
    try {
      today = await api.get("/api/attendance/today");
      lastToday = today;
      todayFailed = false;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      todayFailed = true;
    }
    settings = (await loadingSettings) ?? settings;
    lastSettings = settings;
    if (!ctx.isCurrent()) return;
    renderToday();
    updateButton();
    if (!working) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  // ---------------------------------------------------------------- the tap
  async function locate() {
    say("attLocation.searching");
    return freshFix({ onProgress: (accuracy) => say("attLocation.accuracy", { accuracy: Math.round(accuracy) }) });
  }

  async function keepForLater(tapData) {
    // A passkey signs the tap's position: a tap without one goes with its reason instead.
    if (tapData.fix) await askPasskey(tapData, settings, say);
    await queueTap({
      clientId: tapData.clientId,
      owner: user.id,
      kind: tapData.kind,
      fix: tapData.fix,
      clientAt: tapData.clientAt,
      mode: tapData.mode ?? null,
      note: tapData.note ?? "",
      passkey: tapData.passkey ?? null,
    });
    say(null);
    const key = tapData.kind === "out" ? "attQueue.savedOut" : "attQueue.savedIn";
    result.replaceChildren(message(key, {}, "warn"), passkeyMessage(tapData, null) ?? "");
    announce(key);
  }

  function showProblem(error) {
    say(null);
    const text = problemText(error);
    const alert = h("p", { class: "alert alert--error", attrs: { role: "alert" } });
    if (text.key) translate(alert, text.key);
    else alert.textContent = text.text;
    result.replaceChildren(alert);
  }

  function showLocationError(error) {
    say(null);
    const key = LOCATION_ERRORS[error instanceof FixError ? error.code : "unavailable"];
    const kind = nextAction();
    const withReason = h("button", {
      type: "button",
      class: "button button--secondary",
      t: "attNoLocation.offer",
      on: {
        click: () => {
          const form = noPositionForm(kind, {
            keep: keepForLater,
            recorded: async (checkIn) => {
              showRecorded(checkIn, {}, { reasonGiven: true });
              await refresh();
            },
          });
          withReason.replaceWith(form);
          form.querySelector("input")?.focus();
        },
      },
    });
    result.replaceChildren(
      h(
        "div",
        { class: "alert alert--error", attrs: { role: "alert" } },
        h("p", { class: "alert__title", t: "attLocation.needed" }),
        h("p", { t: key }),
      ),
      // Flag, never block: without a position the tap is still recorded (or queued, offline)
      // with its reason, for the supervisor.
      withReason,
    );
  }

  async function tap() {
    if (working) return;
    const kind = nextAction();
    result.replaceChildren();
    setWorking(true);
    try {
      let fix;
      try {
        fix = await locate();
      } catch (error) {
        showLocationError(error);
        return;
      }
      await record({ kind, fix, clientAt: new Date().toISOString(), clientId: newClientId() }, true);
    } finally {
      setWorking(false);
    }
  }

  async function record(tapData, judgeFirst) {
    if (!navigator.onLine) {
      await keepForLater(tapData);
      return;
    }
    if (judgeFirst) {
      say("attLocation.checking");
      let verdict;
      try {
        verdict = await api.post("/api/attendance/judge", { fix: tapData.fix });
      } catch (error) {
        if (error instanceof ApiError && error.isNetwork) await keepForLater(tapData);
        else showProblem(error);
        return;
      }
      if (verdict.status === "uncertain") {
        showUncertain(tapData, verdict);
        return;
      }
    }
    await askPasskey(tapData, settings, say);
    say("attLocation.sending");
    let checkIn;
    try {
      checkIn = await api.post("/api/attendance/check-ins", {
        clientId: tapData.clientId,
        kind: tapData.kind,
        fix: tapData.fix,
        clientAt: tapData.clientAt,
        offline: false,
        ...(tapData.passkey ? { passkeyAssertion: tapData.passkey } : {}),
      });
    } catch (error) {
      // No answer at all: keep the tap (same clientId, so a late first arrival is harmless).
      if (error instanceof ApiError && error.isNetwork) await keepForLater(tapData);
      else showProblem(error);
      return;
    }
    say(null);
    showRecorded(checkIn, tapData);
    await refresh();
  }

  function showUncertain(tapData, verdict) {
    say(null);
    const text = verdictMessage(verdict);
    const retry = h("button", {
      type: "button",
      class: "button button--primary",
      t: "attUncertain.retry",
      on: {
        click: async () => {
          result.replaceChildren();
          setWorking(true);
          try {
            let fix;
            try {
              fix = await locate();
            } catch (error) {
              showLocationError(error);
              return;
            }
            await record({ ...tapData, fix, clientAt: new Date().toISOString(), passkeyAsked: false }, true);
          } finally {
            setWorking(false);
          }
        },
      },
    });
    const anyway = h("button", {
      type: "button",
      class: "button button--secondary",
      t: "attUncertain.recordAnyway",
      on: {
        click: async () => {
          result.replaceChildren();
          setWorking(true);
          try {
            await record(tapData, false);
          } finally {
            setWorking(false);
          }
        },
      },
    });
    result.replaceChildren(
      h(
        "div",
        { class: "verdict" },
        message(text.key, text.args, "warn"),
        h("div", { class: "button-row" }, retry, anyway),
      ),
    );
    retry.focus();
  }

  function showRecorded(checkIn, tapData, { reasonGiven = false } = {}) {
    const text = verdictMessage(checkIn.verdict, true);
    const recordedKey = checkIn.kind === "out" ? "attResult.recordedOut" : "attResult.recordedIn";
    const parts = [
      h(
        "div",
        { class: `alert ${text.tone === "ok" ? "alert--success" : "alert--warning"} verdict` },
        h("p", { class: "alert__title", t: text.key, args: text.args }),
        h("p", { t: recordedKey, args: { time: formatTime(checkIn.occurredAt) } }),
        checkIn.approval === "pending" ? h("p", { t: "attResult.pending" }) : null,
      ),
    ];
    const badges = findingBadges(checkIn);
    if (badges.length) parts.push(h("p", { class: "badges" }, badges));
    const notes = findingNotes(checkIn);
    if (notes) parts.push(notes);
    const passkeyNote = passkeyMessage(tapData, checkIn);
    if (passkeyNote) parts.push(passkeyNote);
    if (checkIn.approval === "pending" && !reasonGiven) parts.push(reasonForm(checkIn));
    result.replaceChildren(...parts);
    announce(text.key, text.args);
  }

  function reasonForm(checkIn) {
    return checkInReasonForm(checkIn, { onSent: () => refresh() });
  }

  const unsubscribe = onQueueChange(() => refresh());
  ctx.onLeave(unsubscribe);

  return {
    elements: [checkIn.element, todayBox.element],
    async load() {
      await refresh();
      // Anything queued from an earlier visit goes out now (also done at start and "online").
      if (navigator.onLine && queue.some((item) => item.state !== "failed")) flushQueue(signedInId);
    },
  };
}

export const homeView = {
  title: "home.title",
  // Drawn at once, filled when today's answers arrive: the heading and the check-in card are
  // the first paint on a phone (js/page-frame.js), not the last.
  render(ctx) {
    const user = currentUser();
    const panel = attendance(ctx);
    const waiting = waitingCard(ctx);
    ctx.whileLoading(Promise.all([panel.load(), waiting.load()]));
    return h(
      "section",
      { class: "page home" },
      pageHeader({ title: "home.greeting", args: { name: user.name }, eyebrow: todayLine() }),
      flashLine(),
      h("div", { class: "home__grid" }, panel.elements),
      waiting.element,
      pushCard(),
      isAdmin(user) ? usersLink() : null,
    );
  },
};

function todayLine() {
  const todayText = new Intl.DateTimeFormat(locale(), {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "Asia/Kuala_Lumpur",
  }).format(new Date());
  return h("p", { class: "page__eyebrow", text: todayText, attrs: { lang: language() } });
}

function flashLine() {
  const flash = takeFlash();
  return flash ? h("p", { class: "alert alert--success", attrs: { role: "status" }, t: flash }) : null;
}

function usersLink() {
  return h(
    "a",
    { class: "link-card", href: "#/admin/users" },
    icon("users"),
    h(
      "span",
      { class: "link-card__body" },
      h("span", { class: "link-card__title", t: "nav.users" }),
      h("span", { class: "link-card__text", t: "home.usersHint" }),
    ),
  );
}
