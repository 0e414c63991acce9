// A unit's trail of the last hours: drawn when a unit is clicked on the board (or asked for by
// .NET), cleared by a click elsewhere on the map or Escape.
/* global L */
import { textElement } from '/map/text.js';

const TRAIL_HOURS = 2;
const COLOUR = '#64d2ff';

export function createTrail({ map, element, dotnet, wall, replay, layers }) {
  const pane = map.createPane('trail');
  pane.style.zIndex = 630; // under the units and incidents
  const renderer = L.svg({ pane: 'trail' });
  let trail = null;
  let request = 0;
  let disposed = false;

  async function showUnitTrail(unitId) {
    const mine = ++request;
    const response = await fetch(`/api/patrol/units/${encodeURIComponent(unitId)}/trail?hours=${TRAIL_HOURS}`,
      { credentials: 'same-origin', headers: { Accept: 'application/geo+json' } });
    const feature = response.ok ? await response.json() : null;
    if (mine !== request || disposed) return false; // cleared or replaced meanwhile
    remove();
    if (!feature) return false;
    const line = (feature.geometry?.coordinates || []).map(([lon, lat]) => [lat, lon]);
    trail = L.layerGroup().addTo(map);
    if (line.length) {
      L.polyline(line, { pane: 'trail', renderer, color: COLOUR, weight: 4, opacity: 0.9, lineJoin: 'round', interactive: false, className: 'cc-trail' }).addTo(trail);
      L.circleMarker(line[0], { pane: 'trail', renderer, radius: 5, weight: 2, color: COLOUR, fillColor: '#0b1622', fillOpacity: 1, interactive: false, className: 'cc-trail-start' })
        .bindTooltip(textElement(feature.properties.callsign), { permanent: true, direction: 'left', className: 'cc-tooltip' })
        .addTo(trail);
      // Keep the view when the whole trail is already on screen.
      const bounds = L.latLngBounds(line);
      if (!map.getBounds().contains(bounds)) map.fitBounds(bounds, { padding: L.point(40, 40), maxZoom: 17 });
    }
    element.dataset.trailUnit = String(unitId);
    element.dataset.trailFixes = String(feature.properties.fixes);
    element.dataset.trailVertices = String(line.length);
    return true;
  }

  function remove() {
    trail?.remove();
    trail = null;
    delete element.dataset.trailUnit;
    delete element.dataset.trailFixes;
    delete element.dataset.trailVertices;
  }

  function clearTrail() {
    request++;
    remove();
  }

  const onKey = e => { if (e.key === 'Escape') clearTrail(); };
  const interactive = !wall && !replay;
  if (interactive) {
    map.on('click', e => {
      const unit = layers.get('patrols')?.unitAt(e.containerPoint);
      if (!unit) { clearTrail(); return; }
      showUnitTrail(unit.id);
      dotnet.invokeMethodAsync('UnitClicked', unit.id);
    });
    document.addEventListener('keydown', onKey);
  }

  return {
    api: { showUnitTrail, clearTrail },
    dispose() {
      disposed = true;
      document.removeEventListener('keydown', onKey);
    },
  };
}
