// The command-center map. Owns its Leaflet layers and its own live connection: Blazor renders
// the element once and never re-renders it; events are queued and applied in batches.
/* global L, signalR */
import { createPatrolLayer } from '/map/patrol-layer.js';

const FLUSH_MS = 250;
const PRIORITY_COLOURS = { critical: '#ff3b30', high: '#ff9500', medium: '#ffd60a', low: '#64d2ff' };

function shade(open) {
  if (!open) return { fillColor: '#1e3a5f', fillOpacity: 0.18 };
  if (open === 1) return { fillColor: '#f59e0b', fillOpacity: 0.30 };
  if (open === 2) return { fillColor: '#f97316', fillOpacity: 0.45 };
  return { fillColor: '#ef4444', fillOpacity: 0.6 };
}

export function init(element, config, dotnet) {
  const map = L.map(element, { zoomSnap: 0.25, attributionControl: !!config.tileUrl });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || '', maxZoom: 19 }).addTo(map);
  }
  map.createPane('incidents').style.zIndex = 650;
  const svg = L.svg();

  const state = {
    lastSeq: 0,
    lastEventAt: null,
    queue: [],
    markers: new Map(),   // incident id → circle marker
    incidentGrid: new Map(), // open incident id → grid code
    grids: new Map(),     // grid code → { layer, open }
    highlighted: null,
    status: 'connecting',
    disposed: false,
  };

  const statusBox = L.DomUtil.create('div', 'cc-live-status connecting', element);
  statusBox.setAttribute('data-testid', 'live-status');
  statusBox.setAttribute('role', 'status');

  function renderStatus() {
    statusBox.className = `cc-live-status ${state.status}`;
    if (state.status === 'down') { statusBox.textContent = config.text.down; return; }
    if (state.status === 'connecting') { statusBox.textContent = config.text.connecting; return; }
    let text = `● ${config.text.live}`;
    if (state.lastEventAt) {
      const age = Math.max(0, Math.round((Date.now() - state.lastEventAt) / 1000));
      text += ` · ${config.text.lastEvent} ${config.text.secondsAgo.replace('{0}', age)}`;
    }
    statusBox.textContent = text;
  }

  // ---- territory ----
  const territory = fetch('/api/map/territory').then(r => r.json()).then(t => {
    L.geoJSON(t.grids, {
      renderer: svg,
      style: f => ({ color: '#4b6a8a', weight: 0.6, ...shade(f.properties.open), className: `cc-grid cc-grid-${f.properties.code}` }),
      onEachFeature: (f, layer) => {
        state.grids.set(f.properties.code, { layer, open: f.properties.open });
        layer.bindTooltip(`${f.properties.community} · ${f.properties.name}`, { sticky: true, className: 'cc-tooltip' });
        layer.on('click', () => dotnet.invokeMethodAsync('GridClicked', f.properties.code));
      },
    }).addTo(map);
    L.geoJSON(t.communities, { renderer: svg, interactive: false, style: { color: '#7aa2c8', weight: 1.2, dashArray: '4 3', fill: false } }).addTo(map);
    L.geoJSON(t.subdistricts, {
      renderer: svg, interactive: false, style: { color: '#b9d6f2', weight: 2.2, fill: false },
      onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name, { permanent: true, direction: 'center', className: 'cc-label' }),
    }).addTo(map);
    const district = L.geoJSON(t.district, { renderer: svg, interactive: false, style: { color: '#e2f0ff', weight: 3.5, fill: false } }).addTo(map);
    if (district.getLayers().length) map.fitBounds(district.getBounds(), { padding: [16, 16] });
  });

  function restyleGrid(code) {
    const g = state.grids.get(code);
    if (g) g.layer.setStyle({ ...shade(g.open), ...(state.highlighted === code ? { color: '#ffffff', weight: 3 } : { color: '#4b6a8a', weight: 0.6 }) });
  }

  function countGrid(code, delta) {
    const g = code && state.grids.get(code);
    if (!g) return;
    g.open = Math.max(0, g.open + delta);
    restyleGrid(code);
  }

  // ---- incidents ----
  function upsertIncident(i, isNew) {
    const previousGrid = state.incidentGrid.get(i.id);
    if (previousGrid !== undefined) { countGrid(previousGrid, -1); state.incidentGrid.delete(i.id); }
    let marker = state.markers.get(i.id);
    if (!i.isOpen) {
      if (marker) { marker.remove(); state.markers.delete(i.id); }
      return;
    }
    state.incidentGrid.set(i.id, i.gridCode);
    countGrid(i.gridCode, +1);
    const style = {
      pane: 'incidents', renderer: svg, radius: i.priority === 'critical' ? 11 : 8, weight: 2, color: '#0b1622',
      fillColor: PRIORITY_COLOURS[i.priority] || '#ffffff', fillOpacity: 0.95,
      className: `cc-incident cc-incident-${i.id} cc-priority-${i.priority}`,
    };
    if (!marker) {
      marker = L.circleMarker([i.latitude, i.longitude], style).addTo(map);
      marker.on('click', () => dotnet.invokeMethodAsync('IncidentClicked', i.id));
      state.markers.set(i.id, marker);
    } else {
      marker.setLatLng([i.latitude, i.longitude]).setStyle(style);
    }
    marker.bindTooltip(i.title, { className: 'cc-tooltip' });
    if (isNew) pulse(i);
  }

  function pulse(i) {
    const ring = L.circleMarker([i.latitude, i.longitude], {
      pane: 'incidents', renderer: svg, radius: 26, weight: 3, color: PRIORITY_COLOURS[i.priority] || '#fff', fill: false,
      interactive: false, className: 'cc-pulse',
    }).addTo(map);
    setTimeout(() => ring.remove(), 4000);
  }

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
    if (e.type === 'incident.created' || e.type === 'incident.updated') upsertIncident(e.payload, e.type === 'incident.created');
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

  connection.onreconnecting(() => { state.status = 'down'; renderStatus(); });
  connection.onreconnected(() => rejoin());
  connection.onclose(() => { state.status = 'down'; renderStatus(); if (!state.disposed) setTimeout(start, 2000); });

  async function start() {
    if (state.disposed) return;
    try {
      await connection.start();
      await rejoin();
    } catch {
      state.status = 'down';
      renderStatus();
      setTimeout(start, 3000);
    }
  }

  territory.then(loadSnapshot).then(start).catch(() => { state.status = 'down'; renderStatus(); setTimeout(start, 3000); });

  const flushTimer = setInterval(() => {
    if (!state.queue.length) return;
    const batch = state.queue.splice(0, state.queue.length).sort((a, b) => a.seq - b.seq);
    for (let k = 0; k < batch.length; k++) {
      if (!applyEvent(batch[k])) { state.queue.unshift(...batch.slice(k)); rejoin(); break; }
    }
    renderStatus();
  }, FLUSH_MS);
  const clockTimer = setInterval(renderStatus, 1000);
  renderStatus();

  return {
    focusIncident(id, lat, lon) {
      map.flyTo([lat, lon], Math.max(map.getZoom(), 16), { duration: 0.8 });
      const marker = state.markers.get(id);
      if (marker) marker.openTooltip();
    },
    highlightGrid(code) {
      const previous = state.highlighted;
      state.highlighted = code;
      if (previous) restyleGrid(previous);
      if (code) restyleGrid(code);
    },
    dispose() {
      state.disposed = true;
      clearInterval(flushTimer);
      clearInterval(clockTimer);
      patrols.dispose();
      connection.stop();
      map.remove();
    },
  };
}
