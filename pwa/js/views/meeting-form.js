// The secretariat's meeting form (tablet and desktop first, usable on a phone): committee,
// subject, start / end (Malaysian time), mode with venue office + room and/or the online link,
// classification and agenda items. Creating gives the meeting its number ("Bil. N/YYYY");
// saving changes after the invitations went out sends everyone an update.

import { api, ApiError } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, dateTimeField, formAlert, isoFromLocal, labelled, localDateTimeValue, problemText } from "../forms.js";

function agendaEditor(initial) {
  // Rows: {id?: server id, title, input}
  const list = h("ol", { class: "mtg-agenda-edit__list" });
  const rows = [];

  function move(row, delta) {
    const index = rows.indexOf(row);
    const target = index + delta;
    if (target < 0 || target >= rows.length) return;
    rows.splice(index, 1);
    rows.splice(target, 0, row);
    render();
    row.input.focus();
  }

  function remove(row) {
    const index = rows.indexOf(row);
    rows.splice(index, 1);
    render();
    (rows[index] ?? rows[index - 1])?.input.focus();
  }

  function add(item = { title: "" }) {
    const input = h("input", { class: "input", value: item.title, attrs: { maxlength: "500" } });
    const row = { id: item.id ?? null, input };
    rows.push(row);
    render();
    return row;
  }

  function render() {
    list.replaceChildren(
      ...rows.map((row, index) => {
        const id = uniqueId("agenda-item");
        row.input.id = id;
        const up = h(
          "button",
          { type: "button", class: "button button--secondary button--small", disabled: index === 0, on: { click: () => move(row, -1) } },
          h("span", { t: "meetings.agendaUp" }),
          h("span", { class: "visually-hidden", t: "meetings.agendaItemLabel", args: { n: index + 1 } }),
        );
        const down = h(
          "button",
          {
            type: "button",
            class: "button button--secondary button--small",
            disabled: index === rows.length - 1,
            on: { click: () => move(row, 1) },
          },
          h("span", { t: "meetings.agendaDown" }),
          h("span", { class: "visually-hidden", t: "meetings.agendaItemLabel", args: { n: index + 1 } }),
        );
        const del = h(
          "button",
          { type: "button", class: "button button--secondary button--small button--danger", on: { click: () => remove(row) } },
          h("span", { t: "meetings.agendaRemove" }),
          h("span", { class: "visually-hidden", t: "meetings.agendaItemLabel", args: { n: index + 1 } }),
        );
        return h(
          "li",
          { class: "mtg-agenda-edit__item" },
          h("label", { class: "visually-hidden", htmlFor: id, t: "meetings.agendaItemLabel", args: { n: index + 1 } }),
          row.input,
          h("div", { class: "button-row button-row--tight" }, up, down, del),
        );
      }),
    );
  }

  for (const item of initial) add(item);
  const addButton = h(
    "button",
    {
      type: "button",
      class: "button button--secondary",
      on: { click: () => add().input.focus() },
    },
    h("span", { t: "meetings.agendaAdd" }),
  );
  const element = h(
    "fieldset",
    { class: "mtg-agenda-edit" },
    h("legend", { class: "field__label", t: "meetings.agendaTitle" }),
    list,
    addButton,
  );
  return {
    element,
    items: () =>
      rows.map((row) => ({ id: row.id, title: row.input.value.trim() })).filter((row) => row.title),
  };
}

export const meetingFormView = {
  title: "meetings.formTitle",
  async render(ctx) {
    const editing = ctx.params.id ? Number(ctx.params.id) : null;
    const alert = formAlert();
    let meeting = null;
    let committees = [];
    let venues = [];
    try {
      [committees, venues, meeting] = await Promise.all([
        api.get("/api/committees"),
        api.get("/api/meetings/venues"),
        editing ? api.get(`/api/meetings/${editing}`) : Promise.resolve(null),
      ]);
    } catch (error) {
      return h(
        "div",
        { class: "page page--narrow" },
        h("h1", { class: "page__title", t: "meetings.loadFailed" }),
        h("p", { class: "alert alert--error", text: problemText(error).text ?? "" }),
      );
    }
    const mine = committees.filter((c) => c.myRole === "secretariat" && c.active);
    if (!editing && !mine.length) {
      return h(
        "div",
        { class: "page page--narrow" },
        h("h1", { class: "page__title", t: "meetings.newTitle" }),
        h("p", { class: "alert alert--warning", t: "meetings.notSecretariat" }),
        h("a", { class: "button button--secondary", href: "#/meetings", t: "meetings.backToList" }),
      );
    }

    const committee = labelled(
      "meetings.committee",
      h(
        "select",
        { class: "input select", name: "committee", disabled: Boolean(editing) },
        (editing ? [{ id: meeting.committeeId, name: meeting.committeeName }] : mine).map((c) =>
          h("option", { value: String(c.id), text: c.name }),
        ),
      ),
      { required: true },
    );
    const subject = labelled(
      "meetings.subjectLabel",
      h("input", { class: "input", name: "subject", value: meeting?.subject ?? "", attrs: { maxlength: "255" } }),
      { hint: "meetings.subjectHint" },
    );
    // dd/mm/yyyy and a 24-hour hh:mm in Malaysian time (not the browser's own pickers).
    const starts = dateTimeField("meetings.startsLabel", {
      value: localDateTimeValue(meeting?.startsAt),
      required: true,
      hint: "meetings.timeHint",
    });
    const ends = dateTimeField("meetings.endsLabel", { value: localDateTimeValue(meeting?.endsAt), required: true });
    starts.element.addEventListener("change", () => {
      const from = starts.local();
      if (from && ends.local() === "") {
        const [day, time] = from.split("T");
        const hour = Math.min(23, Number(time.slice(0, 2)) + 2);
        ends.setLocal(`${day}T${String(hour).padStart(2, "0")}${time.slice(2)}`);
      }
    });

    const modeName = uniqueId("mode");
    const modes = ["physical", "online", "hybrid"];
    const modeKeys = { physical: "meetings.modePhysical", online: "meetings.modeOnline", hybrid: "meetings.modeHybrid" };
    const modeGroup = h(
      "fieldset",
      { class: "segmented" },
      h("legend", { class: "segmented__legend", t: "meetings.mode" }),
      h(
        "div",
        { class: "segmented__options" },
        modes.flatMap((mode) => {
          const id = `${modeName}-${mode}`;
          return [
            h("input", {
              type: "radio",
              name: modeName,
              id,
              value: mode,
              class: "segmented__input",
              checked: (meeting?.mode ?? "physical") === mode,
              on: { change: updateMode },
            }),
            h("label", { class: "segmented__label", htmlFor: id, t: modeKeys[mode] }),
          ];
        }),
      ),
    );
    const venue = labelled(
      "meetings.venueOffice",
      h(
        "select",
        { class: "input select", name: "venueOfficeId" },
        h("option", { value: "", t: "meetings.venueChoose" }),
        venues.map((v) =>
          h("option", { value: String(v.id), text: v.name, selected: meeting?.venueOfficeId === v.id }),
        ),
      ),
    );
    const room = labelled(
      "meetings.room",
      h("input", { class: "input", name: "room", value: meeting?.room ?? "", attrs: { maxlength: "255" } }),
    );
    const link = labelled(
      "meetings.onlineLink",
      h("input", {
        class: "input",
        type: "url",
        name: "onlineUrl",
        value: meeting?.onlineUrl ?? "",
        attrs: { maxlength: "1024", inputmode: "url", placeholder: "https://" },
      }),
      { hint: "meetings.linkHint" },
    );
    const classification = labelled(
      "meetings.classification",
      h(
        "select",
        { class: "input select", name: "classification" },
        ["TERBUKA", "TERHAD", "SULIT"].map((level) =>
          h("option", { value: level, text: level, selected: (meeting?.classification ?? "TERBUKA") === level }),
        ),
      ),
      { hint: "meetings.classificationHint" },
    );
    // A change of time or place after the invitations (a postponement): its reason is told.
    const reason =
      editing && meeting.invitedAt
        ? labelled("meetings.changeReason", h("textarea", { class: "input", name: "reason", rows: 2, attrs: { maxlength: "500" } }), { hint: "meetings.changeReasonHint" })
        : null;
    const agenda = agendaEditor(meeting?.agenda ?? [{ title: "" }]);

    function currentMode() {
      return form.querySelector(`input[name="${modeName}"]:checked`)?.value ?? "physical";
    }
    function updateMode() {
      const mode = currentMode();
      venue.element.hidden = mode === "online";
      room.element.hidden = mode === "online";
      link.element.hidden = mode === "physical";
    }

    const submit = h("button", {
      type: "submit",
      class: "button button--primary",
      t: editing ? "meetings.saveChanges" : "meetings.create",
    });
    const fields = { startsAt: starts, endsAt: ends, venueOfficeId: venue, room, onlineUrl: link, classification, subject, committeeId: committee };
    const form = h(
      "form",
      { class: "form mtg-form", attrs: { novalidate: true } },
      alert.element,
      committee.element,
      subject.element,
      h("div", { class: "mtg-form__times" }, starts.element, ends.element),
      modeGroup,
      h("div", { class: "mtg-form__place" }, venue.element, room.element),
      link.element,
      classification.element,
      agenda.element,
      editing && meeting.invitedAt ? h("p", { class: "alert alert--warning", t: "meetings.updateWarning" }) : null,
      reason ? reason.element : null,
      h(
        "div",
        { class: "button-row" },
        submit,
        h("a", { class: "button button--secondary", href: editing ? `#/meetings/${editing}` : "#/meetings", t: "common.cancel" }),
      ),
    );
    updateMode();

    function showErrors(error) {
      const list = error instanceof ApiError ? error.errors : [];
      let first = null;
      for (const item of list) {
        const target = fields[item.field];
        if (target) {
          target.setError({ text: item.message });
          first ??= target.control;
        }
      }
      alert.show(problemText(error));
      (first ?? alert.element).focus?.();
    }

    async function saveAgenda(meetingId) {
      const wanted = agenda.items();
      const before = meeting?.agenda ?? [];
      const keep = new Set(wanted.filter((w) => w.id).map((w) => w.id));
      for (const item of before) {
        if (!keep.has(item.id)) await api.del(`/api/meetings/${meetingId}/agenda/${item.id}`);
      }
      for (const item of wanted) {
        if (item.id) {
          const old = before.find((b) => b.id === item.id);
          if (old && old.title !== item.title) {
            await api.put(`/api/meetings/${meetingId}/agenda/${item.id}`, {
              title: item.title,
              description: old.description,
              presenter: old.presenter,
            });
          }
        } else {
          const after = await api.post(`/api/meetings/${meetingId}/agenda`, { title: item.title });
          item.id = after[after.length - 1].id;
        }
      }
      const order = wanted.map((w) => w.id);
      if (order.length) await api.put(`/api/meetings/${meetingId}/agenda/order`, { itemIds: order });
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      alert.clear();
      for (const f of Object.values(fields)) f.clear();
      let invalid = null;
      for (const moment of [starts, ends]) {
        const local = moment.local();
        if (local) continue;
        moment.setError({ key: local === "" ? "meetings.timeRequired" : "dateTime.invalid" });
        invalid ??= moment.control;
      }
      if (invalid) {
        invalid.focus();
        return;
      }
      const mode = currentMode();
      const body = {
        subject: subject.control.value.trim(),
        startsAt: isoFromLocal(starts.local()),
        endsAt: isoFromLocal(ends.local()),
        mode,
        room: mode === "online" ? "" : room.control.value.trim(),
        onlineUrl: mode === "physical" ? "" : link.control.value.trim(),
        classification: classification.control.value,
      };
      if (mode !== "online" && venue.control.value) body.venueOfficeId = Number(venue.control.value);
      if (reason && reason.control.value.trim()) body.reason = reason.control.value.trim();
      busy(submit, async () => {
        try {
          if (editing) {
            await api.patch(`/api/meetings/${editing}`, body);
            await saveAgenda(editing);
            ctx.navigate(`/meetings/${editing}?saved=1`);
          } else {
            body.committeeId = Number(committee.control.value);
            body.agenda = agenda.items().map((item) => ({ title: item.title }));
            const created = await api.post("/api/meetings", body);
            ctx.navigate(`/meetings/${created.id}?saved=1`);
          }
        } catch (error) {
          showErrors(error);
        }
      });
    });

    return h(
      "div",
      { class: "page page--narrow mtg" },
      h(
        "header",
        { class: "page__header" },
        editing ? h("p", { class: "page__eyebrow", text: meeting.number }) : null,
        h("h1", { class: "page__title", t: editing ? "meetings.editTitle" : "meetings.newTitle" }),
        h("p", { class: "page__lead", t: editing ? "meetings.editLead" : "meetings.newLead" }),
      ),
      h("section", { class: "card" }, form),
    );
  },
};
