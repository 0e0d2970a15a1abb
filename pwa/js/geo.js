// A fresh position for a check-in: high accuracy, never a cached fix, and a short wait for a
// better one. Location is read only at the moment of the tap (PDPA: no background tracking);
// the watch is always cleared.

export const GOOD_ACCURACY_M = 30;
export const WAIT_MS = 8000;

export class FixError extends Error {
  /** code: "unsupported" | "denied" | "unavailable" | "timeout" */
  constructor(code) {
    super(code);
    this.code = code;
  }
}

/**
 * Resolves with {lat, lon, accuracy, fixAt} once the accuracy is ≤ GOOD_ACCURACY_M, or with
 * the best fix seen when WAIT_MS runs out. onProgress(accuracyMetres) is called for every fix.
 */
export function freshFix({ onProgress = () => {}, waitMs = WAIT_MS } = {}) {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject(new FixError("unsupported"));
      return;
    }
    let best = null;
    let done = false;
    let watchId = null;
    let timer = null;
    const finish = (error) => {
      if (done) return;
      done = true;
      if (watchId !== null) navigator.geolocation.clearWatch(watchId);
      clearTimeout(timer);
      if (best) resolve(best);
      else reject(error ?? new FixError("timeout"));
    };
    watchId = navigator.geolocation.watchPosition(
      (position) => {
        const { latitude, longitude, accuracy } = position.coords;
        const fix = {
          lat: latitude,
          lon: longitude,
          accuracy: Math.round(accuracy * 10) / 10,
          fixAt: new Date(position.timestamp || Date.now()).toISOString(),
        };
        if (!best || fix.accuracy <= best.accuracy) best = fix;
        onProgress(best.accuracy);
        if (best.accuracy <= GOOD_ACCURACY_M) finish();
      },
      (error) => {
        if (error.code === error.PERMISSION_DENIED) {
          best = null;
          finish(new FixError("denied"));
        } else if (error.code === error.TIMEOUT) {
          finish(new FixError("timeout"));
        } else {
          finish(new FixError("unavailable"));
        }
      },
      { enableHighAccuracy: true, maximumAge: 0, timeout: waitMs },
    );
    timer = setTimeout(() => finish(), waitMs + 1000);
  });
}
