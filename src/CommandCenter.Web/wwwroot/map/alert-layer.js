// 110 linkage alerts as diamonds coloured by state (map/alerts/labels.js): all open alerts when
// the map joins, then the server's coalesced changes (LinkageBoard) — only changed markers are
// touched. Done and cancelled alerts leave the map. A missing update asks for all of them again.
/* global L */
import { el } from '/map/text.js';
import { alertLook, describeAlert, legend, paint } from '/map/alerts/labels.js';

export function createAlertLayer({ map, wall, style, config }, rejoin) {
  const text = config.alerts || {};
  map.createPane('alerts').style.zIndex = 655; // above the incidents' circles, below tooltips
  const markers = new Map(); // alert id → { marker, alert }
  let seq = -1;
  const size = () => (wall ? style.px(24) : 18);

  function icon(a) {
    const look = alertLook(a);
    const diamond = el('span', { className: 'cc-alert-diamond' });
    paint(diamond, look);
    const s = size();
    return L.divIcon({ html: diamond, className: `cc-alert cc-alert-${a.id} cc-alert-${look.key}`, iconSize: [s, s] });
  }

  function remove(id) {
    markers.get(id)?.marker.remove();
    markers.delete(id);
  }

  function upsert(a) {
    if (!alertLook(a)) { remove(a.id); return; }
    const known = markers.get(a.id);
    if (known) {
      known.marker.setLatLng([a.latitude, a.longitude]).setIcon(icon(a));
      known.alert = a;
    } else {
      const marker = L.marker([a.latitude, a.longitude], { pane: 'alerts', icon: icon(a), interactive: !wall, keyboard: false }).addTo(map);
      markers.set(a.id, { marker, alert: a });
    }
    if (!wall) markers.get(a.id).marker.bindTooltip(describeAlert(a, text), { className: 'cc-tooltip', direction: 'top' });
  }

  const control = L.control({ position: 'bottomright' });
  control.onAdd = () => {
    const box = legend(text);
    // A tap on the legend is not a tap on the grid beneath it.
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  control.addTo(map);
  // Leaflet fixes its own type at 12 px; the wall's legend is read from across the room.
  const legendSize = () => { if (wall) control.getContainer().style.fontSize = `${style.px(18)}px`; };
  legendSize();

  return {
    // update: { seq, snapshot, alerts, removed } from JoinAlerts or ReceiveAlerts.
    apply(update) {
      if (update.snapshot) {
        for (const id of [...markers.keys()]) remove(id);
      } else if (update.seq <= seq) {
        return; // already in the snapshot
      } else if (update.seq !== seq + 1) {
        rejoin();
        return;
      }
      seq = update.seq;
      for (const id of update.removed || []) remove(id);
      for (const a of update.alerts || []) upsert(a);
    },
    count: () => markers.size,
    rescale() {
      legendSize();
      for (const { marker, alert } of markers.values()) marker.setIcon(icon(alert));
    },
    dispose() {
      control.remove();
      for (const id of [...markers.keys()]) remove(id);
    },
  };
}
