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
