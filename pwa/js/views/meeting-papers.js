// Papers of one meeting (kertas mesyuarat), shown inside the meeting page.
// Owned by the papers area; the meeting page only calls renderPapersSection.

/** Fills `container` with the meeting's papers (list, download, upload for the secretariat). */
export async function renderPapersSection(container, meeting) {
  container.replaceChildren();
}
