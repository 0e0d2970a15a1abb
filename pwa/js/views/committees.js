// Committees: the ones I belong to (agency administrators: all of their agency), and one
// committee's members in the official order (chair, members by seniority, secretariat last).
// The administrator or the committee's secretariat adds, removes, re-orders and re-roles
// members, or imports them from a CSV file (checked first; nothing imported unless every row
// is right). Administrators create committees and sub-committees.

import { api, ApiError } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { confirmDialog } from "../dialog.js";
import { busy, formAlert, problemText } from "../forms.js";
import { translate } from "../i18n.js";
import { isAdmin, mayReadStatistics } from "../session.js";
import { peopleSearch } from "../people-search.js";
import { committeeArchive, committeeEditForm, committeeUsage } from "./committee-edit.js";

const ROLE_KEYS = {
  chair: "committees.roleChair",
  member: "committees.roleMember",
  secretariat: "committees.roleSecretariat",
};
const IMPORT_STATUS = {
  added: "committees.importAdded",
  updated: "committees.importUpdated",
  unchanged: "committees.importUnchanged",
  error: "committees.importError",
};

function createForm(committees, ctx) {
  const alert = formAlert();
  const codeId = uniqueId("code");
  const nameId = uniqueId("name");
  const parentId = uniqueId("parent");
  const quorumId = uniqueId("quorum");
  const code = h("input", { id: codeId, class: "input", attrs: { maxlength: "64", required: true, autocapitalize: "characters" } });
  const name = h("input", { id: nameId, class: "input", attrs: { maxlength: "255", required: true } });
  const parent = h(
    "select",
    { id: parentId, class: "input select" },
    h("option", { value: "", t: "committees.noParent" }),
    committees.map((c) => h("option", { value: String(c.id), text: c.name })),
  );
  const quorum = h("input", { id: quorumId, class: "input", type: "number", attrs: { min: "1", max: "1000", inputmode: "numeric" } });
  const submit = h("button", { type: "submit", class: "button button--primary", t: "committees.create" });
  const form = h(
    "form",
    { class: "form", attrs: { novalidate: true } },
    alert.element,
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: codeId, t: "committees.code" }), h("p", { class: "field__hint", t: "committees.codeHint" }), code),
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: nameId, t: "committees.name" }), name),
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: parentId, t: "committees.parent" }), parent),
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: quorumId, t: "committees.quorum" }), h("p", { class: "field__hint", t: "committees.quorumHint" }), quorum),
    h("div", { class: "button-row" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    alert.clear();
    if (!code.value.trim() || !name.value.trim()) {
      alert.show({ key: "committees.required" });
      (code.value.trim() ? name : code).focus();
      return;
    }
    const body = { code: code.value.trim(), name: name.value.trim() };
    if (parent.value) body.parentId = Number(parent.value);
    if (quorum.value) body.quorum = Number(quorum.value);
    busy(submit, async () => {
      try {
        const created = await api.post("/api/committees", body);
        ctx.navigate(`/committees/${created.id}`);
      } catch (error) {
        alert.show(problemText(error));
      }
    });
  });
  const titleId = uniqueId("create-title");
  return h(
    "section",
    { class: "card", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "committees.createTitle" }),
    form,
  );
}

export const committeesView = {
  title: "committees.title",
  async render(ctx) {
    const alert = formAlert();
    const list = h("div", {}, h("p", { t: "common.loading" }));
    const page = h(
      "div",
      { class: "page mtg" },
      h(
        "header",
        { class: "page__header" },
        h("h1", { class: "page__title", t: "committees.title" }),
        h("p", { class: "page__lead", t: "committees.lead" }),
      ),
      alert.element,
      list,
    );
    try {
      const committees = await api.get("/api/committees");
      list.replaceChildren(
        committees.length
          ? h(
              "ul",
              { class: "mtg-list" },
              committees.map((c) =>
                h(
                  "li",
                  { class: "mtg-list__item" },
                  h(
                    "a",
                    { class: "mtg-card", href: `#/committees/${c.id}` },
                    h("span", { class: "mtg-card__number", text: c.code }),
                    h("span", { class: "mtg-card__title", text: c.name }),
                    c.unitName ? h("span", { class: "mtg-card__meta", text: c.unitName }) : null,
                    h(
                      "span",
                      { class: "mtg-card__rsvp" },
                      c.myRole ? h("span", { class: "badge badge--neutral", t: ROLE_KEYS[c.myRole] }) : null,
                      c.active ? null : h("span", { class: "badge badge--bad", t: "committees.inactive" }),
                    ),
                  ),
                ),
              ),
            )
          : h("p", { class: "mtg-empty", t: "committees.none" }),
      );
      if (isAdmin()) page.append(createForm(committees, ctx));
    } catch (error) {
      list.replaceChildren();
      alert.show(problemText(error));
    }
    return page;
  },
};

function memberRow(member, index, members, committee, refresh, say) {
  const roleId = uniqueId("role");
  const role = h(
    "select",
    { id: roleId, class: "input select mtg-member__role" },
    Object.entries(ROLE_KEYS).map(([value, key]) =>
      h("option", { value, t: key, selected: member.role === value }),
    ),
  );
  const base = `/api/committees/${committee.id}/members`;
  role.addEventListener("change", async () => {
    try {
      await api.patch(`${base}/${member.id}`, { role: role.value });
      say({ key: "committees.saved" });
      refresh();
    } catch (error) {
      role.value = member.role;
      say(problemText(error), true);
    }
  });
  const order = members.map((m) => m.id);
  const move = async (delta) => {
    const target = index + delta;
    if (target < 0 || target >= order.length) return;
    [order[index], order[target]] = [order[target], order[index]];
    try {
      await api.put(`${base}/order`, { memberIds: order });
      say({ key: "committees.saved" });
      refresh();
    } catch (error) {
      say(problemText(error), true);
    }
  };
  const remove = h("button", {
    type: "button",
    class: "button button--secondary button--small button--danger",
    on: {
      click: async () => {
        const ok = await confirmDialog({
          titleKey: "committees.removeTitle",
          textKey: "committees.removeText",
          args: { name: member.name },
          confirmKey: "committees.remove",
          danger: true,
          opener: remove,
        });
        if (!ok) return;
        try {
          await api.del(`${base}/${member.id}`);
          say({ key: "committees.removed" });
          refresh();
        } catch (error) {
          say(problemText(error), true);
        }
      },
    },
  }, h("span", { t: "committees.remove" }), h("span", { class: "visually-hidden", text: ` ${member.name}` }));
  return h(
    "li",
    { class: "mtg-member" },
    h("div", { class: "mtg-member__head" }, h("span", { class: "mtg-member__name", text: member.name }), h("span", { class: "mtg-member__login mono", text: member.loginId })),
    member.position ? h("p", { class: "mtg-member__position", text: member.position }) : null,
    h(
      "div",
      { class: "mtg-member__tools" },
      h("label", { class: "visually-hidden", htmlFor: roleId, t: "committees.roleFor", args: { name: member.name } }),
      role,
      h("button", { type: "button", class: "button button--secondary button--small", disabled: index === 0, on: { click: () => move(-1) } }, h("span", { t: "committees.up" }), h("span", { class: "visually-hidden", text: ` ${member.name}` })),
      h("button", { type: "button", class: "button button--secondary button--small", disabled: index === members.length - 1, on: { click: () => move(1) } }, h("span", { t: "committees.down" }), h("span", { class: "visually-hidden", text: ` ${member.name}` })),
      remove,
    ),
  );
}

function addMemberForm(committee, refresh, say) {
  const finder = peopleSearch({
    path: `/api/committees/${committee.id}/candidates`,
    emptyKey: "committees.noCandidates",
    content: (person) => [h("span", { t: "committees.addPerson", args: { name: person.name } })],
    onPick: async (person) => {
      try {
        await api.post(`/api/committees/${committee.id}/members`, { userId: person.id });
        finder.clear();
        say({ key: "committees.added" });
        refresh();
      } catch (error) {
        say(problemText(error), true);
      }
    },
  });
  const titleId = uniqueId("add-title");
  return h(
    "section",
    { class: "card", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "committees.addTitle" }),
    h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: finder.id, t: "committees.searchLabel" }),
      finder.input,
    ),
    finder.results,
  );
}

function importForm(committee, refresh) {
  const titleId = uniqueId("import-title");
  const fileId = uniqueId("import-file");
  const file = h("input", { id: fileId, type: "file", class: "input", attrs: { accept: ".csv,text/csv", "aria-describedby": `${fileId}-hint` } });
  const alert = formAlert();
  const report = h("div", { class: "mtg-import__report", attrs: { "aria-live": "polite" } });
  const check = h("button", { type: "button", class: "button button--secondary", t: "committees.importCheck" });
  const apply = h("button", { type: "button", class: "button button--primary", t: "committees.importApply", hidden: true });

  async function send(dryRun, button) {
    alert.clear();
    const chosen = file.files?.[0];
    if (!chosen) {
      alert.show({ key: "committees.importChoose" });
      file.focus();
      return;
    }
    await busy(button, async () => {
      try {
        const text = await chosen.text();
        const result = await api.postAs(`/api/committees/${committee.id}/members/import`, text, "text/csv", {
          dryRun,
        });
        showReport(result, dryRun);
        if (!dryRun && result.applied) refresh();
      } catch (error) {
        alert.show(problemText(error));
      }
    });
  }

  function showReport(result, dryRun) {
    apply.hidden = !(dryRun && result.errors === 0);
    const summaryKey = result.applied
      ? "committees.importDone"
      : result.errors
        ? "committees.importHasErrors"
        : "committees.importReady";
    report.replaceChildren(
      h("p", {
        class: `alert ${result.errors ? "alert--error" : "alert--success"}`,
        t: summaryKey,
        args: { added: result.added, updated: result.updated, unchanged: result.unchanged, errors: result.errors },
      }),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { attrs: { scope: "col" }, t: "committees.importLine" }),
              h("th", { attrs: { scope: "col" }, t: "committees.importLogin" }),
              h("th", { attrs: { scope: "col" }, t: "committees.importRole" }),
              h("th", { attrs: { scope: "col" }, t: "committees.importStatus" }),
            ),
          ),
          h(
            "tbody",
            {},
            result.rows.map((row) =>
              h(
                "tr",
                {},
                h("td", { text: row.line }),
                h("td", { class: "mono", text: row.loginId }),
                h("td", { text: row.role }),
                h("td", {}, h("span", { t: IMPORT_STATUS[row.status] }), row.reasons.length ? h("span", { text: `: ${row.reasons.join("; ")}` }) : null),
              ),
            ),
          ),
        ),
      ),
    );
  }

  check.addEventListener("click", () => send(true, check));
  apply.addEventListener("click", () => send(false, apply));
  file.addEventListener("change", () => {
    apply.hidden = true;
    report.replaceChildren();
  });
  return h(
    "section",
    { class: "card mtg-import", attrs: { "aria-labelledby": titleId } },
    h("h2", { class: "card__title", id: titleId, t: "committees.importTitle" }),
    alert.element,
    h(
      "div",
      { class: "field" },
      h("label", { class: "field__label", htmlFor: fileId, t: "committees.importFile" }),
      h("p", { class: "field__hint", id: `${fileId}-hint`, t: "committees.importHint" }),
      file,
    ),
    h("div", { class: "button-row" }, check, apply),
    report,
  );
}

export const committeeView = {
  title: "committees.oneTitle",
  async render(ctx) {
    const id = Number(ctx.params.id);
    const status = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
    const problem = h("p", { class: "alert alert--error", attrs: { role: "alert" }, hidden: true });
    const membersList = h("ol", { class: "mtg-members" });
    let committee;
    try {
      committee = await api.get(`/api/committees/${id}`);
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      return h(
        "div",
        { class: "page page--narrow" },
        h("h1", { class: "page__title", t: missing ? "committees.notFound" : "meetings.loadFailed" }),
        h("a", { class: "button button--secondary", href: "#/committees", t: "committees.back" }),
      );
    }

    function say(message, bad = false) {
      const target = bad ? problem : status;
      (bad ? status : problem).hidden = true;
      target.hidden = false;
      if (message.key) translate(target, message.key);
      else {
        delete target.dataset.i18n;
        target.textContent = message.text;
      }
    }

    async function refresh() {
      try {
        committee = await api.get(`/api/committees/${id}`);
      } catch (error) {
        say(problemText(error), true);
        return;
      }
      draw();
    }

    function draw() {
      const members = committee.members;
      membersList.replaceChildren(
        ...members.map((member, index) =>
          committee.canManage
            ? memberRow(member, index, members, committee, refresh, say)
            : h(
                "li",
                { class: "mtg-member" },
                h("div", { class: "mtg-member__head" }, h("span", { class: "mtg-member__name", text: member.name }), h("span", { class: "badge badge--neutral", t: ROLE_KEYS[member.role] })),
                member.position ? h("p", { class: "mtg-member__position", text: member.position }) : null,
              ),
        ),
      );
    }
    draw();
    const titleId = uniqueId("members-title");
    const archive = committeeArchive(committee);
    let settings = null;
    let usage = null;
    try {
      await archive.load();
      if (["chair", "secretariat"].includes(committee.myRole) || mayReadStatistics()) {
        usage = await committeeUsage(committee).catch((error) => {
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        });
      }
      if (committee.canEdit) {
        settings = await committeeEditForm(committee, (saved) => {
          committee = { ...committee, ...saved };
          heading.textContent = committee.name;
          unitLine.textContent = committee.unitName;
          unitLine.hidden = !committee.unitName;
        });
      }
    } catch (error) {
      say(problemText(error), true);
    }
    const heading = h("h1", { class: "page__title", text: committee.name });
    const unitLine = h("p", { class: "page__lead", text: committee.unitName, hidden: !committee.unitName });
    return h(
      "div",
      { class: "page mtg" },
      h(
        "header",
        { class: "page__header" },
        h("p", { class: "page__eyebrow", text: committee.code }),
        heading,
        unitLine,
        committee.quorum ? h("p", { class: "page__lead", t: "committees.quorumLine", args: { quorum: committee.quorum } }) : null,
      ),
      status,
      problem,
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": titleId } },
        h("h2", { class: "card__title", id: titleId, t: "committees.membersTitle" }),
        h("p", { class: "card__text", t: "committees.membersLead" }),
        membersList,
      ),
      committee.canManage ? addMemberForm(committee, refresh, say) : null,
      committee.canManage ? importForm(committee, refresh) : null,
      archive.element,
      usage,
      settings,
      h("a", { class: "button button--secondary", href: "#/committees", t: "committees.back" }),
    );
  },
};
