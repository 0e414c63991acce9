// Open incidents as circle markers coloured by priority: the snapshot, then the stream's
// created/updated events. A new incident pulses once; a grid's count follows its incidents.
/* global L */
import { textElement } from '/map/text.js';
import { PRIORITY_COLOURS } from '/map/style.js';

export function createIncidents({ map, dotnet, wall, style, svg, layers }) {
  map.createPane('incidents').style.zIndex = 650;
  const markers = new Map();   // incident id → circle marker
  const incidents = new Map(); // open incident id → the incident as last received
  const gridOf = new Map();    // open incident id → grid code
  const territory = () => layers.get('territory');
  const radius = i => (wall ? style.px(i.priority === 'critical' ? 14 : 10) : (i.priority === 'critical' ? 11 : 8));

  function markerStyle(i) {
    return {
      pane: 'incidents', renderer: svg, radius: radius(i), weight: style.weights().marker, color: '#0b1622',
      fillColor: PRIORITY_COLOURS[i.priority] || '#ffffff', fillOpacity: 0.95, interactive: !wall,
      className: `cc-incident cc-incident-${i.id} cc-priority-${i.priority}`,
    };
  }

  function upsert(i, isNew) {
    const previousGrid = gridOf.get(i.id);
    if (previousGrid !== undefined) { territory()?.countGrid(previousGrid, -1); gridOf.delete(i.id); }
    let marker = markers.get(i.id);
    if (!i.isOpen) {
      if (marker) { marker.remove(); markers.delete(i.id); }
      incidents.delete(i.id);
      layers.each('incidentClosed', i.id);
      return;
    }
    gridOf.set(i.id, i.gridCode);
    incidents.set(i.id, i);
    territory()?.countGrid(i.gridCode, +1);
    const markerOptions = markerStyle(i);
    if (!marker) {
      marker = L.circleMarker([i.latitude, i.longitude], markerOptions).addTo(map);
      if (!wall) marker.on('click', () => dotnet.invokeMethodAsync('IncidentClicked', i.id));
      markers.set(i.id, marker);
    } else {
      marker.setLatLng([i.latitude, i.longitude]).setStyle(markerOptions);
    }
    if (!wall) marker.bindTooltip(textElement(i.title), { className: 'cc-tooltip' });
    if (isNew) pulse(i);
  }

  function pulse(i) {
    const ring = L.circleMarker([i.latitude, i.longitude], {
      pane: 'incidents', renderer: svg, radius: wall ? style.px(30) : 26, weight: wall ? style.px(3) : 3,
      color: PRIORITY_COLOURS[i.priority] || '#fff', fill: false, interactive: false, className: 'cc-pulse',
    }).addTo(map);
    setTimeout(() => ring.remove(), 4000);
  }

  // Before a map has drawn its first view there is nothing to fly from.
  let viewSet = false;
  map.whenReady(() => { viewSet = true; });

  return {
    markerStyle,
    has: id => incidents.has(id),
    // Replaces every marker with the open incidents now; returns the stream's seq they are at.
    async loadSnapshot() {
      const snapshot = await fetch('/api/incidents/open').then(r => r.json());
      for (const id of [...markers.keys()]) upsert({ id, isOpen: false }, false);
      for (const i of snapshot.items) upsert(i, false);
      return snapshot.lastSeq;
    },
    onEvent(e) {
      if (e.type === 'incident.created' || e.type === 'incident.updated') upsert(e.payload, e.type === 'incident.created');
    },
    rescale() {
      for (const [id, marker] of markers) marker.setStyle(markerStyle(incidents.get(id)));
    },
    api: {
      // The responder's map has no stream: its page pins the one incident it is about.
      pinIncident(i) {
        upsert({ ...i, isOpen: true, gridCode: null }, false);
      },
      // The incident room: opens on the incident instead of the whole district.
      focusIncident(id, lat, lon) {
        territory()?.keepView();
        if (viewSet) map.flyTo([lat, lon], Math.max(map.getZoom(), 16), { duration: 0.8 });
        else map.setView([lat, lon], 16);
        markers.get(id)?.openTooltip();
      },
    },
  };
}
