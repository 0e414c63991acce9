// The wall display flies to each new critical incident, marks it with a beacon and a callout for
// config.highlightMs, and returns to the district. Between two fly-tos the district stays on
// screen at least as long as a highlight, so a busy night never hides the overall picture;
// criticals arriving meanwhile wait (the newest wins).
/* global L */
import { el } from '/map/text.js';

export function createWallFocus({ map, element, config, style, layers }) {
  const highlightMs = config.highlightMs || 15000;
  const text = config.text;
  const focus = { id: null, timer: 0, beacon: null, callout: null, pending: null, pendingTimer: 0, dwellUntil: 0 };
  let newest = null; // the newest critical of the batch being applied
  const territory = () => layers.get('territory');

  function request(i) {
    if (focus.id === null && Date.now() >= focus.dwellUntil) { highlight(i); return; }
    focus.pending = i;
    if (focus.id === null) schedulePending(focus.dwellUntil - Date.now());
  }

  function schedulePending(ms) {
    clearTimeout(focus.pendingTimer);
    focus.pendingTimer = setTimeout(() => {
      const next = focus.pending;
      focus.pending = null;
      if (next && layers.get('incidents')?.has(next.id)) highlight(next);
    }, Math.max(0, ms));
  }

  function returnToDistrict() {
    endFocus();
    territory()?.showDistrict(true);
    focus.dwellUntil = Date.now() + highlightMs;
    if (focus.pending) schedulePending(highlightMs);
  }

  function placeOf(i) {
    if (!i.gridName) return text.outsideDistrict;
    const community = i.communityName && !i.gridName.startsWith(i.communityName) ? i.communityName : null;
    return [i.subdistrictName, community, i.gridName].filter(Boolean).join(' · ');
  }

  function calloutOf(i) {
    return el('div', null,
      el('div', { className: 'cc-callout-head' },
        el('span', { className: `cc-priority cc-priority-${i.priority}` }, text.priorities?.[i.priority] ?? i.priority),
        ` ${text.types?.[i.type] ?? i.type}`),
      el('div', { className: 'cc-callout-title' }, i.title),
      el('div', { className: 'cc-callout-place' }, placeOf(i)));
  }

  function highlight(i) {
    endFocus();
    const at = [i.latitude, i.longitude];
    const districtZoom = territory()?.districtZoom() ?? map.getZoom();
    focus.id = i.id;
    element.dataset.focusIncident = String(i.id);
    territory()?.flyingTo('focus');
    map.flyTo(at, Math.min(districtZoom + 1.5, map.getMaxZoom() || 18), { duration: 1.5 });
    const size = Math.round(style.px(140));
    focus.beacon = L.marker(at, {
      // Fixed markup, no outside text: the callout below carries the incident's words as text nodes.
      icon: L.divIcon({ className: 'cc-beacon', html: '<span></span><span></span><span></span>', iconSize: [size, size] }),
      interactive: false, keyboard: false,
    }).addTo(map);
    focus.callout = L.tooltip(at, { permanent: true, direction: 'top', offset: [0, -style.px(22)], className: 'cc-callout', interactive: false })
      .setContent(calloutOf(i))
      .addTo(map);
    focus.timer = setTimeout(returnToDistrict, highlightMs);
  }

  function endFocus() {
    clearTimeout(focus.timer);
    focus.beacon?.remove();
    focus.callout?.remove();
    focus.id = null;
    focus.beacon = null;
    focus.callout = null;
    delete element.dataset.focusIncident;
  }

  return {
    focused: () => focus.id !== null,
    onEvent(e) {
      if (e.type === 'incident.created' && e.payload.isOpen && e.payload.priority === 'critical') newest = e.payload;
    },
    // Several criticals in one batch (a catch-up after an outage): show the newest.
    afterBatch() {
      if (newest) { request(newest); newest = null; }
    },
    incidentClosed(id) {
      if (focus.id === id) returnToDistrict();
    },
    dispose() {
      endFocus();
      clearTimeout(focus.pendingTimer);
    },
  };
}
