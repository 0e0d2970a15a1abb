// What the app keeps on this device for the person signed in, so that it can start offline:
//   - the last known person: who they are, not how to sign in (no login ID, no token; the
//     session cookie is HttpOnly and stays the server's business);
//   - the last answers of a few GET requests (today's card, the attendance month, the
//     check-in settings), each with the time it was received, shown offline "as of" that time.
// Those and the papers saved for offline reading (js/views/meeting-papers.js, sw.js) belong to
// one person: wipeDevice() removes them at sign-out, and claimDevice() when another person signs
// in on this device. SULIT papers are never saved (sw.js refuses them); the answers kept here
// carry no classified text.
// Check-ins tapped offline and not yet sent (js/checkin-queue.js) are the exception: an
// officer's tap is never lost, so they stay on the device tagged with their owner and go out
// in the owner's next session here (never in anyone else's); js/session.js sees to them.

const PERSON_KEY = "hadir.person";
const ANSWERS_KEY = "hadir.answers";
const PERSON_FIELDS = ["id", "name", "agencyId", "language", "roles", "isSupervisor"];
const KEPT_ANSWERS = [
  /^\/api\/attendance\/today$/,
  /^\/api\/attendance\/months\/\d{4}-\d{2}$/,
  /^\/api\/attendance\/settings$/,
];
// Owned by other modules, named here to be wiped with the rest.
const PAPERS_KEY = "hadir.papers.saved"; // js/views/meeting-papers.js
const PAPERS_CACHE = "hadir-papers"; // sw.js

const answerListeners = new Set();

function read(key) {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? "null");
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the app still works, only not from a cold start offline.
  }
}

/** The person who last used the app on this device, or null. */
export function lastPerson() {
  const person = read(PERSON_KEY);
  return Number.isInteger(person?.id) ? person : null;
}

/** A person's sign-in completed here: another person's things go first, then this one is kept. */
export async function claimDevice(user) {
  const previous = lastPerson();
  if (previous && previous.id !== user.id) await wipeDevice();
  write(PERSON_KEY, Object.fromEntries(PERSON_FIELDS.map((name) => [name, user[name] ?? null])));
}

/** Removes everything kept for the person: at sign-out, and before another person's data. */
export async function wipeDevice() {
  for (const key of [PERSON_KEY, ANSWERS_KEY, PAPERS_KEY]) {
    try {
      localStorage.removeItem(key);
    } catch {
      // Nothing could be stored either.
    }
  }
  const steps = [];
  if ("caches" in window) steps.push(caches.delete(PAPERS_CACHE).catch(() => false));
  await Promise.all(steps);
}

/** Whether the answer to GET `path` is kept for a start without a connection. */
export function mayKeep(path) {
  return KEPT_ANSWERS.some((pattern) => pattern.test(path));
}

export function keepAnswer(path, data) {
  const person = lastPerson();
  if (!person || !mayKeep(path)) return;
  const answers = read(ANSWERS_KEY);
  const items = answers?.owner === person.id ? answers.items : {};
  items[path] = { data, at: new Date().toISOString() };
  write(ANSWERS_KEY, { owner: person.id, items });
}

/** The kept answer to GET `path` ({data, at}) for the last known person, or null. */
export function keptAnswer(path) {
  const person = lastPerson();
  const answers = read(ANSWERS_KEY);
  if (!person || answers?.owner !== person.id) return null;
  const item = answers.items?.[path];
  if (!item) return null;
  for (const listener of answerListeners) listener(item.at);
  return item;
}

/** listener(at): a screen is being shown with an answer kept since `at` (ISO time). */
export function onKeptAnswerUsed(listener) {
  answerListeners.add(listener);
}
