// Papers of one meeting (kertas mesyuarat), shown inside the meeting page.
// Owned by the papers area; the meeting page only calls renderPapersSection. The same section
// is also a page of its own (#/meetings/:id/papers).
//
// Offline reading: a TERBUKA or TERHAD paper is saved only when the person asks ("Simpan untuk
// luar talian"). The service worker fetches and stores it in the "hadir-papers" cache, and
// refuses anything marked SULIT or sent with Cache-Control: no-store; SULIT papers never get
// the button. The list of saved papers (title, file name: never SULIT) is kept in
// localStorage so it can be shown offline.

import { api } from "../api.js";
import { h, uniqueId } from "../dom.js";
import { busy, formAlert, problemText } from "../forms.js";
import { locale, t, translate } from "../i18n.js";

const PAPERS_CACHE = "hadir-papers";
const SAVED_KEY = "hadir.papers.saved";
const LEVELS = ["TERBUKA", "TERHAD", "SULIT"];
const EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "png", "jpg", "jpeg", "txt", "csv"];

function readSaved() {
  try {
    const value = JSON.parse(localStorage.getItem(SAVED_KEY) ?? "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

function writeSaved(saved) {
  try {
    localStorage.setItem(SAVED_KEY, JSON.stringify(saved));
  } catch {
    // Storage full or private mode: the cache still holds the file.
  }
}

/** Size in KB/MB in the user's locale. */
export function formatSize(bytes) {
  const format = (n) => n.toLocaleString(locale(), { maximumFractionDigits: 1 });
  if (bytes < 1024 * 1024) return `${format(Math.max(bytes / 1024, 0.1))} KB`;
  return `${format(bytes / (1024 * 1024))} MB`;
}

function uploadPaper(meetingId, form) {
  return api.upload(`/api/meetings/${meetingId}/papers`, form);
}

/** Asks the service worker to save a paper; resolves to {ok, reason}. */
async function askWorkerToSave(url) {
  if (!("serviceWorker" in navigator)) return { ok: false, reason: "unsupported" };
  const registration = await navigator.serviceWorker.ready;
  const worker = registration.active;
  if (!worker) return { ok: false, reason: "unsupported" };
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve({ ok: false, reason: "timeout" }), 20000);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data ?? { ok: false, reason: "unknown" });
    };
    worker.postMessage({ type: "SAVE_PAPER", url }, [channel.port2]);
  });
}

async function removeSaved(url) {
  if ("caches" in window) {
    const cache = await caches.open(PAPERS_CACHE);
    await cache.delete(url);
  }
  const saved = readSaved();
  delete saved[url];
  writeSaved(saved);
}

async function isInCache(url) {
  if (!("caches" in window)) return false;
  const cache = await caches.open(PAPERS_CACHE);
  return Boolean(await cache.match(url));
}

/** Gives the browser a file to keep or open (from the network or the offline cache). */
function handOver(blob, fileName) {
  const href = URL.createObjectURL(blob);
  const link = h("a", { href, attrs: { download: fileName }, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 30000);
}

async function openSaved(url, fileName) {
  const cache = await caches.open(PAPERS_CACHE);
  const response = await cache.match(url);
  if (!response) throw new Error("not saved");
  handOver(await response.blob(), fileName);
}

function classificationBadge(level) {
  return h("span", { class: `badge papers__badge papers__badge--${level.toLowerCase()}`, text: level });
}

function paperRow(paper, { canManage, status, refresh }) {
  const url = paper.url;
  const sulit = paper.classification === "SULIT";
  const meta = h(
    "p",
    { class: "papers__meta" },
    classificationBadge(paper.classification),
    " ",
    h("span", { text: `${paper.fileName} · ${formatSize(paper.size)}` }),
  );
  const actions = h("div", { class: "papers__actions" });
  const download = h("a", {
    class: "button button--secondary button--small",
    href: url,
    attrs: { download: paper.fileName },
    t: "papers.download",
  });
  actions.append(download);

  if (!sulit) {
    const savedNote = h("span", { class: "papers__saved", t: "papers.savedBadge", hidden: true });
    const save = h("button", { type: "button", class: "button button--secondary button--small", t: "papers.saveOffline" });
    const unsave = h("button", { type: "button", class: "button button--link button--small", t: "papers.removeOffline", hidden: true });
    const showSaved = (yes) => {
      save.hidden = yes;
      unsave.hidden = !yes;
      savedNote.hidden = !yes;
    };
    isInCache(url).then(showSaved).catch(() => showSaved(false));
    save.addEventListener("click", () =>
      busy(save, async () => {
        const result = await askWorkerToSave(url).catch(() => ({ ok: false, reason: "unknown" }));
        if (result.ok) {
          const saved = readSaved();
          saved[url] = {
            title: paper.title,
            fileName: paper.fileName,
            meetingId: paper.meetingId,
            classification: paper.classification,
            size: paper.size,
          };
          writeSaved(saved);
          showSaved(true);
          status(paper.title, "papers.savedDone");
        } else {
          status(paper.title, result.reason === "refused" ? "papers.saveRefused" : "papers.saveFailed");
        }
      }),
    );
    unsave.addEventListener("click", async () => {
      await removeSaved(url);
      showSaved(false);
      status(paper.title, "papers.removedDone");
      save.focus();
    });
    actions.append(save, unsave);
    meta.append(" ", savedNote);
  }

  if (canManage && paper.kind !== "minutes") {
    const remove = h("button", { type: "button", class: "button button--link button--small papers__delete", t: "papers.delete" });
    remove.addEventListener("click", () =>
      busy(remove, async () => {
        if (!window.confirm(t("papers.deleteConfirm", { title: paper.title }))) return;
        try {
          await api.del(`/api/papers/${paper.id}`);
          await removeSaved(url);
          status(paper.title, "papers.deletedDone");
          await refresh();
        } catch (error) {
          status(paper.title, null, problemText(error));
        }
      }),
    );
    actions.append(remove);
  }

  // The secretariat's download log: who downloaded the paper and when.
  let log = null;
  if (canManage) {
    const list = h("ul", { class: "papers__log" });
    log = h("details", { class: "papers__downloads" }, h("summary", { t: "papers.downloadLog", args: { count: paper.downloadCount } }), list);
    log.addEventListener("toggle", async () => {
      if (!log.open) return;
      try {
        const entries = await api.get(`/api/papers/${paper.id}/downloads`);
        list.replaceChildren(
          ...(entries.length
            ? entries.map((e) => h("li", { text: `${e.name} · ${new Date(e.at).toLocaleString(locale(), { timeZone: "Asia/Kuala_Lumpur" })}` }))
            : [h("li", { t: "papers.downloadLogEmpty" })]),
        );
      } catch (error) {
        list.replaceChildren(h("li", { text: problemText(error) }));
      }
    });
  }

  return h(
    "li",
    { class: "papers__item", dataset: { paperId: String(paper.id), classification: paper.classification } },
    h("p", { class: "papers__title", text: paper.title }),
    meta,
    actions,
    log,
  );
}

function uploadForm(data, meetingId, { onUploaded, subheading }) {
  const alert = formAlert();
  const form = h("form", { class: "papers__form", attrs: { novalidate: true } });
  const ids = {
    title: uniqueId("paper-title"),
    item: uniqueId("paper-item"),
    level: uniqueId("paper-level"),
    file: uniqueId("paper-file"),
  };
  const title = h("input", { id: ids.title, name: "title", class: "input", attrs: { required: true, maxlength: "255", "aria-required": "true" } });
  const item = h(
    "select",
    { id: ids.item, name: "agendaItem", class: "input" },
    h("option", { value: "", t: "papers.noAgendaItem" }),
    data.agendaItems.map((choice) => h("option", { value: String(choice.id), text: `${choice.position}. ${choice.title}` })),
  );
  const minimum = LEVELS.indexOf(data.meetingClassification);
  const level = h(
    "select",
    { id: ids.level, name: "classification", class: "input" },
    LEVELS.slice(Math.max(minimum, 0)).map((name) => h("option", { value: name, text: name })),
  );
  const fileHint = `${ids.file}-hint`;
  const fileError = h("p", { class: "field__error", id: `${ids.file}-error`, hidden: true });
  const titleError = h("p", { class: "field__error", id: `${ids.title}-error`, hidden: true });
  const file = h("input", {
    id: ids.file,
    name: "file",
    type: "file",
    class: "input papers__file",
    attrs: { required: true, "aria-required": "true", "aria-describedby": fileHint, accept: EXTENSIONS.map((e) => `.${e}`).join(",") },
  });
  const limitMb = Math.round(data.maxBytes / (1024 * 1024));
  const submit = h("button", { type: "submit", class: "button button--primary", t: "papers.upload" });

  const setError = (input, element, message) => {
    if (message.key) translate(element, message.key, message.args);
    else {
      delete element.dataset.i18n;
      element.textContent = message.text;
    }
    element.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", [input === file ? fileHint : null, element.id].filter(Boolean).join(" "));
  };
  const clearErrors = () => {
    for (const [input, element] of [[title, titleError], [file, fileError]]) {
      element.hidden = true;
      input.removeAttribute("aria-invalid");
    }
    file.setAttribute("aria-describedby", fileHint);
    title.removeAttribute("aria-describedby");
    alert.clear();
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    const chosen = file.files?.[0];
    let firstBad = null;
    if (!title.value.trim()) {
      setError(title, titleError, { key: "papers.titleRequired" });
      firstBad ??= title;
    }
    if (!chosen) {
      setError(file, fileError, { key: "papers.fileRequired" });
      firstBad ??= file;
    } else if (chosen.size > data.maxBytes) {
      setError(file, fileError, { key: "papers.tooLarge", args: { limit: limitMb } });
      firstBad ??= file;
    } else if (!EXTENSIONS.includes((chosen.name.split(".").pop() ?? "").toLowerCase()) || !chosen.name.includes(".")) {
      setError(file, fileError, { key: "papers.typeNotAllowed" });
      firstBad ??= file;
    }
    if (firstBad) {
      firstBad.focus();
      return;
    }
    const body = new FormData();
    body.set("title", title.value.trim());
    body.set("classification", level.value);
    if (item.value) body.set("agendaItem", item.value);
    body.set("file", chosen, chosen.name);
    busy(submit, async () => {
      try {
        const paper = await uploadPaper(meetingId, body);
        form.reset();
        await onUploaded(paper);
      } catch (error) {
        const message = problemText(error);
        if (error.status === 413 || error.status === 415) setError(file, fileError, message);
        else if (error.fieldMessage?.("title")) setError(title, titleError, { text: error.fieldMessage("title") });
        else alert.show(message);
        (error.status === 413 || error.status === 415 ? file : submit).focus();
      }
    });
  });

  const row = (id, key, control, extra = null) =>
    h("div", { class: "field" }, h("label", { class: "field__label", htmlFor: id, t: key }), extra, control);
  form.append(
    h(subheading, { class: "papers__subheading", t: "papers.uploadHeading" }),
    alert.element,
    row(ids.title, "papers.titleLabel", title),
    titleError,
    row(ids.item, "papers.agendaItem", item),
    row(ids.level, "papers.classification", level),
    row(ids.file, "papers.file", file, h("p", { class: "field__hint", id: fileHint, t: "papers.fileHint", args: { limit: limitMb } })),
    fileError,
    submit,
  );
  return form;
}

function savedOfflineList(meetingId) {
  const saved = Object.entries(readSaved()).filter(([, info]) => info.meetingId === meetingId);
  if (!saved.length) return h("p", { class: "papers__empty", t: "papers.offlineNone" });
  return h(
    "ul",
    { class: "papers__list" },
    saved.map(([url, info]) => {
      const open = h("button", { type: "button", class: "button button--secondary button--small", t: "papers.openSaved" });
      open.addEventListener("click", () => openSaved(url, info.fileName).catch(() => translate(open, "papers.saveFailed")));
      return h(
        "li",
        { class: "papers__item" },
        h("p", { class: "papers__title", text: info.title }),
        h("p", { class: "papers__meta" }, classificationBadge(info.classification), " ", h("span", { text: `${info.fileName} · ${formatSize(info.size)}` })),
        h("div", { class: "papers__actions" }, open),
      );
    }),
  );
}

/** Fills `container` with the meeting's papers (list, download, upload for the secretariat). */
export async function renderPapersSection(container, meeting, { headingLevel = 2 } = {}) {
  const meetingId = Number(meeting?.id);
  const headingId = uniqueId("papers-heading");
  const subheading = `h${headingLevel + 1}`;
  const status = h("p", { class: "papers__status", attrs: { role: "status", "aria-live": "polite" } });
  const body = h("div", { class: "papers__body" }, h("p", { t: "common.loading" }));
  const section = h(
    "section",
    { class: "papers", attrs: { "aria-labelledby": headingId } },
    h(`h${headingLevel}`, { id: headingId, class: "papers__heading", t: "papers.heading" }),
    status,
    body,
  );
  container.replaceChildren(section);

  const say = (title, key, message) => {
    if (key) translate(status, key, { title });
    else if (message?.key) translate(status, message.key);
    else {
      delete status.dataset.i18n;
      status.textContent = message?.text ?? "";
    }
  };

  async function refresh() {
    let data;
    try {
      data = await api.get(`/api/meetings/${meetingId}/papers`);
    } catch (error) {
      if (error.status === 404 && headingLevel > 1) {
        // Inside a meeting page whose papers this person may not read (e.g. a SULIT meeting's
        // guest): no papers section at all.
        container.replaceChildren();
        return;
      }
      if (error.isNetwork) {
        body.replaceChildren(
          h("p", { class: "alert alert--warning", t: "papers.offlineShowingSaved" }),
          savedOfflineList(meetingId),
        );
      } else {
        const failed = formAlert();
        failed.show(problemText(error));
        body.replaceChildren(failed.element);
      }
      return;
    }
    const groups = [
      ...data.agendaItems.map((item) => ({ key: item.id, label: `${item.position}. ${item.title}` })),
      { key: null, label: null },
    ];
    const lists = [];
    for (const group of groups) {
      const papers = data.papers.filter((paper) => (paper.agendaItemId ?? null) === group.key);
      if (!papers.length) continue;
      lists.push(
        h(
          "div",
          { class: "papers__group" },
          group.label
            ? h(subheading, { class: "papers__subheading", text: group.label })
            : h(subheading, { class: "papers__subheading", t: "papers.general" }),
          h("ul", { class: "papers__list" }, papers.map((paper) => paperRow(paper, { canManage: data.canManage, status: say, refresh }))),
        ),
      );
    }
    body.replaceChildren(...(lists.length ? lists : [h("p", { class: "papers__empty", t: "papers.none" })]));
    if (data.canManage) {
      body.append(
        uploadForm(data, meetingId, {
          subheading,
          onUploaded: async (paper) => {
            say(paper.title, "papers.uploadedDone");
            await refresh();
          },
        }),
      );
    }
  }

  await refresh();
}

/** #/meetings/:id/papers: the papers section as a page of its own. */
export const meetingPapersView = {
  title: "papers.heading",
  async render(ctx) {
    const page = h("div", { class: "page papers-page" });
    await renderPapersSection(page, { id: Number(ctx.params.id) }, { headingLevel: 1 });
    return page;
  },
};
