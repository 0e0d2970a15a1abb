// A one-time message carried across a route change ("Your password has been changed").
const KEY = "hadir.flash";

export function setFlash(messageKey) {
  try {
    sessionStorage.setItem(KEY, messageKey);
  } catch {
    // Storage unavailable: the message is only a courtesy.
  }
}

export function takeFlash() {
  try {
    const value = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    return value;
  } catch {
    return null;
  }
}
