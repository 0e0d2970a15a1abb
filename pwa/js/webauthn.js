// Passkeys: the server speaks the WebAuthn JSON forms (base64url strings); the browser's own
// PublicKeyCredential.parse*FromJSON / toJSON convert them. Browsers without those simply do
// not offer passkeys (TOTP and recovery codes remain).

export function passkeysSupported() {
  return Boolean(
    window.isSecureContext &&
      window.PublicKeyCredential &&
      typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function" &&
      typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
      typeof PublicKeyCredential.prototype.toJSON === "function",
  );
}

export function toRequestOptions(json) {
  return PublicKeyCredential.parseRequestOptionsFromJSON(json);
}

export function toCreationOptions(json) {
  return PublicKeyCredential.parseCreationOptionsFromJSON(json);
}

// ------------------------------------------------------------------ passkey-confirmed check-in
// The challenge is derived from the tap itself (it may be queued offline, so the server cannot
// hand one out): SHA-256 over this text, recomputed by the server from the request
// (api/attendance/passkey_confirmation.py, keep the two in step). Numbers as String(number)
// writes them; the fix time as milliseconds since the epoch.

export const CHECKIN_PREFIX = "hadir-checkin-v1";

export function checkInCanonical({ clientId, kind, fix }) {
  const fixAt = fix.fixAt ? String(Date.parse(fix.fixAt)) : "";
  return [CHECKIN_PREFIX, clientId, kind, String(fix.lat), String(fix.lon), String(fix.accuracy), fixAt].join("\n");
}

function base64Url(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The challenge for this tap, base64url (the WebAuthn JSON form). */
export async function checkInChallenge(tap) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(checkInCanonical(tap)));
  return base64Url(new Uint8Array(digest));
}

/**
 * Asks for the officer's passkey (user verification required) to sign this tap; resolves with
 * the assertion as JSON. allowCredentials: the officer's own passkeys when known, else any
 * passkey of this site (all of Hadir's are discoverable). Rejects like
 * navigator.credentials.get (NotAllowedError when the officer cancels).
 */
export async function confirmCheckIn(tap, { rpId, credentialIds = [] } = {}) {
  const options = {
    challenge: await checkInChallenge(tap),
    userVerification: "required",
    timeout: 120000,
    allowCredentials: credentialIds.map((id) => ({ type: "public-key", id })),
  };
  if (rpId) options.rpId = rpId;
  const credential = await navigator.credentials.get({ publicKey: toRequestOptions(options) });
  return credential.toJSON();
}
