// My account: second factors (authenticator app, passkeys, recovery codes) and the sessions
// signed in with this account. Each section loads its own data and re-renders itself after a
// change; results are announced through a status line in the section.

import { api } from "../api.js";
import { confirmDialog, openDialog } from "../dialog.js";
import { h, icon, uniqueId } from "../dom.js";
import { busy, field, formAlert, problemText } from "../forms.js";
import { locale, t, translate } from "../i18n.js";
import { confirmTotpEnrolment, passkeysSupported, registerPasskey, startTotpEnrolment } from "../session.js";
import { totpConfirmForm, totpSteps } from "../totp-setup.js";

export function formatDateTime(value) {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Kuala_Lumpur",
  }).format(date);
}

/** A polite status line inside a section (announced when its text changes). */
function statusLine() {
  const element = h("p", { class: "alert alert--success", attrs: { role: "status" }, hidden: true });
  return {
    element,
    show(key, args) {
      element.hidden = false;
      translate(element, key, args);
    },
    clear() {
      element.hidden = true;
      element.textContent = "";
      delete element.dataset.i18n;
    },
  };
}

function loading() {
  return h("p", { class: "card__text", attrs: { role: "status" }, t: "common.loading" });
}

// ------------------------------------------------------------------ second factors

export function factorsSection() {
  const alert = formAlert();
  const status = statusLine();
  const body = h("div", { class: "factors" }, loading());
  let codesPanel = null; // new recovery codes stay on screen until dismissed

  async function load({ focus } = {}) {
    try {
      const [summary, passkeys] = await Promise.all([api.get("/api/auth/mfa"), api.get("/api/auth/passkeys")]);
      body.replaceChildren(totpBlock(summary), passkeyBlock(passkeys), recoveryBlock(summary));
      if (focus) body.querySelector(focus)?.focus();
    } catch (error) {
      body.replaceChildren();
      alert.show(problemText(error));
    }
  }

  function fail(error) {
    alert.show(problemText(error));
  }

  function begin() {
    alert.clear();
    status.clear();
  }

  // Authenticator app ------------------------------------------------
  function totpBlock(summary) {
    const heading = h("h3", { class: "factor__title", id: "factor-totp", t: "account.totpTitle", tabIndex: -1 });
    const state = h("span", {
      class: summary.totp ? "badge badge--ok" : "badge badge--neutral",
      t: summary.totp ? "account.totpOn" : "account.totpOff",
    });
    const block = h("div", { class: "factor", attrs: { role: "group", "aria-labelledby": "factor-totp" } });
    const head = h("div", { class: "factor__head" }, heading, state);
    if (summary.totp) {
      const remove = h("button", { type: "button", class: "button button--secondary button--danger button--small", t: "account.totpRemove" });
      remove.addEventListener("click", async () => {
        begin();
        const yes = await confirmDialog({
          titleKey: "account.totpRemoveTitle",
          textKey: "account.totpRemoveText",
          confirmKey: "account.totpRemoveConfirm",
          danger: true,
          opener: remove,
        });
        if (!yes) return;
        try {
          await busy(remove, () => api.del("/api/auth/mfa/totp"));
          status.show("account.totpRemoved");
          await load({ focus: "#factor-totp" });
        } catch (error) {
          fail(error);
        }
      });
      block.append(head, h("p", { class: "card__text", t: "account.totpOnText" }), remove);
    } else {
      const add = h("button", { type: "button", class: "button button--secondary button--small", t: "account.totpAdd" });
      const setupArea = h("div", { class: "factor__setup" });
      add.addEventListener("click", async () => {
        begin();
        try {
          const setup = await busy(add, () => startTotpEnrolment());
          add.hidden = true;
          setupArea.replaceChildren(totpSetup(setup, () => {
            setupArea.replaceChildren();
            add.hidden = false;
            add.focus();
          }));
          setupArea.querySelector("input")?.focus();
        } catch (error) {
          fail(error);
        }
      });
      block.append(head, h("p", { class: "card__text", t: "account.totpOffText" }), add, setupArea);
    }
    return block;
  }

  function totpSetup(setup, cancelled) {
    const form = totpConfirmForm({
      confirm: confirmTotpEnrolment,
      before: () => alert.clear(),
      done: async () => {
        status.show("account.totpAdded");
        await load({ focus: "#factor-totp" });
      },
      fail,
      buttons: (submit) =>
        h(
          "div",
          { class: "button-row" },
          submit,
          h("button", { type: "button", class: "button button--secondary", t: "common.cancel", on: { click: cancelled } }),
        ),
    });
    // On a phone too: the otpauth:// link and the key with a copy button, not only a QR code.
    return h("div", { class: "setup" }, totpSteps(setup, { secretId: "account-totp-secret" }), form);
  }

  // Passkeys ----------------------------------------------------------
  function passkeyBlock(passkeys) {
    const heading = h("h3", { class: "factor__title", id: "factor-passkeys", t: "account.passkeysTitle", tabIndex: -1 });
    const items = passkeys.map((passkey) => {
      const created = formatDateTime(passkey.createdAt);
      const used = formatDateTime(passkey.lastUsedAt);
      const rename = h("button", {
        type: "button",
        class: "button button--secondary button--small",
        t: "account.passkeyRename",
        args: { name: passkey.name },
        tAttrs: { "aria-label": "account.passkeyRenameFor" },
      });
      rename.addEventListener("click", () => renamePasskey(passkey, rename));
      const remove = h("button", {
        type: "button",
        class: "button button--secondary button--danger button--small",
        t: "account.passkeyRemove",
        args: { name: passkey.name },
        tAttrs: { "aria-label": "account.passkeyRemoveFor" },
      });
      remove.addEventListener("click", () => removePasskey(passkey, remove));
      const synced = passkey.deviceType === "multi_device" || passkey.backedUp;
      return h(
        "li",
        { class: "item" },
        h(
          "div",
          { class: "item__head" },
          h("span", { class: "item__name", text: passkey.name }),
          h("span", { class: "badge badge--neutral", t: synced ? "account.passkeySynced" : "account.passkeyDevice" }),
        ),
        created ? h("p", { class: "item__meta", t: "account.passkeyCreated", args: { when: created } }) : null,
        h("p", { class: "item__meta" }, used ? h("span", { t: "account.passkeyUsed", args: { when: used } }) : h("span", { t: "account.passkeyNeverUsed" })),
        h("div", { class: "button-row button-row--tight" }, rename, remove),
      );
    });
    let add = null;
    if (passkeysSupported()) {
      add = h("button", { type: "button", class: "button button--secondary button--small" }, icon("key"), h("span", { t: "account.passkeyAdd" }));
      add.addEventListener("click", async () => {
        begin();
        add.disabled = true;
        try {
          await registerPasskey(t("enrol.passkeyName"));
          status.show("account.passkeyAdded");
          await load({ focus: "#factor-passkeys" });
        } catch (error) {
          if (error?.name === "NotAllowedError" || error?.name === "AbortError") alert.show({ key: "verify.passkeyCancelled" });
          else if (error?.code) fail(error);
          else alert.show({ key: "verify.passkeyFailed" });
        } finally {
          add.disabled = false;
        }
      });
    }
    return h(
      "div",
      { class: "factor", attrs: { role: "group", "aria-labelledby": "factor-passkeys" } },
      h("div", { class: "factor__head" }, heading, h("span", { class: "badge badge--neutral", t: "account.passkeysCount", args: { count: passkeys.length } })),
      passkeys.length
        ? h("ul", { class: "items", tAttrs: { "aria-label": "account.passkeysTitle" } }, items)
        : h("p", { class: "card__text", t: "account.passkeysNone" }),
      add,
      passkeysSupported() ? null : h("p", { class: "card__text", t: "account.passkeysUnsupported" }),
    );
  }

  function renamePasskey(passkey, opener) {
    begin();
    openDialog({
      labelKey: "account.passkeyRenameTitle",
      opener,
      build: (close) => {
        const name = field({ label: "account.passkeyName", name: "passkeyName", required: true, value: passkey.name });
        name.input.setAttribute("maxlength", "64");
        const save = h("button", { type: "submit", class: "button button--primary", t: "account.passkeySave" });
        const cancel = h("button", { type: "button", class: "button button--secondary", t: "common.cancel", on: { click: () => close("no") } });
        queueMicrotask(() => name.input.select());
        async function onSubmit(event) {
          event.preventDefault();
          name.clearError();
          const value = name.input.value.trim();
          if (!value) {
            name.setError({ key: "account.passkeyNameRequired" });
            name.input.focus();
            return;
          }
          try {
            await busy(save, () => api.patch(`/api/auth/passkeys/${passkey.id}`, { name: value }));
            close("yes");
            status.show("account.passkeyRenamed", { name: value });
            await load({ focus: "#factor-passkeys" });
          } catch (error) {
            name.setError(error.fieldMessage?.("name") ? { text: error.fieldMessage("name") } : problemText(error));
            name.input.focus();
          }
        }
        return [
          h("form", { class: "form", noValidate: true, on: { submit: onSubmit } }, name.element, h("div", { class: "button-row button-row--end" }, cancel, save)),
        ];
      },
    });
  }

  async function removePasskey(passkey, opener) {
    begin();
    const yes = await confirmDialog({
      titleKey: "account.passkeyRemoveTitle",
      textKey: "account.passkeyRemoveText",
      args: { name: passkey.name },
      confirmKey: "account.passkeyRemoveConfirm",
      danger: true,
      opener,
    });
    if (!yes) return;
    try {
      await busy(opener, () => api.del(`/api/auth/passkeys/${passkey.id}`));
      status.show("account.passkeyRemoved", { name: passkey.name });
      await load({ focus: "#factor-passkeys" });
    } catch (error) {
      fail(error);
    }
  }

  // Recovery codes ----------------------------------------------------
  function recoveryBlock(summary) {
    const heading = h("h3", { class: "factor__title", id: "factor-recovery", t: "account.recoveryTitle", tabIndex: -1 });
    const generate = h("button", { type: "button", class: "button button--secondary button--small", t: "account.recoveryGenerate" });
    generate.addEventListener("click", async () => {
      begin();
      const yes = await confirmDialog({
        titleKey: "account.recoveryConfirmTitle",
        textKey: "account.recoveryConfirmText",
        confirmKey: "account.recoveryConfirm",
        opener: generate,
      });
      if (!yes) return;
      try {
        const result = await busy(generate, () => api.post("/api/auth/recovery-codes"));
        codesPanel = newCodes(result.codes ?? []);
        await load({ focus: "#recovery-new-title" });
      } catch (error) {
        fail(error);
      }
    });
    return h(
      "div",
      { class: "factor", attrs: { role: "group", "aria-labelledby": "factor-recovery" } },
      h("div", { class: "factor__head" }, heading),
      h("p", { class: "card__text", t: "account.recoveryLeft", args: { count: summary.recoveryCodesLeft ?? 0 } }),
      codesPanel,
      codesPanel ? null : generate,
    );
  }

  function newCodes(codes) {
    const copyStatus = h("p", { class: "dialog__status", attrs: { role: "status" } });
    const copy = h("button", { type: "button", class: "button button--secondary button--small" }, icon("copy"), h("span", { t: "enrol.copyCodes" }));
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(codes.join("\n"));
        translate(copyStatus, "admin.copied");
      } catch {
        translate(copyStatus, "admin.copyFailed");
      }
    });
    const done = h("button", { type: "button", class: "button button--primary button--small", t: "account.recoveryDone" });
    done.addEventListener("click", async () => {
      codesPanel = null;
      await load({ focus: "#factor-recovery" });
    });
    const listId = uniqueId("recovery-codes");
    return h(
      "div",
      { class: "new-codes" },
      h("h4", { class: "new-codes__title", id: "recovery-new-title", tabIndex: -1, t: "account.recoveryNewTitle" }),
      h("p", { class: "alert alert--warning", t: "account.recoveryShownOnce" }),
      h("ol", { class: "codes", id: listId, attrs: { "aria-labelledby": "recovery-new-title" } }, codes.map((c) => h("li", { class: "mono", text: c }))),
      h("div", { class: "button-row button-row--tight" }, copy, done),
      copyStatus,
    );
  }

  load();
  return h(
    "section",
    { class: "card", attrs: { "aria-labelledby": "account-factors" } },
    h("h2", { class: "card__title", id: "account-factors", t: "account.factorsTitle" }),
    h("p", { class: "card__text", t: "account.factorsLead" }),
    alert.element,
    status.element,
    body,
  );
}

// ------------------------------------------------------------------ sessions

/** "Chrome on Android" from a User-Agent string; null when it says nothing we know. */
function describeAgent(agent = "") {
  const browser = /Edg\//.test(agent)
    ? "Edge"
    : /Firefox\//.test(agent)
      ? "Firefox"
      : /(Chrome|Chromium|CriOS)\//.test(agent)
        ? "Chrome"
        : /Safari\//.test(agent)
          ? "Safari"
          : null;
  const os = /Android/.test(agent)
    ? "Android"
    : /(iPhone|iPad|iOS)/.test(agent)
      ? "iOS"
      : /Windows/.test(agent)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(agent)
          ? "macOS"
          : /Linux|X11/.test(agent)
            ? "Linux"
            : null;
  if (browser && os) return { key: "account.sessionAgent", args: { browser, os } };
  if (browser || os) return { text: browser ?? os };
  return { key: "account.sessionAgentUnknown" };
}

export function sessionsSection() {
  const alert = formAlert();
  const status = statusLine();
  const list = h("div", {}, loading());
  const endOthers = h("button", { type: "button", class: "button button--secondary", t: "account.sessionsEndOthers" });

  async function load({ focus } = {}) {
    try {
      const sessions = await api.get("/api/auth/sessions");
      // This device first, then the most recently seen.
      sessions.sort((a, b) => Number(b.current) - Number(a.current) || String(b.lastSeenAt).localeCompare(String(a.lastSeenAt)));
      endOthers.hidden = !sessions.some((s) => !s.current);
      list.replaceChildren(
        h("ul", { class: "items", tAttrs: { "aria-label": "account.sessionsTitle" } }, sessions.map(sessionItem)),
      );
      if (focus) document.querySelector(focus)?.focus();
    } catch (error) {
      list.replaceChildren();
      alert.show(problemText(error));
    }
  }

  function sessionItem(session) {
    const agent = describeAgent(session.userAgent);
    const seen = formatDateTime(session.lastSeenAt);
    const since = formatDateTime(session.signedInAt);
    let end = null;
    if (!session.current) {
      end = h("button", { type: "button", class: "button button--secondary button--danger button--small", t: "account.sessionEnd" });
      end.addEventListener("click", async () => {
        alert.clear();
        status.clear();
        try {
          await busy(end, () => api.del(`/api/auth/sessions/${encodeURIComponent(session.id)}`));
          status.show("account.sessionEnded");
          await load({ focus: "#account-sessions" });
        } catch (error) {
          alert.show(problemText(error));
        }
      });
    }
    const name = agent.key ? h("span", { class: "item__name", t: agent.key, args: agent.args }) : h("span", { class: "item__name", text: agent.text });
    return h(
      "li",
      { class: session.current ? "item item--current" : "item" },
      h("div", { class: "item__head" }, name, session.current ? h("span", { class: "badge badge--ok", t: "account.sessionCurrent" }) : null),
      since ? h("p", { class: "item__meta", t: "account.sessionSince", args: { when: since } }) : null,
      seen ? h("p", { class: "item__meta", t: "account.sessionSeen", args: { when: seen } }) : null,
      session.ip ? h("p", { class: "item__meta", t: "account.sessionIp", args: { ip: session.ip } }) : null,
      end,
    );
  }

  endOthers.addEventListener("click", async () => {
    alert.clear();
    status.clear();
    const yes = await confirmDialog({
      titleKey: "account.sessionsEndOthersTitle",
      textKey: "account.sessionsEndOthersText",
      confirmKey: "account.sessionsEndOthersConfirm",
      danger: true,
      opener: endOthers,
    });
    if (!yes) return;
    try {
      const result = await busy(endOthers, () => api.post("/api/auth/sessions/end-others"));
      status.show("account.sessionsEnded", { count: result?.ended ?? 0 });
      await load({ focus: "#account-sessions" });
    } catch (error) {
      alert.show(problemText(error));
    }
  });

  load();
  return h(
    "section",
    { class: "card", attrs: { "aria-labelledby": "account-sessions" } },
    h("h2", { class: "card__title", id: "account-sessions", t: "account.sessionsTitle", tabIndex: -1 }),
    h("p", { class: "card__text", t: "account.sessionsLead" }),
    alert.element,
    status.element,
    list,
    endOthers,
  );
}
