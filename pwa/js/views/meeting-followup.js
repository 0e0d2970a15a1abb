// Minutes, decisions and actions of one meeting, shown inside the meeting page.
// Owned by the minutes area; the meeting page only calls these functions.

/** Fills `container` with the meeting's minutes status and link to the minutes screen. */
export async function renderMinutesSection(container, meeting) {
  container.replaceChildren();
}

/** Fills `container` with matters arising (open actions of earlier meetings of the committee). */
export async function renderMattersArising(container, meeting) {
  container.replaceChildren();
}
