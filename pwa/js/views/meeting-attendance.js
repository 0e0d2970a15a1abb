// The meeting day: the secretariat's attendance sheet (tablet first, big touch targets, live
// quorum), the room screen with the rotating QR code, and a member's own check-in (with the
// room's code from the QR link, or the phone's position at the venue).
//
// The sheet polls every POLL_MS with If-None-Match: the server answers 304 while nothing
// changed, so a tablet left open on the table costs almost nothing. Nothing here is cached by
// the service worker (API answers are no-store).

import { api, getIfChanged } from "../api.js";
import { formatTime } from "../attendance.js";
import { announce, h, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
import { FixError, freshFix } from "../geo.js";
import { translate } from "../i18n.js";

const POLL_MS = 8000;

const ROLE = {
  chair: "meetingDay.roleChair",
  member: "meetingDay.roleMember",
  secretariat: "meetingDay.roleSecretariat",
  guest: "meetingDay.roleGuest",
};
const STATE = {
  "": "meetingDay.stateUnmarked",
  present: "meetingDay.statePresent",
  absent: "meetingDay.stateAbsent",
  represented: "meetingDay.stateRepresented",
};
const STATE_TONE = { "": "neutral", present: "ok", absent: "bad", represented: "ok" };
const METHOD = {
  qr: "meetingDay.methodQr",
  geofence: "meetingDay.methodGeofence",
  secretariat: "meetingDay.methodSecretariat",
};

/** Keeps the RSVP's representative (a colleague with an account) unless another name is typed. */
function representedBody(attendee, name) {
  if (attendee.representativeId && name === attendee.representativeName) return { attendance: "represented" };
  return { attendance: "represented", representativeName: name };
}

function quorumBanner(element, quorum) {
  element.className = `md-quorum ${quorum.reached ? "md-quorum--ok" : "md-quorum--short"}`;
  const args = { present: quorum.present, total: quorum.votingMembers, needed: quorum.needed };
  translate(element, quorum.reached ? "meetingDay.quorumReached" : "meetingDay.quorumShort", args);
}

function officialList(sheet) {
  return h(
    "ol",
    { class: "md-official" },
    sheet.lines.map((line) =>
      /^\d+\. /.test(line)
        ? h("li", { class: "md-official__entry", text: line })
        : h("li", { class: "md-official__heading", text: line }),
    ),
  );
}

export const meetingAttendanceView = {
  title: "meetingDay.attendanceTitle",
  async render(ctx) {
    const meetingId = ctx.params.id;
    const alert = formAlert();
    const quorum = h("p", { class: "md-quorum", attrs: { role: "status", "aria-live": "polite" } });
    const closed = h("p", { class: "alert alert--warning", t: "meetingDay.markingClosed", hidden: true });
    const list = h("ul", { class: "md-people", tAttrs: { "aria-label": "meetingDay.attendees" } });
    const listRegion = h("div", { class: "md-official-region" });
    const heading = h("h1", { class: "page__title", t: "meetingDay.attendanceTitle" });
    const eyebrow = h("p", { class: "page__eyebrow" });
    const rows = new Map();
    let etag = null;
    const sheetPath = `/api/meetings/${meetingId}/attendance`;
    let open = true;

    async function refreshList() {
      try {
        const sheet = await api.get(`/api/meetings/${meetingId}/attendance-list`);
        listRegion.replaceChildren(officialList(sheet));
      } catch {
        // The list is a convenience on this screen: the sheet above is what matters.
      }
    }

    async function save(attendee, body, button) {
      alert.clear();
      try {
        const sheet = await busy(button, () =>
          api.put(`/api/meetings/${meetingId}/attendance/${attendee.invitationId}`, body),
        );
        etag = null;
        apply(sheet);
        announce("meetingDay.saved", { name: attendee.name });
        refreshList();
        return true;
      } catch (error) {
        alert.show(problemText(error));
        return false;
      }
    }

    function row(attendee) {
      const id = uniqueId("md-person");
      const state = h("span", { class: "badge" });
      const detail = h("p", { class: "md-person__detail" });
      const editor = h("div", { class: "md-person__editor", hidden: true });
      const buttons = {};
      const make = (kind, key, handler) => {
        buttons[kind] = h("button", {
          type: "button",
          class: "button button--secondary md-mark",
          t: key,
          attrs: { "aria-pressed": "false", "aria-describedby": `${id}-name` },
          on: { click: handler },
        });
        return buttons[kind];
      };
      const current = { attendee };
      const openEditor = (kind) => {
        const inputId = uniqueId(`md-${kind}`);
        const input = h("input", {
          id: inputId,
          class: "input",
          type: "text",
          attrs: { maxlength: kind === "absent" ? "500" : "255", autocomplete: "off" },
        });
        if (kind === "absent") input.value = current.attendee.absenceReason || current.attendee.declineReason || "";
        else input.value = current.attendee.representativeName || "";
        const saveButton = h("button", {
          type: "submit",
          class: "button button--primary",
          t: kind === "absent" ? "meetingDay.saveAbsent" : "meetingDay.saveRepresented",
        });
        const form = h(
          "form",
          {
            class: "md-person__form",
            attrs: { novalidate: true },
            on: {
              submit: async (event) => {
                event.preventDefault();
                const body =
                  kind === "absent"
                    ? { attendance: "absent", reason: input.value.trim() }
                    : representedBody(current.attendee, input.value.trim());
                if (await save(current.attendee, body, saveButton)) {
                  editor.hidden = true;
                  editor.replaceChildren();
                  buttons[kind].focus();
                }
              },
            },
          },
          h("label", {
            class: "field__label",
            htmlFor: inputId,
            t: kind === "absent" ? "meetingDay.reasonLabel" : "meetingDay.representativeLabel",
            args: { name: current.attendee.name },
          }),
          h("div", { class: "md-person__form-row" }, input, saveButton),
        );
        editor.replaceChildren(form);
        editor.hidden = false;
        input.focus();
      };
      const element = h(
        "li",
        { class: "md-person" },
        h(
          "div",
          { class: "md-person__head" },
          h("div", {}, h("p", { class: "md-person__name", id: `${id}-name`, text: attendee.name }), h("p", { class: "md-person__role", t: ROLE[attendee.role] ?? "meetingDay.roleMember" })),
          state,
        ),
        detail,
        h(
          "div",
          { class: "md-person__actions" },
          make("present", "meetingDay.markPresent", (event) =>
            save(current.attendee, { attendance: "present" }, event.currentTarget),
          ),
          make("absent", "meetingDay.markAbsent", () => openEditor("absent")),
          make("represented", "meetingDay.markRepresented", () => openEditor("represented")),
        ),
        editor,
      );
      const update = (next) => {
        current.attendee = next;
        state.className = `badge badge--${STATE_TONE[next.attendance] ?? "neutral"}`;
        translate(state, STATE[next.attendance] ?? STATE[""]);
        for (const [kind, button] of Object.entries(buttons)) {
          button.setAttribute("aria-pressed", String(next.attendance === kind));
          button.classList.toggle("md-mark--on", next.attendance === kind);
          button.disabled = !open;
        }
        if (next.attendance === "represented") {
          translate(detail, "meetingDay.detailRepresented", { name: next.representativeName || "—" });
        } else if (next.attendance === "absent") {
          translate(detail, "meetingDay.detailAbsent", { reason: next.absenceReason });
        } else if (next.attendance === "present" && next.checkedInAt) {
          translate(detail, "meetingDay.detailPresent", { time: formatTime(next.checkedInAt) });
          const method = METHOD[next.checkinMethod];
          if (method) detail.append(" · ", h("span", { t: method }));
        } else if (next.response === "delegated" && next.representativeName) {
          translate(detail, "meetingDay.detailRsvpDelegated", { name: next.representativeName });
        } else if (next.response === "declined") {
          translate(detail, "meetingDay.detailRsvpDeclined", { reason: next.declineReason || "—" });
        } else {
          detail.textContent = "";
          delete detail.dataset.i18n;
        }
        detail.hidden = !detail.textContent;
      };
      return { element, update };
    }

    function apply(sheet) {
      open = sheet.markingOpen;
      closed.hidden = open;
      eyebrow.textContent = `${sheet.number} · ${sheet.title}`;
      quorumBanner(quorum, sheet.quorum);
      for (const attendee of sheet.attendees) {
        let entry = rows.get(attendee.invitationId);
        if (!entry) {
          entry = row(attendee);
          rows.set(attendee.invitationId, entry);
          list.append(entry.element);
        }
        entry.update(attendee);
      }
    }

    async function poll() {
      if (document.hidden) return;
      try {
        const result = await getIfChanged(sheetPath, etag);
        if (!result.notModified) {
          etag = result.etag;
          apply(result.data);
        }
      } catch {
        // Offline for a moment: the next poll tries again; the banner says we are offline.
      }
    }

    let first;
    try {
      first = await getIfChanged(sheetPath, null);
    } catch (error) {
      return h(
        "section",
        { class: "page" },
        h("h1", { class: "page__title", t: "meetingDay.attendanceTitle" }),
        h("p", { class: "alert alert--error", attrs: { role: "alert" }, ...textOf(error) }),
      );
    }
    etag = first.etag;
    apply(first.data);
    refreshList();
    const timer = setInterval(poll, POLL_MS);
    ctx.onLeave(() => clearInterval(timer));

    return h(
      "section",
      { class: "page md-attendance" },
      h(
        "header",
        { class: "page__header" },
        eyebrow,
        heading,
        h(
          "div",
          { class: "button-row" },
          h("a", { class: "button button--secondary", href: `#/meetings/${meetingId}/room`, t: "meetingDay.openRoom" }),
          h("a", { class: "button button--secondary", href: `#/meetings/${meetingId}`, t: "meetingDay.backToMeeting" }),
        ),
      ),
      quorum,
      closed,
      alert.element,
      list,
      h(
        "section",
        { class: "card md-official-card" },
        h("h2", { class: "card__title", t: "meetingDay.officialList" }),
        listRegion,
      ),
    );
  },
};

function textOf(error) {
  const problem = problemText(error);
  return problem.key ? { t: problem.key } : { text: problem.text };
}

export const meetingRoomView = {
  title: "meetingDay.roomTitle",
  async render(ctx) {
    const meetingId = ctx.params.id;
    const image = h("img", { class: "md-room__qr", tAttrs: { alt: "meetingDay.qrAlt" }, width: 360, height: 360 });
    const code = h("p", { class: "md-room__code mono" });
    const countdown = h("p", { class: "md-room__countdown", attrs: { "aria-live": "off" } });
    const title = h("p", { class: "md-room__meeting" });
    const problem = formAlert();
    let secondsLeft = 0;
    let loading = false;

    async function load() {
      if (loading) return;
      loading = true;
      try {
        const room = await api.get(`/api/meetings/${meetingId}/room-code`);
        image.src = room.qrSvg;
        code.textContent = room.code;
        title.textContent = `${room.number} · ${room.title}`;
        secondsLeft = room.secondsLeft;
        problem.clear();
      } catch (error) {
        problem.show(problemText(error));
        secondsLeft = 5;
      } finally {
        loading = false;
        tick();
      }
    }

    function tick() {
      translate(countdown, "meetingDay.roomCountdown", { seconds: Math.max(secondsLeft, 0) });
    }

    await load();
    const timer = setInterval(() => {
      secondsLeft -= 1;
      if (secondsLeft <= 0) load();
      else tick();
    }, 1000);
    ctx.onLeave(() => clearInterval(timer));

    const fullScreen = h("button", {
      type: "button",
      class: "button button--secondary md-room__full",
      t: "meetingDay.fullScreen",
      on: { click: () => document.documentElement.requestFullscreen?.().catch(() => {}) },
    });
    return h(
      "section",
      { class: "md-room" },
      h("h1", { class: "md-room__title", t: "meetingDay.roomHeading" }),
      title,
      problem.element,
      h("div", { class: "md-room__frame" }, image),
      h("p", { class: "md-room__hint", t: "meetingDay.roomHint" }),
      code,
      countdown,
      fullScreen,
    );
  },
};

export const meetingCheckInView = {
  title: "meetingDay.checkInTitle",
  async render(ctx) {
    const meetingId = ctx.params.id;
    const result = h("div", { class: "md-result", attrs: { role: "status", "aria-live": "polite" } });
    const progress = h("p", { class: "checkin__progress", hidden: true });

    function show(kind, key, args) {
      result.replaceChildren(
        h("p", { class: `alert ${kind === "ok" ? "alert--success" : "alert--error"} md-result__text`, t: key, args }),
      );
    }
    function showProblem(error) {
      const text = problemText(error);
      result.replaceChildren(
        h("p", { class: "alert alert--error md-result__text", ...(text.key ? { t: text.key } : { text: text.text }) }),
      );
    }
    function done(checkIn) {
      const args = { time: formatTime(checkIn.checkedInAt), name: checkIn.representing };
      if (checkIn.replayed) show("ok", "meetingDay.checkInAlready", args);
      else if (checkIn.attendance === "represented") show("ok", "meetingDay.checkInRepresenting", args);
      else show("ok", "meetingDay.checkInDone", args);
    }

    async function send(body) {
      try {
        done(await api.post(`/api/meetings/${meetingId}/check-in`, body));
        return true;
      } catch (error) {
        showProblem(error);
        return false;
      }
    }

    const here = h("button", {
      type: "button",
      class: "button button--primary button--huge button--block",
      t: "meetingDay.checkInHere",
      on: {
        click: () =>
          busy(here, async () => {
            progress.hidden = false;
            translate(progress, "meetingDay.locating");
            try {
              const fix = await freshFix({
                onProgress: (accuracy) => translate(progress, "meetingDay.locatingAccuracy", { accuracy: Math.round(accuracy) }),
              });
              progress.hidden = true;
              await send({ fix: { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy } });
            } catch (error) {
              progress.hidden = true;
              if (error instanceof FixError) {
                show("bad", error.code === "denied" ? "meetingDay.locationDenied" : "meetingDay.locationUnavailable");
              } else showProblem(error);
            }
          }),
      },
    });

    const code = ctx.query.code;
    if (code) {
      // Opened from the room's QR code: check in straight away, then drop the code from the
      // address (it expires within a minute anyway).
      await send({ code });
      history.replaceState(null, "", `#/meetings/${meetingId}/check-in`);
    }
    return h(
      "section",
      { class: "page page--narrow md-checkin" },
      h("header", { class: "page__header" }, h("h1", { class: "page__title", t: "meetingDay.checkInTitle" }), h("p", { class: "page__lead", t: "meetingDay.checkInLead" })),
      result,
      h("div", { class: "card" }, h("p", { class: "card__text", t: "meetingDay.checkInHereHint" }), here, progress),
      h("a", { class: "button button--link", href: `#/meetings/${meetingId}`, t: "meetingDay.backToMeeting" }),
    );
  },
};
