// The office outline on a real map (Leaflet 1.9.4 + leaflet-geoman 2.20.2, vendored in
// /vendor/). The libraries are loaded here on demand, the first time an office editor opens:
// they are not in index.html nor in the service worker's first-load list.
//
// Each part of the outline is its own polygon layer (drawn, edited, dragged, cut for holes,
// removed with geoman's toolbar); the outline is one Polygon or, with several parts, one
// MultiPolygon. The tiles come from the MAP_TILE_URL setting; without them (offline, tests)
// the drawing still works on a blank background.

const SCRIPTS = ["/vendor/leaflet/leaflet.js", "/vendor/leaflet-geoman/leaflet-geoman.min.js"];
const STYLES = ["/vendor/leaflet/leaflet.css", "/vendor/leaflet-geoman/leaflet-geoman.css"];
const PART_STYLE = { color: "#0b4f8a", weight: 2, fillOpacity: 0.15 };
const VERDICT_COLOURS = { inside: "#1b7f3b", outside: "#b3261e", uncertain: "#8a5a00" };
// Malaysia, for a new office with nothing drawn yet.
const MALAYSIA = { center: [4.2, 108.0], zoom: 5 };

let loading = null;

function addScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = false;
    script.addEventListener("load", resolve, { once: true });
    script.addEventListener("error", () => reject(new Error(`cannot load ${src}`)), { once: true });
    document.head.append(script);
  });
}

/** Leaflet with geoman, loaded once per page (a failed load may be tried again). */
export function loadMapLibraries() {
  if (window.L?.PM) return Promise.resolve(window.L);
  if (!loading) {
    for (const href of STYLES) {
      if (document.querySelector(`link[href="${href}"]`)) continue;
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.append(link);
    }
    loading = SCRIPTS.reduce((previous, src) => previous.then(() => addScript(src)), Promise.resolve())
      .then(() => window.L)
      .catch((error) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

/** The polygons (lists of rings, [lon, lat]) of a Polygon or MultiPolygon. */
function polygonsOf(geometry) {
  if (geometry?.type === "Polygon") return [geometry.coordinates];
  if (geometry?.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

/**
 * A map editor in `container`. `onChange(geometry)` is called after every drawing change with
 * the whole outline (null when nothing is drawn). Returns the editor's controls.
 */
export function createOfficeMap(L, container, { tileUrl, attribution, geometry, onChange, language }) {
  const map = L.map(container, { zoomControl: true, attributionControl: true });
  L.tileLayer(tileUrl, { maxZoom: 20, maxNativeZoom: 19, attribution }).addTo(map);
  // geoman has no Malay: its Indonesian texts are the closest.
  if (language === "en") map.pm.setLang("en");
  else map.pm.setLang("ms", { tooltips: {} }, "id");
  map.pm.setGlobalOptions({ pathOptions: PART_STYLE, snappable: true, allowSelfIntersection: false });
  map.pm.addControls({
    position: "topleft",
    drawMarker: false,
    drawCircleMarker: false,
    drawPolyline: false,
    drawCircle: false,
    drawText: false,
    rotateMode: false,
    drawPolygon: true,
    drawRectangle: true,
    editMode: true,
    dragMode: true,
    cutPolygon: true,
    removalMode: true,
  });
  // geoman puts each tool's name in its wrapper's title: the link itself gets it as its
  // accessible name (screen readers and axe's link-name rule).
  for (const button of container.querySelectorAll(".leaflet-buttons-control-button")) {
    const title = button.parentElement?.getAttribute("title");
    if (title) button.setAttribute("aria-label", title);
  }

  const testLayers = L.layerGroup().addTo(map);

  const parts = () =>
    map.pm.getGeomanLayers().filter((layer) => layer instanceof L.Polygon && !layer.options.hadirTest);

  function current() {
    const polygons = parts().flatMap((layer) => polygonsOf(layer.toGeoJSON(7).geometry));
    if (!polygons.length) return null;
    if (polygons.length === 1) return { type: "Polygon", coordinates: polygons[0] };
    return { type: "MultiPolygon", coordinates: polygons };
  }

  const changed = () => onChange(current());
  const watch = (layer) => {
    for (const event of ["pm:edit", "pm:dragend", "pm:cut"]) layer.on(event, changed);
  };

  map.on("pm:create", (event) => {
    watch(event.layer);
    changed();
  });
  map.on("pm:remove", changed);
  map.on("pm:cut", (event) => {
    watch(event.layer);
    changed();
  });

  function setGeometry(next, { fit = true } = {}) {
    for (const layer of parts()) layer.remove();
    const added = polygonsOf(next).map((rings) => {
      const layer = L.polygon(
        rings.map((ring) => ring.map(([lon, lat]) => [lat, lon])),
        PART_STYLE,
      ).addTo(map);
      watch(layer);
      return layer;
    });
    if (fit && added.length) map.fitBounds(L.featureGroup(added).getBounds(), { padding: [24, 24], maxZoom: 19 });
  }

  /** The test position and its accuracy circle, coloured by the verdict. */
  function showTestPosition({ lat, lon, accuracyM }, status) {
    testLayers.clearLayers();
    const colour = VERDICT_COLOURS[status] ?? "#444";
    const options = { color: colour, weight: 2, fillOpacity: 0.12, pmIgnore: true, hadirTest: true, interactive: false };
    L.circle([lat, lon], { ...options, radius: Math.max(accuracyM, 1) }).addTo(testLayers);
    L.circleMarker([lat, lon], { ...options, radius: 4, fillOpacity: 1 }).addTo(testLayers);
    const bounds = L.latLng(lat, lon).toBounds(Math.max(accuracyM, 10) * 2);
    const outline = parts();
    map.fitBounds(outline.length ? L.featureGroup(outline).getBounds().extend(bounds) : bounds, { padding: [24, 24], maxZoom: 19 });
  }

  if (geometry) setGeometry(geometry);
  else map.setView(MALAYSIA.center, MALAYSIA.zoom);
  // The container may have been laid out after the map was made (a view being built).
  requestAnimationFrame(() => map.invalidateSize());

  return { map, current, setGeometry, showTestPosition, remove: () => map.remove() };
}
