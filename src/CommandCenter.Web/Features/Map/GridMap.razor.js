// The command-center map. Owns its Leaflet layers and its own live connection: Blazor renders
// the element once and never re-renders it; events are queued and applied in batches.
// config.mode 'board': the dispatcher's interactive map. 'wall': the wall display — no controls,
// lines and marks scaled to the screen, fitted to the district, and each new critical incident
// is flown to and pulsed for config.highlightMs before the map returns to the district.
// 'replay': the board's map without the live stream; a replay (map/replay.js) draws the units
// and incidents of a past window instead.
/* global L, signalR */
import { createPatrolLayer } from '/map/patrol-layer.js';
import { createReplay } from '/map/replay.js';
import { el, textElement } from '/map/text.js';

const FLUSH_MS = 250;
const TRAIL_HOURS = 2; // a clicked unit's trail reaches this far back
const PRIORITY_COLOURS = { critical: '#ff3b30', high: '#ff9500', medium: '#ffd60a', low: '#64d2ff' };
// Wall sizes are given for 1920×1080 and scaled with the screen, so 4K is not tiny.
const WALL_BASE = { width: 1920, height: 1080 };

function shade(open) {
  if (!open) return { fillColor: '#1e3a5f', fillOpacity: 0.18 };
  if (open === 1) return { fillColor: '#f59e0b', fillOpacity: 0.30 };
  if (open === 2) return { fillColor: '#f97316', fillOpacity: 0.45 };
  return { fillColor: '#ef4444', fillOpacity: 0.6 };
}

export function init(element, config, dotnet) {
  const wall = config.mode === 'wall';
  const replayMode = config.mode === 'replay';
  const map = L.map(element, {
    zoomSnap: wall ? 0.1 : 0.25,
    attributionControl: !!config.tileUrl,
    // The wall is watched from across the room, never touched.
    ...(wall && { zoomControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false }),
  });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || '', maxZoom: 19 }).addTo(map);
  }
  map.createPane('incidents').style.zIndex = 650;
  const svg = L.svg();

  let scale = screenScale();
  function screenScale() {
    if (!wall) return 1;
    return Math.min(4, Math.max(0.75, Math.min(window.innerWidth / WALL_BASE.width, window.innerHeight / WALL_BASE.height)));
  }
  const px = v => v * scale;
  const weights = () => wall
    ? { grid: px(0.8), community: px(1.4), subdistrict: px(2.6), district: px(4), highlight: px(3), marker: px(2) }
    : { grid: 0.6, community: 1.2, subdistrict: 2.2, district: 3.5, highlight: 3, marker: 2 };
  const radius = i => (wall ? px(i.priority === 'critical' ? 14 : 10) : (i.priority === 'critical' ? 11 : 8));

  const state = {
    lastSeq: 0,
    lastEventAt: null,
    queue: [],
    markers: new Map(),   // incident id → circle marker
    incidents: new Map(), // open incident id → the incident as last received
    incidentGrid: new Map(), // open incident id → grid code
    grids: new Map(),     // grid code → { layer, open }
    highlighted: null,
    status: 'connecting',
    newCritical: null,    // wall: the newest critical incident of the current batch
    disposed: false,
  };
  const layers = { communities: null, subdistricts: null, district: null };
  const highlightMs = config.highlightMs || 15000;
  // wall: the incident flown to, and the newest critical waiting for its turn
  const focus = { id: null, timer: 0, beacon: null, callout: null, pending: null, pendingTimer: 0, dwellUntil: 0 };
  let districtBounds = null;

  const statusBox = L.DomUtil.create('div', 'cc-live-status connecting', element);
  statusBox.setAttribute('data-testid', 'live-status');
  statusBox.setAttribute('role', 'status');
  statusBox.hidden = replayMode; // a replay never joins the live stream

  function setStatus(status) {
    state.status = status;
    renderStatus();
  }

  function renderStatus() {
    statusBox.className = `cc-live-status ${state.status}`;
    reportStatus();
    if (state.status === 'down') { statusBox.textContent = config.text.down; return; }
    if (state.status === 'connecting') { statusBox.textContent = config.text.connecting; return; }
    let text = `● ${config.text.live}`;
    if (state.lastEventAt) {
      const age = Math.max(0, Math.round((Date.now() - state.lastEventAt) / 1000));
      text += ` · ${config.text.lastEvent} ${config.text.secondsAgo.replace('{0}', age)}`;
    }
    statusBox.textContent = text;
  }

  // Tells .NET the connection state when it changes, only while the Blazor circuit is up: a call
  // made while it is down never settles. When the circuit is back the state is sent again, and
  // the once-a-second status render retries a call that got no answer.
  const REPORT_TIMEOUT_MS = 10000;
  let reported = null;
  let reportingSince = 0;
  let circuitUp = true;
  const reconnectDialog = document.getElementById('components-reconnect-modal');
  const onCircuitState = e => {
    circuitUp = e.detail.state === 'hide';
    if (circuitUp) { reported = null; reportingSince = 0; reportStatus(); }
  };
  reconnectDialog?.addEventListener('components-reconnect-state-changed', onCircuitState);

  function reportStatus() {
    if (!config.reportStatus || !circuitUp || state.disposed || state.status === reported) return;
    if (reportingSince && Date.now() - reportingSince < REPORT_TIMEOUT_MS) return;
    const status = state.status;
    reportingSince = Date.now();
    try {
      dotnet.invokeMethodAsync('LiveStatusChanged', status)
        .then(() => { reported = status; }, () => { /* retried on the next tick */ })
        .finally(() => { reportingSince = 0; });
    } catch {
      reportingSince = 0; // thrown synchronously while the circuit is disconnected
    }
  }

  // ---- territory ----
  function gridStyle(code, open) {
    const w = weights();
    const line = state.highlighted === code ? { color: '#ffffff', weight: w.highlight } : { color: '#4b6a8a', weight: w.grid };
    // The territory's counts are today's: a replay of the past shows its grids unshaded.
    return { ...shade(replayMode ? 0 : open), ...line };
  }

  function lineStyles() {
    const w = weights();
    return {
      communities: { color: '#7aa2c8', weight: w.community, dashArray: `${px(4)} ${px(3)}`, fill: false },
      subdistricts: { color: '#b9d6f2', weight: w.subdistrict, fill: false },
      district: { color: '#e2f0ff', weight: w.district, fill: false, className: 'cc-district' },
    };
  }

  const territory = fetch('/api/map/territory').then(r => r.json()).then(t => {
    const styles = lineStyles();
    L.geoJSON(t.grids, {
      renderer: svg,
      interactive: !wall,
      style: f => ({ ...gridStyle(f.properties.code, f.properties.open), className: `cc-grid cc-grid-${f.properties.code}` }),
      onEachFeature: (f, layer) => {
        state.grids.set(f.properties.code, { layer, open: f.properties.open });
        if (wall) return;
        layer.bindTooltip(textElement(`${f.properties.community} · ${f.properties.name}`), { sticky: true, className: 'cc-tooltip' });
        // A click on a unit drawn over the grid is the unit's, not the grid's.
        layer.on('click', e => { if (!patrols.unitAt(e.containerPoint)) dotnet.invokeMethodAsync('GridClicked', f.properties.code); });
      },
    }).addTo(map);
    layers.communities = L.geoJSON(t.communities, { renderer: svg, interactive: false, style: styles.communities }).addTo(map);
    layers.subdistricts = L.geoJSON(t.subdistricts, {
      renderer: svg, interactive: false, style: styles.subdistricts,
      onEachFeature: (f, layer) => layer.bindTooltip(textElement(f.properties.name),
        { permanent: true, direction: 'center', className: wall ? 'cc-label cc-label-wall' : 'cc-label' }),
    }).addTo(map);
    layers.district = L.geoJSON(t.district, { renderer: svg, interactive: false, style: styles.district }).addTo(map);
    if (layers.district.getLayers().length) districtBounds = layers.district.getBounds();
    // A room opened on one incident keeps that focus; the board shows the whole district.
    if (!state.focused) showDistrict(false);
  });

  function districtPadding() {
    return wall ? L.point(px(28), px(28)) : L.point(16, 16);
  }

  function showDistrict(animate) {
    if (!districtBounds) return;
    if (animate) {
      flyingTo('district');
      map.flyToBounds(districtBounds, { padding: districtPadding(), duration: 1.5 });
    } else {
      flight++;
      map.fitBounds(districtBounds, { padding: districtPadding() });
      if (wall) element.dataset.view = 'district';
    }
  }

  // data-view on the element says what the wall shows: 'district', 'focus', or 'flying' between
  // them (Leaflet redraws the SVG only when a flight ends).
  // An interrupted flight fires no moveend, so its handler would fire at the end of the next one:
  // only the latest flight may name the view.
  let flight = 0;
  function flyingTo(view) {
    const mine = ++flight;
    element.dataset.view = 'flying';
    map.once('moveend', () => { if (mine === flight) element.dataset.view = view; });
  }

  function restyleGrid(code) {
    const g = state.grids.get(code);
    if (g) g.layer.setStyle(gridStyle(code, g.open));
  }

  function countGrid(code, delta) {
    const g = code && state.grids.get(code);
    if (!g) return;
    g.open = Math.max(0, g.open + delta);
    restyleGrid(code);
  }

  // ---- incidents ----
  function markerStyle(i) {
    return {
      pane: 'incidents', renderer: svg, radius: radius(i), weight: weights().marker, color: '#0b1622',
      fillColor: PRIORITY_COLOURS[i.priority] || '#ffffff', fillOpacity: 0.95, interactive: !wall,
      className: `cc-incident cc-incident-${i.id} cc-priority-${i.priority}`,
    };
  }

  function upsertIncident(i, isNew) {
    const previousGrid = state.incidentGrid.get(i.id);
    if (previousGrid !== undefined) { countGrid(previousGrid, -1); state.incidentGrid.delete(i.id); }
    let marker = state.markers.get(i.id);
    if (!i.isOpen) {
      if (marker) { marker.remove(); state.markers.delete(i.id); }
      state.incidents.delete(i.id);
      if (focus.id === i.id) returnToDistrict();
      return;
    }
    state.incidentGrid.set(i.id, i.gridCode);
    state.incidents.set(i.id, i);
    countGrid(i.gridCode, +1);
    const style = markerStyle(i);
    if (!marker) {
      marker = L.circleMarker([i.latitude, i.longitude], style).addTo(map);
      if (!wall) marker.on('click', () => dotnet.invokeMethodAsync('IncidentClicked', i.id));
      state.markers.set(i.id, marker);
    } else {
      marker.setLatLng([i.latitude, i.longitude]).setStyle(style);
    }
    if (!wall) marker.bindTooltip(textElement(i.title), { className: 'cc-tooltip' });
    if (isNew) pulse(i);
  }

  function pulse(i) {
    const ring = L.circleMarker([i.latitude, i.longitude], {
      pane: 'incidents', renderer: svg, radius: wall ? px(30) : 26, weight: wall ? px(3) : 3,
      color: PRIORITY_COLOURS[i.priority] || '#fff', fill: false, interactive: false, className: 'cc-pulse',
    }).addTo(map);
    setTimeout(() => ring.remove(), 4000);
  }

  // ---- wall: fly to a new critical incident, pulse, return to the district ----
  // Between two fly-tos the district stays on screen at least as long as a highlight, so a busy
  // night never hides the overall picture; criticals arriving meanwhile wait (the newest wins).
  function requestHighlight(i) {
    if (focus.id === null && Date.now() >= focus.dwellUntil) { highlight(i); return; }
    focus.pending = i;
    if (focus.id === null) schedulePending(focus.dwellUntil - Date.now());
  }

  function schedulePending(ms) {
    clearTimeout(focus.pendingTimer);
    focus.pendingTimer = setTimeout(() => {
      const next = focus.pending;
      focus.pending = null;
      if (next && state.incidents.has(next.id)) highlight(next);
    }, Math.max(0, ms));
  }

  function returnToDistrict() {
    endFocus();
    showDistrict(true);
    focus.dwellUntil = Date.now() + highlightMs;
    if (focus.pending) schedulePending(highlightMs);
  }


  function placeOf(i) {
    if (!i.gridName) return config.text.outsideDistrict;
    const community = i.communityName && !i.gridName.startsWith(i.communityName) ? i.communityName : null;
    return [i.subdistrictName, community, i.gridName].filter(Boolean).join(' · ');
  }

  function calloutOf(i) {
    return el('div', null,
      el('div', { className: 'cc-callout-head' },
        el('span', { className: `cc-priority cc-priority-${i.priority}` }, config.text.priorities?.[i.priority] ?? i.priority),
        ` ${config.text.types?.[i.type] ?? i.type}`),
      el('div', { className: 'cc-callout-title' }, i.title),
      el('div', { className: 'cc-callout-place' }, placeOf(i)));
  }

  function highlight(i) {
    endFocus();
    const at = [i.latitude, i.longitude];
    const districtZoom = districtBounds ? map.getBoundsZoom(districtBounds, false, districtPadding()) : map.getZoom();
    focus.id = i.id;
    element.dataset.focusIncident = String(i.id);
    flyingTo('focus');
    map.flyTo(at, Math.min(districtZoom + 1.5, map.getMaxZoom() || 18), { duration: 1.5 });
    const size = Math.round(px(140));
    focus.beacon = L.marker(at, {
      icon: L.divIcon({ className: 'cc-beacon', html: '<span></span><span></span><span></span>', iconSize: [size, size] }),
      interactive: false, keyboard: false,
    }).addTo(map);
    focus.callout = L.tooltip(at, { permanent: true, direction: 'top', offset: [0, -px(22)], className: 'cc-callout', interactive: false })
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

  function rescale() {
    const next = screenScale();
    if (next === scale) return;
    scale = next;
    const styles = lineStyles();
    for (const [name, layer] of Object.entries(layers)) layer?.setStyle(styles[name]);
    for (const code of state.grids.keys()) restyleGrid(code);
    for (const [id, marker] of state.markers) marker.setStyle(markerStyle(state.incidents.get(id)));
  }

  if (wall) {
    map.on('resize', () => {
      rescale();
      if (focus.id === null) showDistrict(false);
    });
  }

  // ---- snapshot and stream ----
  async function loadSnapshot() {
    const snapshot = await fetch('/api/incidents/open').then(r => r.json());
    for (const id of [...state.markers.keys()]) upsertIncident({ id, isOpen: false }, false);
    for (const i of snapshot.items) upsertIncident(i, false);
    state.lastSeq = snapshot.lastSeq;
  }

  function applyEvent(e) {
    if (e.seq <= state.lastSeq) return true;
    if (e.seq !== state.lastSeq + 1) return false; // a gap: ask for what is missing
    state.lastSeq = e.seq;
    state.lastEventAt = Date.now();
    if (e.type === 'incident.created' || e.type === 'incident.updated') {
      upsertIncident(e.payload, e.type === 'incident.created');
      if (wall && e.type === 'incident.created' && e.payload.isOpen && e.payload.priority === 'critical') state.newCritical = e.payload;
    }
    return true;
  }

  // ---- patrol units: a canvas layer fed by its own hub batches (ADR 0005) ----
  const patrols = createPatrolLayer(map, element, config.patrols, () => joinPositions().catch(() => {}));

  async function joinPositions() {
    patrols.apply(await connection.invoke(config.patrols.join));
  }

  // ---- live connection ----
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(config.hubPath)
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(1000 * 2 ** ctx.previousRetryCount, 10000) })
    .build();
  connection.on('ReceiveEvent', e => state.queue.push(e));
  // Already coalesced by the server (a few batches a second); drawn on the next animation frame.
  connection.on(config.patrols.method, update => patrols.apply(update));

  async function join() {
    const catchUp = await connection.invoke('Join', config.stream, state.lastSeq);
    if (catchUp.reset) { state.queue.length = 0; await loadSnapshot(); return; }
    state.queue.unshift(...catchUp.events);
  }

  let joining = false;
  async function rejoin() {
    if (joining) return;
    joining = true;
    try { await join(); await joinPositions(); state.status = 'live'; } catch { state.status = 'down'; } finally { joining = false; renderStatus(); }
  }

  connection.onreconnecting(() => setStatus('down'));
  connection.onreconnected(() => rejoin());
  connection.onclose(() => { setStatus('down'); if (!state.disposed) setTimeout(start, 2000); });

  async function start() {
    if (state.disposed) return;
    try {
      await connection.start();
      await rejoin();
    } catch {
      setStatus('down');
      setTimeout(start, 3000);
    }
  }

  if (!replayMode) territory.then(loadSnapshot).then(start).catch(() => { setStatus('down'); setTimeout(start, 3000); });

  // ---- a unit's trail: click a unit (or ShowUnitTrailAsync); a click elsewhere or Escape clears it ----
  const trailPane = map.createPane('trail');
  trailPane.style.zIndex = 630; // under the units and incidents
  const trailRenderer = L.svg({ pane: 'trail' });
  let trail = null;
  let trailRequest = 0;

  async function showUnitTrail(unitId) {
    const mine = ++trailRequest;
    const response = await fetch(`/api/patrol/units/${encodeURIComponent(unitId)}/trail?hours=${TRAIL_HOURS}`,
      { credentials: 'same-origin', headers: { Accept: 'application/geo+json' } });
    const feature = response.ok ? await response.json() : null;
    if (mine !== trailRequest || state.disposed) return false; // cleared or replaced meanwhile
    removeTrail();
    if (!feature) return false;
    const line = (feature.geometry?.coordinates || []).map(([lon, lat]) => [lat, lon]);
    const colour = '#64d2ff';
    trail = L.layerGroup().addTo(map);
    if (line.length) {
      L.polyline(line, { pane: 'trail', renderer: trailRenderer, color: colour, weight: 4, opacity: 0.9, lineJoin: 'round', interactive: false, className: 'cc-trail' }).addTo(trail);
      L.circleMarker(line[0], { pane: 'trail', renderer: trailRenderer, radius: 5, weight: 2, color: colour, fillColor: '#0b1622', fillOpacity: 1, interactive: false, className: 'cc-trail-start' })
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

  function removeTrail() {
    trail?.remove();
    trail = null;
    delete element.dataset.trailUnit;
    delete element.dataset.trailFixes;
    delete element.dataset.trailVertices;
  }

  function clearTrail() {
    trailRequest++;
    removeTrail();
  }

  const onKey = e => { if (e.key === 'Escape') clearTrail(); };
  if (!wall && !replayMode) {
    map.on('click', e => {
      const unit = patrols.unitAt(e.containerPoint);
      if (!unit) { clearTrail(); return; }
      showUnitTrail(unit.id);
      dotnet.invokeMethodAsync('UnitClicked', unit.id);
    });
    document.addEventListener('keydown', onKey);
  }

  // ---- replay: units and incidents of a past window, drawn by the same layers ----
  const replay = replayMode ? createReplay(map, element, patrols, { markerStyle, timeZone: config.timeZone, locale: config.locale }, dotnet) : null;

  const flushTimer = setInterval(() => {
    if (!state.queue.length) return;
    const batch = state.queue.splice(0, state.queue.length).sort((a, b) => a.seq - b.seq);
    for (let k = 0; k < batch.length; k++) {
      if (!applyEvent(batch[k])) { state.queue.unshift(...batch.slice(k)); rejoin(); break; }
    }
    // Several criticals in one batch (a catch-up after an outage): show the newest.
    if (state.newCritical) { requestHighlight(state.newCritical); state.newCritical = null; }
    renderStatus();
  }, FLUSH_MS);
  const clockTimer = setInterval(renderStatus, 1000);
  renderStatus();

  return {
    focusIncident(id, lat, lon) {
      state.focused = true;
      // Before the first view is set there is nothing to fly from.
      if (map._loaded) map.flyTo([lat, lon], Math.max(map.getZoom(), 16), { duration: 0.8 });
      else map.setView([lat, lon], 16);
      const marker = state.markers.get(id);
      if (marker) marker.openTooltip();
    },
    highlightGrid(code) {
      const previous = state.highlighted;
      state.highlighted = code;
      if (previous) restyleGrid(previous);
      if (code) restyleGrid(code);
    },
    showUnitTrail,
    clearTrail,
    ...(replay && {
      replayLoad: (from, to, clock, slider) => replay.load(from, to, clock, slider),
      replayPlay: () => replay.play(),
      replayPause: () => replay.pause(),
      replaySpeed: speed => replay.setSpeed(speed),
    }),
    dispose() {
      state.disposed = true;
      document.removeEventListener('keydown', onKey);
      replay?.dispose();
      reconnectDialog?.removeEventListener('components-reconnect-state-changed', onCircuitState);
      endFocus();
      clearTimeout(focus.pendingTimer);
      clearInterval(flushTimer);
      clearInterval(clockTimer);
      patrols.dispose();
      connection.stop();
      map.remove();
    },
  };
}
