// Calendar days as the attendance screens use them: "YYYY-MM-DD" keys and "YYYY-MM" months in
// Malaysian time, whatever the phone's own time zone, and their words in the user's language.
// (One copy for views/my-attendance.js, team.js and warnings.js; the meetings calendar,
// dashboard and reports may use it too.)

import { locale } from "./i18n.js";

export const TIME_ZONE = "Asia/Kuala_Lumpur";

/** "YYYY-MM-DD" of a moment (a Date, default now) in Malaysian time. */
export function dayKey(date = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(date);
}

/** Today's key in Malaysia, moved by `days` (negative: earlier). */
export function todayKey(days = 0) {
  return days ? addDays(dayKey(), days) : dayKey();
}

/** The Date of a day key: noon in Malaysia, safe from any date edge. */
export function parseDay(key) {
  const [y, m, d] = key.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d, 4));
}

export function addDays(key, days) {
  const date = parseDay(key);
  date.setUTCDate(date.getUTCDate() + days);
  return dayKey(date);
}

/** "2026-11" moved by `step` months. */
export function addMonths(month, step) {
  const [y, m] = month.split("-").map(Number);
  return dayKey(new Date(Date.UTC(y, m - 1 + step, 1, 4))).slice(0, 7);
}

/** Every day key of a month, in order. */
export function monthDays(month) {
  const keys = [];
  for (let key = `${month}-01`; key.startsWith(month); key = addDays(key, 1)) keys.push(key);
  return keys;
}

/** A day key in words (Intl options), in the user's language. */
export function formatDay(key, options) {
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", ...options }).format(parseDay(key));
}

export const longDay = (key) => formatDay(key, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
export const monthTitle = (month) => formatDay(`${month}-01`, { month: "long", year: "numeric" });
