// Registers the service worker and offers a reload when a new version is waiting.
// The new worker takes over only when the user asks ("Muat semula"), never mid-task.

let reloadRequested = false;

function showUpdate(worker) {
  const banner = document.getElementById("update-banner");
  const button = document.getElementById("update-reload");
  banner.hidden = false;
  button.onclick = null;
  button.addEventListener(
    "click",
    () => {
      reloadRequested = true;
      button.disabled = true;
      worker.postMessage({ type: "SKIP_WAITING" });
    },
    { once: true },
  );
}

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return null;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first install also changes the controller (clients.claim): no reload for that.
    if (reloadRequested) location.reload();
  });
  // A tapped notification whose window this worker could not navigate: go there ourselves.
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type !== "NAVIGATE" || typeof event.data.url !== "string") return;
    const url = new URL(event.data.url, location.origin);
    if (url.origin === location.origin && url.hash) location.hash = url.hash;
  });
  let registration;
  try {
    registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch (error) {
    console.warn("service worker registration failed", error);
    return null;
  }
  const offerIfWaiting = () => {
    if (registration.waiting && navigator.serviceWorker.controller) showUpdate(registration.waiting);
  };
  offerIfWaiting();
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed") offerIfWaiting();
    });
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") registration.update().catch(() => {});
  });
  return registration;
}
