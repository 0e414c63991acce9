// Patrol units on one canvas: thousands of markers without a DOM node each. The layer keeps the
// units in typed arrays (one slot per unit), applies the hub's batches (a snapshot, then changed
// units only, in seq order) and redraws at most once per animation frame. Colour by status, faded
// when silent, heading arrows and callsigns at close zoom; zoomed out, dense screen cells are
// drawn as one count bubble whose ring shows the share of each status.
//
// Cost per frame is a multiply-add per unit: each unit's Web Mercator position (0..1) is computed
// when it moves, not per frame, and the frame only scales and offsets it. Nothing is allocated
// per unit per frame.
/* global L */

const STATUSES = ['available', 'assigned', 'en_route', 'on_scene', 'silent'];
const COLOURS = ['#30d158', '#0a84ff', '#ff9f0a', '#ff375f', '#8e8e93', '#ffffff']; // the last: an unknown status
const SILENT = 4;
const OTHER = 5;
const BUCKETS = 6;
const STATUS_INDEX = new Map(STATUSES.map((s, i) => [s, i]));
const LABEL_ZOOM = 16;
const ARROW_ZOOM = 15;
// Below this zoom a screen cell holding CLUSTER_MIN units or more becomes one bubble; sparse
// cells still show their units, so a quiet area never hides a lone unit behind a "1".
const CLUSTER_BELOW_ZOOM = 15;
const CELL_PX = 56;
const CLUSTER_MIN = 4;
const HIT_PX = 9;
const HIT_CELL = 16;
const LABEL_CELL_W = 96;
const LABEL_CELL_H = 18;
const SIN_HALF = Math.sin(0.5);
const COS_HALF = Math.cos(0.5);

export function createPatrolLayer(map, element, config, onGap) {
  const text = config?.text || {};
  let seq = -1;
  let frame = 0;
  const stats = { lastApplyMs: 0, lastDrawMs: 0, batches: 0, zoom: 0, visible: 0, individuals: 0, clusters: 0 };

  // ---- units: one slot each, parallel typed arrays ----
  const slots = new Map(); // id → slot
  let n = 0;
  let cap = 0;
  let ids, wx, wy, lat, lon, heading, hx, hy, speed, fixAt, status, vehicle;
  let callsigns = [];
  let kinds = [];
  let statusNames = [];

  function grow(size) {
    const copy = (Type, old) => { const a = new Type(size); if (old) a.set(old.subarray(0, n)); return a; };
    ids = copy(Float64Array, ids); wx = copy(Float64Array, wx); wy = copy(Float64Array, wy);
    lat = copy(Float64Array, lat); lon = copy(Float64Array, lon); heading = copy(Float32Array, heading);
    hx = copy(Float32Array, hx); hy = copy(Float32Array, hy); speed = copy(Float32Array, speed);
    fixAt = copy(Float64Array, fixAt); status = copy(Uint8Array, status); vehicle = copy(Uint8Array, vehicle);
    frameBuffers(size);
    cap = size;
  }

  // Spherical Mercator like Leaflet's EPSG3857, scaled to 0..1: the layer point at zoom z is w·256·2^z.
  const MAX_LAT = 85.0511287798;
  const mercator = !map.options.crs || map.options.crs === L.CRS.EPSG3857;
  function project(k) {
    if (mercator) {
      const la = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat[k])) * Math.PI / 180;
      wx[k] = lon[k] / 360 + 0.5;
      wy[k] = 0.5 - Math.log(Math.tan(Math.PI / 4 + la / 2)) / (2 * Math.PI);
    } else {
      const p = map.options.crs.latLngToPoint(L.latLng(lat[k], lon[k]), 0);
      wx[k] = p.x / 256; wy[k] = p.y / 256;
    }
  }

  const num = v => (v === null || v === undefined ? NaN : v);

  // A unit from the hub is [id, callsign, kind, status, lat, lon, heading, speed, fixAt ms];
  // tests and older callers may pass { id, callsign, kind, status, lat, lon, heading, speed, fixAt }.
  function put(u) {
    const wire = Array.isArray(u);
    const id = wire ? u[0] : u.id;
    let k = slots.get(id);
    const fresh = k === undefined;
    if (fresh) {
      if (n === cap) grow(cap * 2);
      k = n++;
      slots.set(id, k);
      ids[k] = id;
    }
    const s = wire ? u[3] : u.status;
    const kind = wire ? u[2] : u.kind;
    const la = wire ? u[4] : u.lat;
    const lo = wire ? u[5] : u.lon;
    const h = num(wire ? u[6] : u.heading);
    callsigns[k] = wire ? u[1] : u.callsign;
    kinds[k] = kind;
    statusNames[k] = s;
    status[k] = STATUS_INDEX.get(s) ?? OTHER;
    vehicle[k] = kind === 'vehicle' ? 1 : 0;
    speed[k] = num(wire ? u[7] : u.speed);
    fixAt[k] = wire ? u[8] : Date.parse(u.fixAt);
    if (fresh || la !== lat[k] || lo !== lon[k]) { lat[k] = la; lon[k] = lo; project(k); }
    if (fresh || h !== heading[k]) {
      heading[k] = h;
      const a = h * Math.PI / 180; // 0° is north, clockwise
      hx[k] = Math.sin(a); hy[k] = -Math.cos(a);
    }
  }

  // ---- the canvas ----
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

  // ---- per-frame scratch, reused ----
  let px, py, cellOf, order, drawn;
  let cellTotal = new Int32Array(0), cellCounts = new Int32Array(0), cellX = new Float64Array(0), cellY = new Float64Array(0);
  let hitStart = new Int32Array(0), hitItems = new Int32Array(0), hitCols = 0, hitRows = 0, hitCount = 0;
  let labelTaken = new Uint8Array(0);
  let clusterList = []; // of the last frame: { x, y, count, counts[] }
  const bucketStart = new Int32Array(BUCKETS + 1);
  const view = { offX: 0, offY: 0, scale: 1 };
  grow(1024);

  function frameBuffers(size) {
    px = new Float32Array(size); py = new Float32Array(size);
    cellOf = new Int32Array(size); order = new Int32Array(size); drawn = new Int32Array(size);
  }

  function ensure(array, Type, length) {
    return array.length >= length ? array : new Type(Math.max(length, array.length * 2));
  }

  function updateView() {
    const zoom = map.getZoom();
    const origin = map.getPixelOrigin();
    const topLeft = map.containerPointToLayerPoint([0, 0]);
    view.scale = 256 * 2 ** zoom;
    view.offX = origin.x + topLeft.x; // world pixel at the container's left edge
    view.offY = origin.y + topLeft.y;
    return zoom;
  }

  function draw() {
    frame = 0;
    const started = performance.now();
    // The pane moves with the map while panning; keep the canvas over the viewport.
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    const size = map.getSize();
    const w = size.x;
    const h = size.y;
    ctx.clearRect(0, 0, w, h);
    const zoom = updateView();
    const { offX, offY, scale } = view;
    const radius = zoom >= 15 ? 6 : zoom >= 13 ? 4.5 : 3;
    const cluster = zoom < CLUSTER_BELOW_ZOOM;

    // Cells are fixed in world pixels, so bubbles stay put while the map pans.
    const cellX0 = Math.floor(offX / CELL_PX) - 1;
    const cellY0 = Math.floor(offY / CELL_PX) - 1;
    const cols = Math.ceil(w / CELL_PX) + 3;
    const rows = Math.ceil(h / CELL_PX) + 3;
    if (cluster) {
      const cells = cols * rows;
      cellTotal = ensure(cellTotal, Int32Array, cells); cellTotal.fill(0, 0, cells);
      cellCounts = ensure(cellCounts, Int32Array, cells * BUCKETS); cellCounts.fill(0, 0, cells * BUCKETS);
      cellX = ensure(cellX, Float64Array, cells); cellX.fill(0, 0, cells);
      cellY = ensure(cellY, Float64Array, cells); cellY.fill(0, 0, cells);
    }

    // Pass 1: project, cull, and (zoomed out) count per cell.
    let visible = 0;
    const margin = 20;
    for (let k = 0; k < n; k++) {
      const X = wx[k] * scale;
      const Y = wy[k] * scale;
      const x = X - offX;
      const y = Y - offY;
      px[k] = x; py[k] = y;
      if (x < -margin || y < -margin || x > w + margin || y > h + margin) continue;
      order[visible++] = k;
      if (cluster) {
        const c = (Math.floor(X / CELL_PX) - cellX0) + (Math.floor(Y / CELL_PX) - cellY0) * cols;
        cellOf[k] = c;
        cellTotal[c]++;
        cellCounts[c * BUCKETS + status[k]]++;
        cellX[c] += x; cellY[c] += y;
      }
    }

    // Pass 2: the units drawn one by one, sorted by status bucket (a counting sort).
    bucketStart.fill(0);
    let individuals = 0;
    for (let i = 0; i < visible; i++) {
      const k = order[i];
      if (cluster && cellTotal[cellOf[k]] >= CLUSTER_MIN) continue;
      bucketStart[status[k] + 1]++;
      individuals++;
    }
    for (let b = 0; b < BUCKETS; b++) bucketStart[b + 1] += bucketStart[b];
    const fill = bucketStart.slice(0, BUCKETS);
    for (let i = 0; i < visible; i++) {
      const k = order[i];
      if (cluster && cellTotal[cellOf[k]] >= CLUSTER_MIN) continue;
      drawn[fill[status[k]]++] = k;
    }

    drawUnits(radius, zoom >= ARROW_ZOOM);
    clusterList = cluster ? drawClusters(cols * rows) : [];
    if (zoom >= LABEL_ZOOM) drawLabels(w, h, radius, individuals);
    buildHitIndex(w, h, individuals);

    stats.zoom = zoom;
    stats.visible = visible;
    stats.individuals = individuals;
    stats.clusters = clusterList.length;
    stats.lastDrawMs = performance.now() - started;
  }

  // One path per status colour: a few dozen canvas calls for thousands of units.
  function drawUnits(radius, arrows) {
    ctx.strokeStyle = '#0b1622';
    ctx.lineWidth = 1.5;
    const tip = radius + 7;
    const side = radius + 1;
    for (let b = 0; b < BUCKETS; b++) {
      const from = bucketStart[b];
      const to = bucketStart[b + 1];
      if (from === to) continue;
      ctx.globalAlpha = b === SILENT ? 0.4 : 1;
      ctx.fillStyle = COLOURS[b];
      ctx.beginPath();
      for (let i = from; i < to; i++) {
        const k = drawn[i];
        const x = px[k];
        const y = py[k];
        if (vehicle[k]) ctx.rect(x - radius, y - radius, radius * 2, radius * 2);
        else { ctx.moveTo(x + radius, y); ctx.arc(x, y, radius, 0, Math.PI * 2); }
      }
      ctx.fill();
      ctx.stroke();
      if (!arrows) continue;
      ctx.beginPath();
      for (let i = from; i < to; i++) {
        const k = drawn[i];
        if (Number.isNaN(heading[k])) continue;
        const x = px[k];
        const y = py[k];
        const c = hx[k];
        const s = hy[k];
        // The side points are the tip direction turned by ±0.5 rad.
        ctx.moveTo(x + c * tip, y + s * tip);
        ctx.lineTo(x + (c * COS_HALF - s * SIN_HALF) * side, y + (s * COS_HALF + c * SIN_HALF) * side);
        ctx.lineTo(x + (c * COS_HALF + s * SIN_HALF) * side, y + (s * COS_HALF - c * SIN_HALF) * side);
        ctx.closePath();
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }

  // A dark disc with the count, ringed by one arc per status in proportion to its units.
  function drawClusters(cells) {
    const list = [];
    for (let c = 0; c < cells; c++) {
      const count = cellTotal[c];
      if (count < CLUSTER_MIN) continue;
      list.push({ x: cellX[c] / count, y: cellY[c] / count, count, counts: cellCounts.slice(c * BUCKETS, c * BUCKETS + BUCKETS) });
    }
    if (!list.length) return list;
    const r = q => 10 + 3 * Math.log10(q.count);
    ctx.fillStyle = 'rgba(11, 22, 34, 0.85)';
    ctx.beginPath();
    for (const q of list) { const rr = r(q); ctx.moveTo(q.x + rr, q.y); ctx.arc(q.x, q.y, rr, 0, Math.PI * 2); }
    ctx.fill();
    ctx.lineWidth = 4;
    const starts = new Float64Array(list.length).fill(-Math.PI / 2);
    for (let b = 0; b < BUCKETS; b++) {
      ctx.strokeStyle = COLOURS[b];
      ctx.globalAlpha = b === SILENT ? 0.7 : 1;
      ctx.beginPath();
      for (let j = 0; j < list.length; j++) {
        const q = list[j];
        const share = q.counts[b] / q.count;
        if (!share) continue;
        const rr = r(q) - 2;
        const end = starts[j] + share * Math.PI * 2;
        ctx.moveTo(q.x + Math.cos(starts[j]) * rr, q.y + Math.sin(starts[j]) * rr);
        ctx.arc(q.x, q.y, rr, starts[j], end);
        starts[j] = end;
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.font = '600 11px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#e2f0ff';
    for (const q of list) ctx.fillText(q.count > 999 ? `${Math.round(q.count / 100) / 10}k` : String(q.count), q.x, q.y);
    ctx.textAlign = 'start';
    return list;
  }

  // Callsigns of the units drawn, at most one per label cell so a crowd stays readable.
  function drawLabels(w, h, radius, individuals) {
    const cols = Math.ceil(w / LABEL_CELL_W) + 1;
    const cells = cols * (Math.ceil(h / LABEL_CELL_H) + 1);
    labelTaken = ensure(labelTaken, Uint8Array, cells);
    labelTaken.fill(0, 0, cells);
    ctx.font = '12px "Noto Sans CJK SC", sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#e2f0ff';
    const now = Date.now();
    for (let i = 0; i < individuals; i++) {
      const k = drawn[i];
      const x = px[k] + radius + 4;
      const y = py[k];
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      const c = Math.floor(x / LABEL_CELL_W) + Math.floor(y / LABEL_CELL_H) * cols;
      if (labelTaken[c]) continue;
      labelTaken[c] = 1;
      const silent = status[k] === SILENT;
      ctx.globalAlpha = silent ? 0.6 : 1;
      ctx.fillText(silent ? `${callsigns[k]} · ${age(fixAt[k], now)}` : callsigns[k], x, y);
    }
    ctx.globalAlpha = 1;
  }

  // A bucket grid of the units drawn, so hovering looks at a few units, not all of them.
  function buildHitIndex(w, h, individuals) {
    hitCols = Math.ceil(w / HIT_CELL) + 1;
    hitRows = Math.ceil(h / HIT_CELL) + 1;
    const cells = hitCols * hitRows;
    hitStart = ensure(hitStart, Int32Array, cells + 1);
    hitStart.fill(0, 0, cells + 1);
    hitItems = ensure(hitItems, Int32Array, individuals);
    hitCount = 0;
    const cellOfPoint = k => {
      const cx = Math.floor(px[k] / HIT_CELL);
      const cy = Math.floor(py[k] / HIT_CELL);
      return cx < 0 || cy < 0 || cx >= hitCols || cy >= hitRows ? -1 : cx + cy * hitCols;
    };
    for (let i = 0; i < individuals; i++) { const c = cellOfPoint(drawn[i]); if (c >= 0) hitStart[c + 1]++; }
    for (let c = 0; c < cells; c++) hitStart[c + 1] += hitStart[c];
    const next = hitStart.slice(0, cells);
    for (let i = 0; i < individuals; i++) { const k = drawn[i]; const c = cellOfPoint(k); if (c >= 0) { hitItems[next[c]++] = k; hitCount++; } }
  }

  function nearest(point) {
    let best = -1;
    let bestDistance = HIT_PX;
    const cx = Math.floor(point.x / HIT_CELL);
    const cy = Math.floor(point.y / HIT_CELL);
    for (let y = cy - 1; y <= cy + 1; y++) {
      if (y < 0 || y >= hitRows) continue;
      for (let x = cx - 1; x <= cx + 1; x++) {
        if (x < 0 || x >= hitCols) continue;
        const c = x + y * hitCols;
        for (let i = hitStart[c]; i < hitStart[c + 1]; i++) {
          const k = hitItems[i];
          const d = Math.hypot(px[k] - point.x, py[k] - point.y);
          if (d < bestDistance) { best = k; bestDistance = d; }
        }
      }
    }
    return best;
  }

  function nearestCluster(point) {
    for (const q of clusterList) if (Math.hypot(q.x - point.x, q.y - point.y) <= 10 + 3 * Math.log10(q.count)) return q;
    return null;
  }

  function age(ms, now = Date.now()) {
    const seconds = Math.max(0, Math.round((now - ms) / 1000));
    return seconds < 120 ? (text.secondsAgo || '{0}s').replace('{0}', seconds) : (text.minutesAgo || '{0}min').replace('{0}', Math.round(seconds / 60));
  }

  function publish() {
    element.dataset.patrolUnits = String(n);
    element.dataset.patrolSeq = String(seq);
  }

  // Returns false on a gap in seq: the caller re-joins and gets a new snapshot.
  function apply(update) {
    const started = performance.now();
    if (update.snapshot) {
      slots.clear();
      n = 0;
      callsigns = []; kinds = []; statusNames = [];
      seq = update.seq;
    } else if (update.seq <= seq) {
      return true; // already in the snapshot
    } else if (seq >= 0 && update.seq !== seq + 1) {
      onGap();
      return false;
    } else {
      seq = update.seq;
    }
    const list = update.units;
    for (let i = 0; i < list.length; i++) put(list[i]);
    stats.lastApplyMs = performance.now() - started;
    stats.batches++;
    publish();
    schedule();
    return true;
  }

  function view_(k) {
    return {
      id: ids[k], callsign: callsigns[k], kind: kinds[k], status: statusNames[k], lat: lat[k], lon: lon[k],
      heading: Number.isNaN(heading[k]) ? null : heading[k], speed: Number.isNaN(speed[k]) ? null : speed[k],
      fixAt: new Date(fixAt[k]).toISOString(),
    };
  }

  function describe(k) {
    const statusText = text.status?.[statusNames[k]] || statusNames[k];
    const kindText = text.kind?.[kinds[k]] || kinds[k];
    const speedText = Number.isNaN(speed[k]) ? '' : ` · ${(speed[k] * 3.6).toFixed(0)} km/h`;
    return `${callsigns[k]} · ${kindText} · ${statusText}${speedText} · ${text.lastFix || ''} ${age(fixAt[k])}`;
  }

  function describeCluster(q) {
    const parts = [];
    for (let b = 0; b < STATUSES.length; b++) if (q.counts[b]) parts.push(`${text.status?.[STATUSES[b]] || STATUSES[b]} ${q.counts[b]}`);
    return `${q.count} · ${parts.join(' · ')}`;
  }

  // Hover at most once per frame, against the index of the last draw.
  let hoverAt = null;
  let hoverFrame = 0;
  function hover() {
    hoverFrame = 0;
    const k = nearest(hoverAt);
    if (k >= 0) { tooltip.setLatLng([lat[k], lon[k]]).setContent(describe(k)).addTo(map); return; }
    const q = nearestCluster(hoverAt);
    if (q) tooltip.setLatLng(map.containerPointToLatLng([q.x, q.y])).setContent(describeCluster(q)).addTo(map);
    else tooltip.remove();
  }
  map.on('mousemove', e => {
    hoverAt = e.containerPoint;
    if (!hoverFrame) hoverFrame = requestAnimationFrame(hover);
  });
  map.on('move zoom viewreset', schedule);
  map.on('resize', () => { resize(); schedule(); });
  resize();
  // Silent units' ages in their labels tick even without batches.
  const ageTimer = setInterval(() => { if (map.getZoom() >= LABEL_ZOOM) schedule(); }, 5000);
  publish();

  // For tests and for measuring: read-only views of the layer's state.
  element.ccPatrols = {
    count: () => n,
    unit: id => { const k = slots.get(id); return k === undefined ? null : view_(k); },
    // Where the unit is drawn, in canvas CSS pixels (for a test to read the canvas there).
    pointOf: id => {
      const k = slots.get(id);
      if (k === undefined) return null;
      updateView();
      return { x: wx[k] * view.scale - view.offX, y: wy[k] * view.scale - view.offY };
    },
    // Draws at once (and drops the frame already asked for).
    drawNow: () => { if (frame) cancelAnimationFrame(frame); draw(); },
    stats: () => ({ ...stats }),
    // The count bubbles of the last draw (empty when zoomed in), in canvas CSS pixels.
    clusters: () => clusterList.map(q => ({
      x: q.x, y: q.y, count: q.count,
      statuses: Object.fromEntries(STATUSES.map((s, b) => [s, q.counts[b]]).filter(([, c]) => c)),
    })),
    apply,
  };

  return {
    apply,
    reset() { seq = -1; },
    dispose() {
      clearInterval(ageTimer);
      if (frame) cancelAnimationFrame(frame);
      if (hoverFrame) cancelAnimationFrame(hoverFrame);
      tooltip.remove();
    },
  };
}
