// Movement slips (slip pergerakan), the officer's own (phone first): ask in advance to work at
// another office of the agency for a time window (destination, from, until, purpose), see the
// slips asked with their state (pending / approved / rejected / cancelled) and the supervisor's
// note, and cancel one that is still pending or approved (after a confirmation). A check-in
// inside the destination during an approved slip's window needs no further approval.
//
// Times are Malaysian wall-clock times, typed dd/mm/yyyy and a 24-hour hh:mm on every phone
// (forms.js dateTimeField), sent with +08:00.

import { api, ApiError } from "../api.js";
import { badge, formatDateTime } from "../attendance.js";
import { confirmDialog } from "../dialog.js";
import { h, uniqueId } from "../dom.js";
import { busy, dateTimeField, formAlert, isoFromLocal, labelled, localDateTimeValue, problemText } from "../forms.js";
import { translate } from "../i18n.js";
import { pageHeader } from "../page-frame.js";

const PATH = "/api/attendance/movement-slips";
const PURPOSE_MIN = 3;
const PURPOSE_MAX = 500;
const DEFAULT_HOURS = 2;

const STATE = {
  pending: ["slips.statePending", "warn"],
  approved: ["slips.stateApproved", "ok"],
  rejected: ["slips.stateRejected", "bad"],
  cancelled: ["slips.stateCancelled", "neutral"],
};

/** Now rounded up to the next quarter of an hour. */
function nextQuarter() {
  const step = 15 * 60 * 1000;
  return new Date(Math.ceil(Date.now() / step) * step);
}

const FRAME = { title: "slips.title", lead: "slips.lead" };

export const movementSlipsView = {
  title: "slips.title",
  frame: FRAME,
  async render(ctx) {
    let offices = [];
    let officesFailed = false;
    try {
      offices = await api.get("/api/attendance/offices");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      officesFailed = true;
    }

    // ------------------------------------------------------------------ the form
    const alert = formAlert();
    const destination = labelled(
      "slips.destination",
      h(
        "select",
        { class: "input select", name: "destinationId" },
        h("option", { value: "", t: "slips.destinationChoose" }),
        offices.map((office) => h("option", { value: String(office.id), text: office.name })),
      ),
      { required: true },
    );
    const starts = dateTimeField("slips.startsAt", { required: true, hint: "slips.timeHint" });
    const ends = dateTimeField("slips.endsAt", { required: true, hint: "slips.endsHint" });
    const purpose = labelled(
      "slips.purpose",
      h("textarea", {
        class: "input textarea",
        name: "purpose",
        rows: 3,
        attrs: { minlength: String(PURPOSE_MIN), maxlength: String(PURPOSE_MAX) },
      }),
      { required: true, hint: "slips.purposeHint" },
    );
    const fields = { destinationId: destination, startsAt: starts, endsAt: ends, purpose };
    // Moving the start keeps the window's length (two hours unless the officer changed it).
    let length;
    /** From the next quarter of an hour, for two hours (also after each request sent). */
    function defaultWindow() {
      length = DEFAULT_HOURS * 3600 * 1000;
      const from = nextQuarter();
      starts.setLocal(localDateTimeValue(from));
      ends.setLocal(localDateTimeValue(new Date(from.getTime() + length)));
    }
    defaultWindow();
    ends.element.addEventListener("change", () => {
      const from = Date.parse(isoFromLocal(starts.local()));
      const until = Date.parse(isoFromLocal(ends.local()));
      if (from && until && until > from) length = until - from;
    });
    starts.element.addEventListener("change", () => {
      const from = Date.parse(isoFromLocal(starts.local()));
      if (from) ends.setLocal(localDateTimeValue(new Date(from + length)));
    });

    const submit = h("button", { type: "submit", class: "button button--primary", t: "slips.submit" });
    const sent = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const formTitle = uniqueId("slip-form-title");
    const form = h(
      "form",
      { class: "form slip-form", attrs: { novalidate: true, "aria-labelledby": formTitle } },
      h("h2", { id: formTitle, t: "slips.formTitle" }),
      alert.element,
      destination.element,
      h("div", { class: "slip-form__times" }, starts.element, ends.element),
      purpose.element,
      h("div", { class: "button-row" }, submit),
    );
    if (officesFailed || !offices.length) {
      alert.show({ key: officesFailed ? "slips.officesFailed" : "slips.noOffices" });
      submit.disabled = true;
    }

    /** Checks in the app what it can (the server checks again); returns the first bad control. */
    function check() {
      for (const f of Object.values(fields)) f.clear();
      const bad = [];
      if (!destination.control.value) bad.push([destination, "slips.destinationRequired"]);
      const from = starts.local();
      const until = ends.local();
      for (const [f, value] of [
        [starts, from],
        [ends, until],
      ]) {
        if (value === "") bad.push([f, "slips.timeRequired"]);
        else if (value === null) bad.push([f, "dateTime.invalid"]);
      }
      if (from && until && until <= from) bad.push([ends, "slips.endsBeforeStart"]);
      if (purpose.control.value.trim().length < PURPOSE_MIN) bad.push([purpose, "slips.purposeRequired"]);
      for (const [f, key] of bad) f.setError({ key });
      return bad[0]?.[0].control ?? null;
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      alert.clear();
      sent.hidden = true;
      const first = check();
      if (first) {
        first.focus();
        return;
      }
      let slip;
      try {
        slip = await busy(submit, () =>
          api.post(PATH, {
            destinationId: Number(destination.control.value),
            startsAt: isoFromLocal(starts.local()),
            endsAt: isoFromLocal(ends.local()),
            purpose: purpose.control.value.trim(),
          }),
        );
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // The server's own words (in the user's language), at the field they are about.
        let target = null;
        for (const item of error.errors ?? []) {
          const f = fields[item.field];
          if (!f) continue;
          f.setError({ text: item.message });
          target ??= f.control;
        }
        if (!target) alert.show(problemText(error));
        (target ?? alert.element).focus?.();
        return;
      }
      purpose.control.value = "";
      defaultWindow();
      translate(sent, "slips.sent", { destination: slip.destinationName, when: windowText(slip) });
      sent.hidden = false;
      await loadList();
      sent.tabIndex = -1;
      sent.focus();
    });

    // ------------------------------------------------------------------ own slips
    const listAlert = formAlert();
    const listStatus = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const listBody = h("div", { class: "slips__body" });
    const listTitle = uniqueId("slips-title");

    function windowText(slip) {
      return `${formatDateTime(slip.startsAt)} – ${formatDateTime(slip.endsAt)}`;
    }

    async function cancel(slip, button) {
      listAlert.clear();
      listStatus.hidden = true;
      const args = { destination: slip.destinationName, when: windowText(slip) };
      const yes = await confirmDialog({
        titleKey: "slips.cancelTitle",
        textKey: "slips.cancelText",
        args,
        confirmKey: "slips.cancelConfirm",
        danger: true,
        opener: button,
      });
      if (!yes) return;
      try {
        await busy(button, () => api.del(`${PATH}/${slip.id}`));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        listAlert.show(problemText(error));
        // Decided or cancelled meanwhile (409), or gone (404): show the list as it is now.
        if (error.status === 404 || error.status === 409) await loadList();
        return;
      }
      await loadList();
      translate(listStatus, "slips.cancelled", args);
      listStatus.hidden = false;
      listStatus.tabIndex = -1;
      listStatus.focus();
    }

    function slipItem(slip) {
      const [key, tone] = STATE[slip.status] ?? [null, "neutral"];
      const cancellable =
        (slip.status === "pending" || slip.status === "approved") && Date.parse(slip.endsAt) > Date.now();
      return h(
        "li",
        { class: "slip", dataset: { slipId: String(slip.id), status: slip.status } },
        h(
          "div",
          { class: "slip__head" },
          h("h3", { class: "slip__title", text: slip.destinationName }),
          key ? badge(key, tone) : h("span", { class: "badge badge--neutral", text: slip.status }),
        ),
        h("p", { class: "slip__when", text: windowText(slip) }),
        h("p", { class: "slip__purpose", text: slip.purpose }),
        slip.decisionNote
          ? h("p", { class: "slip__note", t: "slips.decisionNote", args: { note: slip.decisionNote } })
          : null,
        cancellable
          ? h("button", {
              type: "button",
              class: "button button--secondary button--danger button--small",
              t: "slips.cancel",
              args: { destination: slip.destinationName, when: windowText(slip) },
              tAttrs: { "aria-label": "slips.cancelFor" },
              on: { click: (event) => cancel(slip, event.currentTarget) },
            })
          : null,
      );
    }

    async function loadList() {
      let slips;
      try {
        slips = await api.get(PATH);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        listAlert.show(problemText(error));
        return;
      }
      if (!ctx.isCurrent()) return;
      listBody.replaceChildren(
        slips.length
          ? h("ul", { class: "slips" }, slips.map(slipItem))
          : h("p", { class: "card__text", t: "slips.none" }),
      );
    }

    await loadList();

    return h(
      "section",
      { class: "page slips-page" },
      pageHeader(FRAME),
      h("section", { class: "card" }, form, sent),
      h(
        "section",
        { class: "card slips-list", attrs: { "aria-labelledby": listTitle } },
        h("h2", { id: listTitle, t: "slips.mine" }),
        listStatus,
        listAlert.element,
        listBody,
      ),
    );
  },
};
