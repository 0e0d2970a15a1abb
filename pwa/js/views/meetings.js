// Meetings (phone and tablet first): my meetings (upcoming / past), the meeting page (notice,
// agenda, my RSVP, the sections of papers, matters arising and minutes), and for the
// secretariat: invitations, the invitation list with answers and representatives, cancelling.
// The private calendar feed ("subscribe in my calendar") is on the list screen.
//
// Meeting notices may be SULIT: they are fetched fresh every time, kept only in memory, and the
// server answers them with Cache-Control: no-store (the service worker never caches /api/).

import { api, ApiError } from "../api.js";
import { append, h, icon, uniqueId } from "../dom.js";
import { confirmDialog } from "../dialog.js";
import { busy, formAlert, labelled, problemText } from "../forms.js";
import { locale, translate } from "../i18n.js";
import { renderPapersSection } from "./meeting-papers.js";
import { renderMattersArising, renderMinutesSection } from "./meeting-followup.js";
import { peopleSearch, problemProps } from "../people-search.js";
import { currentUser, mayReadStatistics } from "../session.js";

const TIME_ZONE = "Asia/Kuala_Lumpur";

export const RSVP_KEYS = {
  needs_action: "meetings.rsvpNeedsAction",
  accepted: "meetings.rsvpAccepted",
  declined: "meetings.rsvpDeclined",
  delegated: "meetings.rsvpDelegated",
};
const RSVP_TONES = { needs_action: "warn", accepted: "ok", declined: "bad", delegated: "neutral" };
const MODE_KEYS = {
  physical: "meetings.modePhysical",
  online: "meetings.modeOnline",
  hybrid: "meetings.modeHybrid",
};
const ROLE_KEYS = {
  chair: "meetings.roleChair",
  member: "meetings.roleMember",
  secretariat: "meetings.roleSecretariat",
  guest: "meetings.roleGuest",
};
const CLASS_TONES = { TERBUKA: "ok", TERHAD: "warn", SULIT: "bad" };

// ------------------------------------------------------------------ shared pieces

export function formatRange(startIso, endIso) {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const day = new Intl.DateTimeFormat(locale(), {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: TIME_ZONE,
  });
  const time = new Intl.DateTimeFormat(locale(), {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: TIME_ZONE,
  });
  const sameDay = day.format(start) === day.format(end);
  if (sameDay) return `${day.format(start)}, ${time.format(start)}–${time.format(end)}`;
  return `${day.format(start)} ${time.format(start)} – ${day.format(end)} ${time.format(end)}`;
}

function badge(key, tone, args) {
  return h("span", { class: `badge badge--${tone}`, t: key, args });
}

function plainBadge(text, tone) {
  return h("span", { class: `badge badge--${tone}`, text });
}

function venueText(meeting) {
  if (meeting.mode === "online") return null;
  return [meeting.room, meeting.venueOfficeName].filter(Boolean).join(", ");
}

function detailsRow(labelKey, ...value) {
  return h("div", { class: "details__row" }, h("dt", { t: labelKey }), h("dd", {}, ...value));
}

function statusBadges(meeting) {
  return [
    plainBadge(meeting.classification, CLASS_TONES[meeting.classification] ?? "neutral"),
    meeting.status === "cancelled" ? badge("meetings.statusCancelled", "bad") : null,
    meeting.status === "draft" ? badge("meetings.statusDraft", "neutral") : null,
  ];
}

// ------------------------------------------------------------------ my meetings

export function meetingCard(meeting) {
  const venue = venueText(meeting);
  const response = meeting.myResponse;
  return h(
    "li",
    { class: "mtg-list__item" },
    h(
      "a",
      { class: "mtg-card", href: `#/meetings/${meeting.id}` },
      h(
        "span",
        { class: "mtg-card__head" },
        h("span", { class: "mtg-card__number", text: meeting.number }),
        h("span", { class: "badges badges--inline" }, statusBadges(meeting)),
      ),
      h("span", { class: "mtg-card__title", text: meeting.displayTitle }),
      meeting.subject ? h("span", { class: "mtg-card__subject", text: meeting.subject }) : null,
      h(
        "span",
        { class: "mtg-card__meta" },
        icon("calendar", "icon icon--small"),
        h("span", { class: "mtg-card__text", text: formatRange(meeting.startsAt, meeting.endsAt) }),
      ),
      h(
        "span",
        { class: "mtg-card__meta" },
        icon("building", "icon icon--small"),
        h(
          "span",
          { class: "mtg-card__text" },
          venue ? h("span", { text: venue }) : null,
          venue && meeting.mode !== "physical" ? " · " : null,
          meeting.mode !== "physical" ? h("span", { t: MODE_KEYS[meeting.mode] }) : null,
        ),
      ),
      h(
        "span",
        { class: "mtg-card__rsvp" },
        response ? badge(RSVP_KEYS[response], RSVP_TONES[response]) : null,
        meeting.representing
          ? badge("meetings.representingBadge", "neutral", { name: meeting.representing })
          : null,
      ),
    ),
  );
}

function feedCard() {
  const titleId = uniqueId("feed-title");
  const body = h("div", { class: "mtg-feed__body" });
  const status = h("p", { class: "mtg-feed__status", attrs: { role: "status" } });
  const alert = formAlert();

  function showUrls(urls) {
    const fieldId = uniqueId("feed-url");
    const input = h("input", {
      id: fieldId,
      class: "input mono",
      readOnly: true,
      value: urls.webcalUrl,
      attrs: { "aria-describedby": `${fieldId}-hint` },
    });
    const copy = h(
      "button",
      {
        type: "button",
        class: "button button--secondary",
        on: {
          click: async () => {
            try {
              await navigator.clipboard.writeText(input.value);
              translate(status, "meetings.feedCopied");
            } catch {
              input.select();
              translate(status, "meetings.feedCopyFailed");
            }
          },
        },
      },
      icon("copy", "icon icon--small"),
      h("span", { t: "meetings.feedCopy" }),
    );
    body.replaceChildren(
      h(
        "div",
        { class: "field" },
        h("label", { class: "field__label", htmlFor: fieldId, t: "meetings.feedUrlLabel" }),
        h("p", { class: "field__hint", id: `${fieldId}-hint`, t: "meetings.feedShownOnce" }),
        h("div", { class: "field__control field__control--copy" }, input, copy),
      ),
      h(
        "div",
        { class: "button-row" },
        h("a", { class: "button button--primary", href: urls.webcalUrl, t: "meetings.feedOpen" }),
        h("a", { class: "button button--secondary", href: urls.httpsUrl, t: "meetings.feedHttps" }),
        revokeButton(),
      ),
    );
  }

  function makeButton(key) {
    const button = h("button", {
      type: "button",
      class: "button button--primary",
      t: key,
      on: {
        click: () =>
          busy(button, async () => {
            alert.clear();
            try {
              showUrls(await api.post("/api/calendar/feed"));
              translate(status, "meetings.feedCreated");
            } catch (error) {
              alert.show(problemText(error));
            }
          }),
      },
    });
    return button;
  }

  function revokeButton() {
    const button = h("button", {
      type: "button",
      class: "button button--secondary button--danger",
      t: "meetings.feedRevoke",
      on: {
        click: async () => {
          const ok = await confirmDialog({
            titleKey: "meetings.feedRevokeTitle",
            textKey: "meetings.feedRevokeText",
            confirmKey: "meetings.feedRevoke",
            danger: true,
            opener: button,
          });
          if (!ok) return;
          try {
            await api.del("/api/calendar/feed");
            translate(status, "meetings.feedRevoked");
            render({ exists: false });
          } catch (error) {
            alert.show(problemText(error));
          }
        },
      },
    });
    return button;
  }

  function render(state) {
    if (state.exists) {
      body.replaceChildren(
        h("p", { class: "card__text", t: "meetings.feedExists" }),
        h("div", { class: "button-row" }, makeButton("meetings.feedReplace"), revokeButton()),
      );
    } else {
      body.replaceChildren(
        h("p", { class: "card__text", t: "meetings.feedLead" }),
        h("div", { class: "button-row" }, makeButton("meetings.feedCreate")),
      );
    }
  }

  api
    .get("/api/calendar/feed")
    .then(render)
    .catch((error) => alert.show(problemText(error)));
  return h(
    "section",
    { class: "card mtg-feed", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId }, icon("calendar", "icon icon--small"), " ", h("span", { t: "meetings.feedTitle" })),
    alert.element,
    body,
    status,
  );
}

export const meetingsView = {
  title: "meetings.title",
  async render(ctx) {
    const when = ctx.query.when === "past" ? "past" : "upcoming";
    const alert = formAlert();
    const list = h("div", { class: "mtg-list__region", attrs: { "aria-live": "polite" } }, h("p", { t: "common.loading" }));
    const tab = (key, target, current) =>
      h("a", {
        class: "mtg-tabs__tab",
        href: target,
        t: key,
        attrs: { "aria-current": current ? "page" : null },
      });
    const newLink = h("a", {
      class: "button button--primary",
      href: "#/meetings/new",
      t: "meetings.new",
      hidden: true,
    });
    const page = h(
      "div",
      { class: "page mtg" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "meetings.title" }),
        h("p", { class: "page__lead", t: "meetings.lead" }),
      ),
      h(
        "nav",
        { class: "mtg-links", tAttrs: { "aria-label": "meetings.linksLabel" } },
        newLink,
        h("a", { class: "button button--secondary", href: "#/meetings/calendar", t: "meetings.calendarLink" }),
        h("a", { class: "button button--secondary", href: "#/actions", t: "meetings.actionsLink" }),
        h("a", { class: "button button--secondary", href: "#/committees", t: "meetings.committeesLink" }),
        // Statistics: only for those the server shows them to (executives, administrators).
        mayReadStatistics(currentUser())
          ? h("a", { class: "button button--secondary", href: "#/meetings/stats", t: "meetings.statsLink" })
          : null,
      ),
      h(
        "div",
        { class: "mtg-tabs" },
        tab("meetings.upcoming", "#/meetings", when === "upcoming"),
        tab("meetings.past", "#/meetings?when=past", when === "past"),
      ),
      alert.element,
      list,
      feedCard(),
    );

    try {
      const [meetings, committees] = await Promise.all([
        api.get("/api/meetings", { when }),
        api.get("/api/committees"),
      ]);
      newLink.hidden = !committees.some((c) => c.myRole === "secretariat");
      if (!meetings.length) {
        list.replaceChildren(
          h("p", { class: "mtg-empty", t: when === "past" ? "meetings.nonePast" : "meetings.noneUpcoming" }),
        );
      } else {
        list.replaceChildren(h("ul", { class: "mtg-list" }, meetings.map(meetingCard)));
      }
    } catch (error) {
      list.replaceChildren();
      alert.show(problemText(error));
    }
    return page;
  },
};

// ------------------------------------------------------------------ the meeting page

function rsvpForm(meeting, onSaved) {
  const mine = meeting.myRsvp;
  const titleId = uniqueId("rsvp-title");
  const alert = formAlert();
  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const current = h("p", { class: "mtg-rsvp__current" });

  function showCurrent(rsvp) {
    current.replaceChildren();
    append(
      current,
      [
      h("span", { t: "meetings.rsvpCurrent" }),
      " ",
      badge(RSVP_KEYS[rsvp.response], RSVP_TONES[rsvp.response]),
      rsvp.response === "declined" && rsvp.declineReason
        ? h("span", { class: "mtg-rsvp__detail", t: "meetings.rsvpReasonLine", args: { reason: rsvp.declineReason } })
        : null,
      rsvp.response === "delegated" && rsvp.representativeName
        ? h("span", {
            class: "mtg-rsvp__detail",
            t: "meetings.rsvpRepresentativeLine",
            args: { name: rsvp.representativeName },
          })
        : null,
      ],
    );
  }
  showCurrent(mine);

  if (!mine.canChange) {
    return h(
      "section",
      { class: "card mtg-rsvp", attrs: { "aria-labelledby": titleId } },
      h("h2", { class: "card__title", id: titleId, t: "meetings.rsvpTitle" }),
      current,
      h("p", {
        class: "card__text",
        t: meeting.status === "cancelled" ? "meetings.rsvpCancelled" : "meetings.rsvpClosed",
      }),
    );
  }

  const name = uniqueId("rsvp");
  const choice = (value, key) => {
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
        checked: mine.response === value,
        on: { change: update },
      }),
      h("label", { class: "choice__label", htmlFor: id, t: key }),
    );
  };
  const reasonId = uniqueId("rsvp-reason");
  const reason = h("textarea", {
    id: reasonId,
    name: "reason",
    class: "input textarea",
    rows: 2,
    value: mine.declineReason ?? "",
    attrs: { maxlength: "500" },
  });
  const reasonError = h("p", { class: "field__error", id: `${reasonId}-error`, hidden: true });
  const reasonField = h(
    "div",
    { class: "field" },
    h("label", { class: "field__label", htmlFor: reasonId, t: "meetings.reasonLabel" }),
    reason,
    reasonError,
  );

  // Representative: a colleague found by name, or a name typed in.
  const hintId = uniqueId("rep-hint");
  const finder = peopleSearch({
    path: `/api/meetings/${meeting.id}/colleagues`,
    emptyKey: "meetings.repNoResults",
    describedBy: hintId,
    pressed: (person) => picked?.id === person.id,
    onPick: (person) => {
      picked = { id: person.id, name: person.name };
      typed.value = "";
      showPicked();
      finder.markPressed(picked);
    },
  });
  const search = finder.input;
  let picked = mine.representativeId ? { id: mine.representativeId, name: mine.representativeName } : null;
  const pickedLine = h("p", { class: "mtg-rep__picked", attrs: { role: "status" } });
  const typedId = uniqueId("rep-name");
  const typed = h("input", {
    id: typedId,
    class: "input",
    value: mine.representativeId ? "" : (mine.representativeName ?? ""),
    attrs: { maxlength: "255", autocomplete: "off", "aria-describedby": `${typedId}-hint` },
  });
  const repError = h("p", { class: "field__error", id: `${finder.id}-error`, hidden: true });

  function showPicked() {
    if (picked) translate(pickedLine, "meetings.repPicked", { name: picked.name });
    else {
      delete pickedLine.dataset.i18n;
      pickedLine.textContent = "";
    }
  }
  showPicked();

  typed.addEventListener("input", () => {
    if (typed.value.trim()) {
      picked = null;
      showPicked();
    }
  });

  const repFields = h(
    "div",
    { class: "mtg-rep" },
    h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: finder.id, t: "meetings.repSearchLabel" }),
      h("p", { class: "field__hint", id: hintId, t: "meetings.repSearchHint" }),
      search,
      repError,
    ),
    finder.results,
    pickedLine,
    h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: typedId, t: "meetings.repTypedLabel" }),
      h("p", { class: "field__hint", id: `${typedId}-hint`, t: "meetings.repTypedHint" }),
      typed,
    ),
  );

  const fieldset = h(
    "fieldset",
    { class: "mtg-rsvp__choices" },
    h("legend", { class: "field__label", t: "meetings.rsvpQuestion" }),
    h(
      "div",
      { class: "choices" },
      choice("accepted", "meetings.rsvpAttend"),
      choice("declined", "meetings.rsvpDecline"),
      choice("delegated", "meetings.rsvpSendRep"),
    ),
  );
  const submit = h("button", { type: "submit", class: "button button--primary", t: "meetings.rsvpSave" });
  const form = h(
    "form",
    { class: "form mtg-rsvp__form", attrs: { novalidate: true } },
    fieldset,
    reasonField,
    repFields,
    h("div", { class: "button-row" }, submit),
  );

  function selected() {
    return form.querySelector(`input[name="${name}"]:checked`)?.value ?? null;
  }

  function update() {
    const value = selected();
    reasonField.hidden = value !== "declined" && value !== "delegated";
    repFields.hidden = value !== "delegated";
  }
  update();

  function clearErrors() {
    alert.clear();
    for (const [el, input] of [
      [reasonError, reason],
      [repError, search],
    ]) {
      el.hidden = true;
      el.textContent = "";
      input.removeAttribute("aria-invalid");
    }
  }

  function fieldError(el, input, message) {
    if (message.key) translate(el, message.key);
    else {
      delete el.dataset.i18n;
      el.textContent = message.text;
    }
    el.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", el.id);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    status.hidden = true;
    const response = selected();
    if (!response) {
      alert.show({ key: "meetings.rsvpChoose" });
      return;
    }
    const body = { response };
    if (response === "declined") {
      body.reason = reason.value.trim();
      if (body.reason.length < 3) {
        fieldError(reasonError, reason, { key: "meetings.reasonRequired" });
        reason.focus();
        return;
      }
    }
    if (response === "delegated") {
      body.reason = reason.value.trim();
      if (picked) body.representativeId = picked.id;
      else if (typed.value.trim()) body.representativeName = typed.value.trim();
      else {
        fieldError(repError, search, { key: "meetings.repRequired" });
        search.focus();
        return;
      }
    }
    busy(submit, async () => {
      try {
        const saved = await api.put(`/api/meetings/${meeting.id}/rsvp`, body);
        showCurrent(saved);
        status.hidden = false;
        translate(status, "meetings.rsvpSaved");
        onSaved?.(saved);
      } catch (error) {
        const fields = error instanceof ApiError ? error.errors : [];
        const forReason = fields.find((f) => f.field === "reason");
        const forRep = fields.find((f) => f.field.startsWith("representative"));
        if (forReason) fieldError(reasonError, reason, { text: forReason.message });
        if (forRep) fieldError(repError, search, { text: forRep.message });
        if (!forReason && !forRep) alert.show(problemText(error));
      }
    });
  });

  return h(
    "section",
    { class: "card mtg-rsvp", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "meetings.rsvpTitle" }),
    current,
    alert.element,
    status,
    form,
  );
}

function invitationList(meeting) {
  const titleId = uniqueId("invitations-title");
  const rows = meeting.invitations ?? [];
  const counts = { accepted: 0, declined: 0, delegated: 0, needs_action: 0 };
  for (const row of rows) counts[row.response] = (counts[row.response] ?? 0) + 1;
  return h(
    "section",
    { class: "card mtg-invitations", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "meetings.invitationsTitle" }),
    rows.length
      ? h(
          "p",
          { class: "card__text", t: "meetings.invitationsSummary", args: { ...counts, total: rows.length } },
        )
      : h("p", { class: "card__text", t: "meetings.invitationsNone" }),
    rows.length
      ? h(
          "ul",
          { class: "mtg-invitations__list" },
          rows.map((row) =>
            h(
              "li",
              { class: "mtg-invitee", dataset: { user: String(row.userId) } },
              h(
                "div",
                { class: "mtg-invitee__head" },
                h("span", { class: "mtg-invitee__name", text: row.name }),
                badge(RSVP_KEYS[row.response], RSVP_TONES[row.response]),
              ),
              h(
                "p",
                { class: "mtg-invitee__meta" },
                h("span", { t: ROLE_KEYS[row.role] ?? "meetings.roleMember" }),
                row.position ? h("span", { text: ` · ${row.position}` }) : null,
              ),
              row.response === "delegated" && row.representativeName
                ? h("p", {
                    class: "mtg-invitee__rep",
                    t: "meetings.invitationRepresentative",
                    args: { name: row.representativeName },
                  })
                : null,
              row.response === "declined" && row.declineReason
                ? h("p", { class: "mtg-invitee__reason", t: "meetings.rsvpReasonLine", args: { reason: row.declineReason } })
                : null,
            ),
          ),
        )
      : null,
  );
}

function guestPicker(meeting) {
  // Optional guests: officers of the agency who are not committee members.
  const guests = new Map();
  const finder = peopleSearch({
    path: `/api/committees/${meeting.committeeId}/candidates`,
    emptyKey: "meetings.repNoResults",
    content: (person) => [h("span", { class: "mtg-rep__name", t: "meetings.guestAdd", args: { name: person.name } })],
    onPick: (person) => {
      guests.set(person.id, person);
      drawChosen();
      finder.clear();
      finder.input.focus();
    },
  });
  const chosen = h("ul", { class: "mtg-guests" });
  function drawChosen() {
    chosen.replaceChildren(
      ...[...guests.values()].map((guest) =>
        h(
          "li",
          { class: "mtg-guests__item" },
          h("span", { text: guest.name }),
          h(
            "button",
            {
              type: "button",
              class: "button button--secondary button--small",
              on: {
                click: () => {
                  guests.delete(guest.id);
                  drawChosen();
                  finder.input.focus();
                },
              },
            },
            h("span", { t: "meetings.guestRemove" }),
            h("span", { class: "visually-hidden", text: ` ${guest.name}` }),
          ),
        ),
      ),
    );
  }
  const element = h(
    "div",
    { class: "mtg-guest-picker" },
    h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: finder.id, t: "meetings.guestLabel" }),
      h("p", { class: "field__hint", t: "meetings.guestHint" }),
      finder.input,
    ),
    finder.results,
    chosen,
  );
  return { element, ids: () => [...guests.keys()] };
}

function secretariatTools(meeting, ctx) {
  const titleId = uniqueId("manage-title");
  const alert = formAlert();
  const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  const cancelled = meeting.status === "cancelled";
  const guests = cancelled ? null : guestPicker(meeting);
  // Officers of other agencies, by the e-mail of their Hadir account (one per line or comma).
  const guestEmails = cancelled ? null : labelled("meetings.guestEmails", h("textarea", { class: "input", name: "guestEmails", rows: 2, attrs: { maxlength: "5000", autocomplete: "off", inputmode: "email" } }), { hint: "meetings.guestEmailsHint" });
  // Told to every invitee, in the notice and the calendar's cancellation.
  const reason = cancelled ? null : labelled("meetings.cancelReason", h("textarea", { class: "input", name: "cancelReason", rows: 2, attrs: { maxlength: "500" } }), { hint: "meetings.cancelReasonHint" });
  const invite = h("button", {
    type: "button",
    class: "button button--primary",
    t: meeting.invitedAt ? "meetings.inviteAgain" : "meetings.invite",
    disabled: cancelled,
    on: {
      click: () =>
        busy(invite, async () => {
          alert.clear();
          try {
            const result = await api.post(`/api/meetings/${meeting.id}/invitations`, {
              guestIds: guests ? guests.ids() : [],
              guestEmails: guestEmails ? guestEmails.control.value.split(/[\s,;]+/).filter(Boolean) : [],
            });
            setTimeout(() => ctx.navigate(`/meetings/${meeting.id}?sent=${result.invited}`, { replace: true }), 0);
          } catch (error) {
            alert.show(problemText(error));
          }
        }),
    },
  });
  const cancel = h("button", {
    type: "button",
    class: "button button--secondary button--danger",
    t: "meetings.cancelMeeting",
    disabled: cancelled,
    on: {
      click: async () => {
        const ok = await confirmDialog({
          titleKey: "meetings.cancelTitle",
          textKey: "meetings.cancelText",
          confirmKey: "meetings.cancelConfirm",
          danger: true,
          opener: cancel,
        });
        if (!ok) return;
        try {
          await api.post(`/api/meetings/${meeting.id}/cancel`, { reason: reason ? reason.control.value.trim() : "" });
          ctx.navigate(`/meetings/${meeting.id}?cancelled=1`, { replace: true });
        } catch (error) {
          alert.show(problemText(error));
        }
      },
    },
  });
  return h(
    "section",
    { class: "card mtg-manage", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "meetings.manageTitle" }),
    h("p", { class: "card__text", t: meeting.invitedAt ? "meetings.manageInvited" : "meetings.manageDraft" }),
    alert.element,
    status,
    guests?.element,
    guestEmails?.element,
    reason?.element,
    h(
      "div",
      { class: "button-row" },
      invite,
      cancelled
        ? null
        : h("a", { class: "button button--secondary", href: `#/meetings/${meeting.id}/edit`, t: "meetings.edit" }),
      h("a", { class: "button button--secondary", href: `#/meetings/${meeting.id}/attendance`, t: "meetings.attendanceLink" }),
      h("a", { class: "button button--secondary", href: `#/meetings/${meeting.id}/room`, t: "meetings.roomLink" }),
      cancel,
    ),
  );
}

export const meetingView = {
  title: "meetings.meetingTitle",
  async render(ctx) {
    const id = Number(ctx.params.id);
    let meeting;
    try {
      meeting = await api.get(`/api/meetings/${id}`);
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      return h(
        "div",
        { class: "page page--narrow" },
        h("h1", { class: "page__title", t: missing ? "meetings.notFound" : "meetings.loadFailed" }),
        missing ? null : h("p", { class: "alert alert--error", ...problemProps(error) }),
        h("a", { class: "button button--secondary", href: "#/meetings", t: "meetings.backToList" }),
      );
    }
    const venue = venueText(meeting);
    const flash = ctx.query.sent
      ? h("p", { class: "alert alert--success", attrs: { role: "status" }, t: "meetings.invitedDone", args: { count: ctx.query.sent } })
      : ctx.query.cancelled
        ? h("p", { class: "alert alert--success", attrs: { role: "status" }, t: "meetings.cancelledDone" })
        : ctx.query.saved
          ? h("p", { class: "alert alert--success", attrs: { role: "status" }, t: "meetings.savedDone" })
          : null;

    const noticeId = uniqueId("notice-title");
    const notice = h(
      "section",
      { class: "card mtg-notice", attrs: { "aria-labelledby": noticeId } },
      h("h2", { class: "card__title", id: noticeId, t: "meetings.noticeTitle" }),
      h(
        "dl",
        { class: "details" },
        detailsRow("meetings.when", h("span", { text: formatRange(meeting.startsAt, meeting.endsAt) })),
        detailsRow("meetings.mode", h("span", { t: MODE_KEYS[meeting.mode] })),
        meeting.statusReason ? detailsRow("meetings.statusReason", h("span", { text: meeting.statusReason })) : null,
        venue ? detailsRow("meetings.venue", h("span", { text: venue })) : null,
        meeting.onlineUrl
          ? detailsRow(
              "meetings.onlineLink",
              h("a", {
                href: meeting.onlineUrl,
                text: meeting.onlineUrl,
                class: "mtg-link",
                attrs: { target: "_blank", rel: "noopener noreferrer" },
              }),
            )
          : null,
        detailsRow("meetings.committee", h("span", { text: meeting.committeeName })),
        meeting.representing?.length
          ? detailsRow("meetings.representingLabel", h("span", { text: meeting.representing.join(", ") }))
          : null,
      ),
    );

    const agendaId = uniqueId("agenda-title");
    const agenda = h(
      "section",
      { class: "card mtg-agenda", attrs: { "aria-labelledby": agendaId } },
      h("h2", { class: "card__title", id: agendaId, t: "meetings.agendaTitle" }),
      meeting.agenda.length
        ? h(
            "ol",
            { class: "mtg-agenda__list" },
            meeting.agenda.map((item) =>
              h(
                "li",
                { class: "mtg-agenda__item" },
                h("span", { class: "mtg-agenda__title", text: item.title }),
                item.presenter ? h("span", { class: "mtg-agenda__presenter", text: item.presenter }) : null,
                item.description ? h("p", { class: "mtg-agenda__text", text: item.description }) : null,
              ),
            ),
          )
        : h("p", { class: "card__text", t: "meetings.agendaNone" }),
    );

    const checkIn =
      meeting.status === "scheduled" && (meeting.myRsvp || meeting.representing?.length)
        ? h("a", { class: "button button--secondary", href: `#/meetings/${meeting.id}/check-in`, t: "meetings.checkInLink" })
        : null;

    const mattersArising = h("section", { class: "mtg-section mtg-section--arising" });
    const papers = h("section", { class: "mtg-section mtg-section--papers" });
    const minutes = h("section", { class: "mtg-section mtg-section--minutes" });

    const page = h(
      "div",
      { class: "page mtg mtg-page" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", text: meeting.displayTitle }),
        meeting.subject ? h("p", { class: "page__lead", text: meeting.subject }) : null,
        h("p", { class: "badges" }, statusBadges(meeting)),
      ),
      flash,
      h(
        "div",
        { class: "mtg-page__grid" },
        h(
          "div",
          { class: "mtg-page__main" },
          notice,
          meeting.myRsvp && meeting.myRsvp.role !== "secretariat" ? rsvpForm(meeting) : null,
          agenda,
          mattersArising,
          papers,
          minutes,
        ),
        h(
          "div",
          { class: "mtg-page__side" },
          meeting.canManage ? secretariatTools(meeting, ctx) : null,
          meeting.canManage ? invitationList(meeting) : null,
          h(
            "nav",
            { class: "card mtg-page__links", tAttrs: { "aria-label": "meetings.moreTitle" } },
            h("h2", { class: "card__title", t: "meetings.moreTitle" }),
            h(
              "div",
              { class: "button-row" },
              checkIn,
              meeting.canReadContent
                ? h("a", { class: "button button--secondary", href: `#/meetings/${meeting.id}/minutes`, t: "meetings.minutesLink" })
                : null,
              h("a", { class: "button button--secondary", href: "#/meetings/calendar", t: "meetings.calendarLink" }),
              h("a", { class: "button button--secondary", href: "#/meetings", t: "meetings.backToList" }),
            ),
          ),
        ),
      ),
    );
    // The other areas fill their own sections (they may load more from the server).
    queueMicrotask(() => {
      for (const [container, fill] of [
        [mattersArising, renderMattersArising],
        [papers, renderPapersSection],
        [minutes, renderMinutesSection],
      ]) {
        Promise.resolve()
          .then(() => fill(container, meeting))
          .catch(() => container.replaceChildren());
      }
    });
    return page;
  },
};
