// Patrol units on one canvas: thousands of markers without a DOM node each. The layer keeps the
// units by id, applies the hub's batches (a snapshot, then changed units only, in seq order) and
// redraws at most once per animation frame. Colour by status, faded when silent, a heading arrow,
// callsigns from LABEL_ZOOM.
/* global L */

const COLOURS = { available: '#30d158', assigned: '#0a84ff', en_route: '#ff9f0a', on_scene: '#ff375f', silent: '#8e8e93' };
const LABEL_ZOOM = 16;
const HIT_PX = 9;

export function createPatrolLayer(map, element, config, onGap) {
  const units = new Map(); // id → unit as sent by the server
  let seq = -1;
  let frame = 0;
  const stats = { lastApplyMs: 0, lastDrawMs: 0, batches: 0 };

  const pane = map.createPane('patrols');
  pane.style.zIndex = 640; // above the grids, below the incidents
  pane.style.pointerEvents = 'none';
  const canvas = L.DomUtil.create('canvas', 'cc-patrol-canvas', pane);
  canvas.setAttribute('data-testid', 'patrol-canvas');
  const ctx = canvas.getContext('2d');
  const tooltip = L.tooltip({ className: 'cc-tooltip', direction: 'top', offset: [0, -8] });

  function resize() {
    const size = map.getSize();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  // One path per status colour (circles, vehicle squares, then heading arrows): a few dozen
  // canvas calls for thousands of units instead of several per unit.
  function draw() {
    frame = 0;
    const started = performance.now();
    // The pane moves with the map while panning; keep the canvas over the viewport.
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    const size = map.getSize();
    ctx.clearRect(0, 0, size.x, size.y);
    const zoom = map.getZoom();
    const radius = zoom >= 15 ? 6 : zoom >= 13 ? 4.5 : 3;
    const arrows = radius > 3;
    const visible = new Map(); // status → [[unit, point]]
    for (const u of units.values()) {
      const p = map.latLngToContainerPoint([u.lat, u.lon]);
      if (p.x < -20 || p.y < -20 || p.x > size.x + 80 || p.y > size.y + 20) continue;
      let list = visible.get(u.status);
      if (!list) visible.set(u.status, list = []);
      list.push([u, p]);
    }
    ctx.strokeStyle = '#0b1622';
    ctx.lineWidth = 1.5;
    for (const [status, list] of visible) {
      ctx.globalAlpha = status === 'silent' ? 0.4 : 1;
      ctx.fillStyle = COLOURS[status] || '#ffffff';
      ctx.beginPath();
      for (const [u, p] of list) {
        if (u.kind === 'vehicle') ctx.rect(p.x - radius, p.y - radius, radius * 2, radius * 2);
        else { ctx.moveTo(p.x + radius, p.y); ctx.arc(p.x, p.y, radius, 0, Math.PI * 2); }
      }
      ctx.fill();
      ctx.stroke();
      if (!arrows) continue;
      ctx.beginPath();
      for (const [u, p] of list) {
        if (u.heading === null || u.heading === undefined) continue;
        const a = (u.heading - 90) * Math.PI / 180; // 0° is north, clockwise
        const tip = radius + 7;
        ctx.moveTo(p.x + Math.cos(a) * tip, p.y + Math.sin(a) * tip);
        ctx.lineTo(p.x + Math.cos(a + 0.5) * (radius + 1), p.y + Math.sin(a + 0.5) * (radius + 1));
        ctx.lineTo(p.x + Math.cos(a - 0.5) * (radius + 1), p.y + Math.sin(a - 0.5) * (radius + 1));
        ctx.closePath();
      }
      ctx.fill();
    }
    if (zoom >= LABEL_ZOOM) {
      ctx.font = '12px "Noto Sans CJK SC", sans-serif';
      ctx.textBaseline = 'middle';
      ctx.fillStyle = '#e2f0ff';
      for (const [status, list] of visible) {
        ctx.globalAlpha = status === 'silent' ? 0.6 : 1;
        for (const [u, p] of list) ctx.fillText(status === 'silent' ? `${u.callsign} · ${age(u)}` : u.callsign, p.x + radius + 4, p.y);
      }
    }
    ctx.globalAlpha = 1;
    stats.lastDrawMs = performance.now() - started;
  }

  function age(u) {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(u.fixAt)) / 1000));
    return seconds < 120 ? config.text.secondsAgo.replace('{0}', seconds) : config.text.minutesAgo.replace('{0}', Math.round(seconds / 60));
  }

  function publish() {
    element.dataset.patrolUnits = String(units.size);
    element.dataset.patrolSeq = String(seq);
  }

  // Returns false on a gap in seq: the caller re-joins and gets a new snapshot.
  function apply(update) {
    const started = performance.now();
    if (update.snapshot) {
      units.clear();
      seq = update.seq;
    } else if (update.seq <= seq) {
      return true; // already in the snapshot
    } else if (seq >= 0 && update.seq !== seq + 1) {
      onGap();
      return false;
    } else {
      seq = update.seq;
    }
    for (const u of update.units) units.set(u.id, u);
    stats.lastApplyMs = performance.now() - started;
    stats.batches++;
    publish();
    schedule();
    return true;
  }

  function nearest(point) {
    let best = null;
    let bestDistance = HIT_PX;
    for (const u of units.values()) {
      const p = map.latLngToContainerPoint([u.lat, u.lon]);
      const d = Math.hypot(p.x - point.x, p.y - point.y);
      if (d < bestDistance) { best = u; bestDistance = d; }
    }
    return best;
  }

  function describe(u) {
    const status = config.text.status[u.status] || u.status;
    const kind = config.text.kind[u.kind] || u.kind;
    const speed = u.speed !== null && u.speed !== undefined ? ` · ${(u.speed * 3.6).toFixed(0)} km/h` : '';
    return `${u.callsign} · ${kind} · ${status}${speed} · ${config.text.lastFix} ${age(u)}`;
  }

  map.on('mousemove', e => {
    const u = nearest(e.containerPoint);
    if (u) tooltip.setLatLng([u.lat, u.lon]).setContent(describe(u)).addTo(map);
    else tooltip.remove();
  });
  map.on('move zoom viewreset', schedule);
  map.on('resize', () => { resize(); schedule(); });
  resize();
  // Silent units' ages in their labels tick even without batches.
  const ageTimer = setInterval(() => { if (map.getZoom() >= LABEL_ZOOM) schedule(); }, 5000);
  publish();

  // For tests and for measuring: read-only views of the layer's state.
  element.ccPatrols = {
    count: () => units.size,
    unit: id => { const u = units.get(id); return u ? { ...u } : null; },
    // Where the unit is drawn, in canvas CSS pixels (for a test to read the canvas there).
    pointOf: id => { const u = units.get(id); if (!u) return null; const p = map.latLngToContainerPoint([u.lat, u.lon]); return { x: p.x, y: p.y }; },
    drawNow: draw,
    stats: () => ({ ...stats }),
    apply,
  };

  return {
    apply,
    unitAt: nearest, // the unit drawn within a few pixels of a container point, or null
    reset() { seq = -1; },
    dispose() { clearInterval(ageTimer); if (frame) cancelAnimationFrame(frame); tooltip.remove(); },
  };
}
