// Attendance words shared by the home screen and the supervisor's approvals: verdicts, day
// statuses, approval states, modes and plausibility findings, each as a catalogue key (written
// out in full so the catalogue test can see every key in use), and the mode radio group.

import { api, ApiError } from "./api.js";
import { h, uniqueId } from "./dom.js";
import { locale, t } from "./i18n.js";

export const TIME_ZONE = "Asia/Kuala_Lumpur";

/** Day status -> [catalogue key, tone]; tone picks the badge colour (the text says it too). */
export const DAY_STATUS = {
  present: ["attStatus.present", "ok"],
  late_in: ["attStatus.lateIn", "warn"],
  early_out: ["attStatus.earlyOut", "warn"],
  late_in_and_early_out: ["attStatus.lateInAndEarlyOut", "warn"],
  incomplete: ["attStatus.incomplete", "warn"],
  absent: ["attStatus.absent", "bad"],
  on_leave: ["attStatus.onLeave", "neutral"],
  public_holiday: ["attStatus.publicHoliday", "neutral"],
  weekend: ["attStatus.weekend", "neutral"],
  clock_broken: ["attStatus.clockBroken", "neutral"],
  external_pending: ["attStatus.externalPending", "warn"],
  external_approved: ["attStatus.externalApproved", "ok"],
  external_rejected: ["attStatus.externalRejected", "bad"],
  in_progress: ["attStatus.inProgress", "ok"],
  not_checked_in: ["attStatus.notCheckedIn", "neutral"],
};

export const APPROVAL = {
  pending: ["attApproval.pending", "warn"],
  approved: ["attApproval.approved", "ok"],
  rejected: ["attApproval.rejected", "bad"],
};

export const MODES = {
  official_duty: "attMode.officialDuty",
  work_from_home: "attMode.workFromHome",
  other: "attMode.other",
};

export const KIND = { in: "attKind.in", out: "attKind.out" };

export const FINDINGS = {
  impossible_speed: "attFinding.impossibleSpeed",
  repeated_fix: "attFinding.repeatedFix",
  stale_fix: "attFinding.staleFix",
  clock_skew: "attFinding.clockSkew",
  late_sync: "attFinding.lateSync",
  passkey_missing: "attFinding.passkeyMissing",
  passkey_invalid: "attFinding.passkeyInvalid",
  synced_after_day: "attFinding.syncedAfterDay",
  clock_ahead: "attFinding.clockAhead",
  mock_accuracy: "attFinding.mockAccuracy",
  no_position: "attFinding.noPosition",
};

export function formatTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: TIME_ZONE,
  }).format(new Date(iso));
}

export function formatDateTime(iso) {
  return new Intl.DateTimeFormat(locale(), {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: TIME_ZONE,
  }).format(new Date(iso));
}

/** "17:00:00" (a wall-clock time from the server) -> "17:00". */
export function formatClock(value) {
  return value ? String(value).slice(0, 5) : "";
}

function metres(value) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(Math.abs(value ?? 0));
}

/** The verdict in plain words: {key, args, tone}; tone "ok" | "warn". */
export function verdictMessage(verdict, recorded = false) {
  const args = {
    office: verdict.officeName ?? "",
    distance: metres(verdict.distanceM),
    accuracy: metres(verdict.accuracyM),
  };
  if (verdict.status === "inside") return { key: "attVerdict.inside", args, tone: "ok" };
  // Recorded without a position (location refused): nothing was measured.
  if (verdict.reason?.startsWith("no position")) return { key: "attVerdict.noPosition", args, tone: "warn" };
  if (verdict.status === "uncertain") {
    return { key: recorded ? "attVerdict.uncertainRecorded" : "attVerdict.uncertain", args, tone: "warn" };
  }
  if (!verdict.officeName) return { key: "attVerdict.outsideNoOffice", args, tone: "warn" };
  return { key: "attVerdict.outside", args, tone: "warn" };
}

export function badge(key, tone, args) {
  return h("span", { class: `badge badge--${tone}`, t: key, args });
}

/**
 * Badges for what the supervisor should weigh: plausibility findings (a missing or refused
 * passkey confirmation among them), sync, and "confirmed with passkey" unless `passkey` is
 * false (the approvals card says that in its own row).
 */
export function findingBadges(checkIn, { passkey = true } = {}) {
  const badges = [];
  for (const finding of checkIn.findings ?? []) {
    if (finding.code === "late_sync" && checkIn.lateSync) continue; // shown once below
    const key = FINDINGS[finding.code];
    badges.push(
      key
        ? h("span", { class: "badge badge--warn", t: key })
        : h("span", { class: "badge badge--warn", text: finding.message || finding.code }),
    );
  }
  if (checkIn.lateSync) badges.push(badge("attFinding.lateSync", "warn"));
  else if (checkIn.offline) badges.push(badge("attFinding.offline", "neutral"));
  if (passkey && checkIn.passkeyConfirmed) badges.push(badge("attFinding.passkeyConfirmed", "ok"));
  return badges;
}

const FINDING_HELP = {
  impossible_speed: "attFinding.impossibleSpeedHelp",
  repeated_fix: "attFinding.repeatedFixHelp",
  stale_fix: "attFinding.staleFixHelp",
  clock_skew: "attFinding.clockSkewHelp",
  late_sync: "attFinding.lateSyncHelp",
  passkey_missing: "attFinding.passkeyMissingHelp",
  passkey_invalid: "attFinding.passkeyInvalidHelp",
  no_position: "attFinding.noPositionHelp",
};

/**
 * What each plausibility sign means, in the reader's language and always on the screen (a
 * hover tooltip is neither read on a phone nor translated): a list under the badges, or null.
 */
export function findingNotes(checkIn) {
  const codes = [...new Set((checkIn.findings ?? []).map((f) => f.code))].filter((code) => FINDING_HELP[code]);
  if (checkIn.lateSync && !codes.includes("late_sync")) codes.push("late_sync");
  // The approvals card says "confirmed with passkey" in its own row; the rest are signs.
  if (!codes.length) return null;
  return h(
    "ul",
    { class: "finding-notes" },
    codes.map((code) =>
      h(
        "li",
        {},
        h("span", { class: "finding-notes__term", t: FINDINGS[code] }),
        ": ",
        h("span", { t: FINDING_HELP[code] }),
      ),
    ),
  );
}

/** The mode radio group (a fieldset with a legend; each radio has its label). */
export function modeChoice(selected) {
  const name = uniqueId("mode");
  const group = h(
    "fieldset",
    { class: "choices" },
    h("legend", { class: "field__label", t: "attReason.modeLabel" }),
    Object.entries(MODES).map(([value, key]) => {
      const id = `${name}-${value}`;
      return h(
        "div",
        { class: "choice" },
        h("input", {
          type: "radio",
          name,
          id,
          value,
          class: "choice__input",
          checked: value === (selected ?? "official_duty"),
        }),
        h("label", { class: "choice__label", htmlFor: id, t: key }),
      );
    }),
  );
  return {
    element: group,
    value: () => group.querySelector("input:checked")?.value ?? "other",
  };
}

/** Title text for screen readers and tooltips where a name alone is ambiguous. */
export function kindText(kind) {
  return t(KIND[kind] ?? KIND.in);
}

// The agency's check-in settings ({passkeyRequired, rpId, passkeyCredentialIds}: is a passkey
// confirmation required, and what the app needs to ask for it), remembered per person on this
// device so that a tap made offline, even after a restart, is still confirmed. No attendance
// data in it.
const SETTINGS_KEY = "hadir-checkin-settings";

export async function loadCheckInSettings(userId) {
  const key = `${SETTINGS_KEY}:${userId}`;
  try {
    const settings = await api.get("/api/attendance/settings");
    try {
      localStorage.setItem(key, JSON.stringify(settings));
    } catch {
      // Storage full or refused: the settings still hold for this visit.
    }
    return settings;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    try {
      return JSON.parse(localStorage.getItem(key) ?? "null");
    } catch {
      return null;
    }
  }
}

/** What happened on an officer's day, event -> catalogue key (issue kinds come from the caller). */
export const HISTORY_EVENT = {
  recorded: "attHistory.recorded",
  reason: "attHistory.reason",
  approved: "attHistory.approved",
  rejected: "attHistory.rejected",
  issue_opened: "attHistory.issueOpened",
  justified: "attHistory.justified",
  issue_approved: "attHistory.issueApproved",
  issue_rejected: "attHistory.issueRejected",
  issue_closed: "attHistory.issueClosed",
};

/**
 * "History" of an officer's day (who decided what, when, with which note), loaded from `url`
 * (/api/attendance/issues/{id}/history or /check-ins/{id}/history) the first time it is opened.
 */
export function dayHistory(url) {
  const list = h("ol", { class: "history" });
  const details = h(
    "details",
    { class: "history__box" },
    h("summary", { t: "attHistory.title" }),
    list,
  );
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    list.replaceChildren(h("li", { t: "common.wait" }));
    try {
      const history = await api.get(url);
      list.replaceChildren(
        ...history.events.map((event) =>
          h(
            "li",
            { class: "history__event", dataset: { event: event.event } },
            event.at ? h("time", { attrs: { datetime: event.at }, text: `${formatDateTime(event.at)} · ` }) : null,
            h("strong", { t: HISTORY_EVENT[event.event] ?? "attHistory.other" }),
            event.actorName ? ` · ${event.actorName}` : null,
            event.note && event.event !== "issue_closed" ? h("q", { class: "history__note", text: event.note }) : null,
          ),
        ),
      );
    } catch (error) {
      loaded = false;
      list.replaceChildren(h("li", { t: error instanceof ApiError && error.status === 404 ? "attHistory.none" : "error.unexpected" }));
    }
  });
  return details;
}
/** The working-hour patterns with their meaning ("WBF" → flexible hours …). */
export const PATTERN_NAMES = {
  WP1: "pattern.wp1",
  WP2: "pattern.wp2",
  WP3: "pattern.wp3",
  WP4: "pattern.wp4",
  WP5: "pattern.wp5",
  WP6: "pattern.wp6",
  WBF: "pattern.wbf",
  WBF_RAMADAN: "pattern.wbfRamadan",
};
