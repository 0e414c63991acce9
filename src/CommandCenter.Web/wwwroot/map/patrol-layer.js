// Patrol units on one canvas: thousands of markers without a DOM node each. The store keeps the
// units and applies the hub's batches; this layer redraws at most once per animation frame.
// Colour by status, faded when silent, heading arrows and callsigns at close zoom; zoomed out,
// dense screen cells are drawn as one count bubble whose ring shows the share of each status.
// Cost per frame is a multiply-add per unit (see patrols/cluster.js), nothing allocated per unit.
/* global L */
import { textElement } from '/map/text.js';
import { createUnitStore, mercator, STATUSES, SILENT, OTHER } from '/map/patrols/store.js';
import { createFrame, layout, clustersOf, clusterAt, CLUSTER_BELOW_ZOOM } from '/map/patrols/cluster.js';
import { createHitIndex, buildHitIndex, nearest } from '/map/patrols/hit-index.js';
import { createSprites } from '/map/patrols/sprites.js';
import { createRaster } from '/map/patrols/raster.js';
import { warmUpSteps, runWhenIdle } from '/map/patrols/warmup.js';
import { age, describeUnit, describeCluster, countLabel } from '/map/patrols/labels.js';

const LABEL_ZOOM = 16;
const ARROW_ZOOM = 15;
const LABEL_CELL_W = 96;
const LABEL_CELL_H = 18;
const DRAW_ORDER = [SILENT, OTHER, 0, 1, 2, 3]; // silent units first, so the active ones are drawn over them

// config: { text }; onGap(): a batch is missing, the caller re-joins for a new snapshot.
export function createPatrolLayer(map, element, config, onGap) {
  const text = config?.text || {};
  let frameRequest = 0;
  const stats = { lastApplyMs: 0, lastDrawMs: 0, batches: 0, zoom: 0, visible: 0, individuals: 0, clusters: 0, parts: {}, warmup: {} };
  const crs = map.options.crs;
  const project = !crs || crs === L.CRS.EPSG3857 ? mercator
    : (la, lo, out) => { const p = crs.latLngToPoint(L.latLng(la, lo), 0); out[0] = p.x / 256; out[1] = p.y / 256; return out; };
  const store = createUnitStore({ project, onGap });
  const units = store.units;

  const pane = map.createPane('patrols');
  pane.style.zIndex = 640; // above the grids, below the incidents
  pane.style.pointerEvents = 'none';
  const canvas = L.DomUtil.create('canvas', 'cc-patrol-canvas', pane);
  canvas.setAttribute('data-testid', 'patrol-canvas');
  const ctx = canvas.getContext('2d');
  const tooltip = L.tooltip({ className: 'cc-tooltip', direction: 'top', offset: [0, -8] });
  const sprites = createSprites();
  const raster = createRaster(sprites);
  const frame = createFrame();
  const hits = createHitIndex();
  const view = { offX: 0, offY: 0, scale: 1 };
  let labelTaken = new Uint8Array(0);
  let clusterList = []; // of the last frame: { x, y, count, counts[] }

  function resize() {
    const size = map.getSize();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  // A batch may arrive before the map has a view (a replay loaded while the territory is still
  // on its way): there is nothing to draw on until then.
  let hasView = false;
  function schedule() {
    if (hasView && !frameRequest) frameRequest = requestAnimationFrame(draw);
  }
  map.whenReady(() => { hasView = true; schedule(); });

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
    frameRequest = 0;
    const started = performance.now();
    // The pane moves with the map while panning; keep the canvas over the viewport.
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    const { x: w, y: h } = map.getSize();
    const zoom = updateView();
    const radius = zoom >= 15 ? 6 : zoom >= 13 ? 4.5 : 3;
    const cluster = zoom < CLUSTER_BELOW_ZOOM;
    layout(frame, units, view, w, h, cluster);

    // Where a frame's time goes, for the measurement: cull/sort, sprites, bubbles, put, labels.
    const parts = stats.parts;
    let mark = started;
    const lap = name => { const now = performance.now(); parts[name] = now - mark; mark = now; };
    lap('cull');
    raster.frame(canvas.width, canvas.height);
    drawUnits(radius, zoom >= ARROW_ZOOM);
    lap('units');
    clusterList = cluster ? drawClusters() : [];
    lap('clusters');
    raster.put(ctx);
    lap('put');
    if (zoom >= LABEL_ZOOM) drawLabels(w, h, radius);
    buildHitIndex(hits, frame.px, frame.py, frame.drawn, frame.individuals, w, h);
    lap('labels');

    stats.zoom = zoom;
    stats.visible = frame.visible;
    stats.individuals = frame.individuals;
    stats.clusters = clusterList.length;
    stats.lastDrawMs = performance.now() - started;
  }

  function drawUnits(radius, arrows) {
    const sheet = sprites.sheet(radius, arrows);
    const ratio = window.devicePixelRatio || 1;
    const { drawn, bucketStart, px, py } = frame;
    const { headingBucket, vehicle } = units;
    for (const b of DRAW_ORDER) {
      for (let i = bucketStart[b]; i < bucketStart[b + 1]; i++) {
        const k = drawn[i];
        const col = arrows ? headingBucket[k] : 0;
        raster.stamp(sheet[(b * 2 + vehicle[k]) * sheet.columns + col], Math.round(px[k] * ratio), Math.round(py[k] * ratio));
      }
    }
  }

  function drawClusters() {
    const list = clustersOf(frame);
    const ratio = window.devicePixelRatio || 1;
    for (const q of list) {
      raster.stampBubble(q, ratio);
      raster.stampCount(countLabel(q.count), q.x, q.y);
    }
    return list;
  }

  // Callsigns of the units drawn, at most one per label cell so a crowd stays readable.
  function drawLabels(w, h, radius) {
    const cols = Math.ceil(w / LABEL_CELL_W) + 1;
    const cells = cols * (Math.ceil(h / LABEL_CELL_H) + 1);
    if (labelTaken.length < cells) labelTaken = new Uint8Array(Math.max(cells, labelTaken.length * 2));
    labelTaken.fill(0, 0, cells);
    ctx.font = '12px "Noto Sans CJK SC", sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#e2f0ff';
    const now = Date.now();
    const { drawn, px, py } = frame;
    const { status, callsigns, fixAt } = units;
    for (let i = 0; i < frame.individuals; i++) {
      const k = drawn[i];
      const x = px[k] + radius + 4;
      const y = py[k];
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      const c = Math.floor(x / LABEL_CELL_W) + Math.floor(y / LABEL_CELL_H) * cols;
      if (labelTaken[c]) continue;
      labelTaken[c] = 1;
      const silent = status[k] === SILENT;
      ctx.globalAlpha = silent ? 0.6 : 1;
      ctx.fillText(silent ? `${callsigns[k]} · ${age(text, fixAt[k], now)}` : callsigns[k], x, y);
    }
    ctx.globalAlpha = 1;
  }

  const describe = k => textElement(describeUnit(text, {
    callsign: units.callsigns[k], kind: units.kinds[k], status: units.statusNames[k], speed: units.speed[k], fixAt: units.fixAt[k],
  }));

  function apply(update) {
    const started = performance.now();
    if (!store.apply(update)) return false;
    stats.lastApplyMs = performance.now() - started;
    stats.batches++;
    publish();
    schedule();
    return true;
  }

  function publish() {
    element.dataset.patrolUnits = String(units.n);
    element.dataset.patrolSeq = String(units.seq);
  }

  // Hover at most once per frame, against the index of the last draw.
  let hoverAt = null;
  let hoverFrame = 0;
  function hover() {
    hoverFrame = 0;
    const k = nearest(hits, frame.px, frame.py, hoverAt);
    if (k >= 0) { tooltip.setLatLng([units.lat[k], units.lon[k]]).setContent(describe(k)).addTo(map); return; }
    const q = clusterAt(clusterList, hoverAt);
    if (q) tooltip.setLatLng(map.containerPointToLatLng([q.x, q.y])).setContent(textElement(describeCluster(text, q))).addTo(map);
    else tooltip.remove();
  }
  const onMouseMove = e => {
    hoverAt = e.containerPoint;
    if (!hoverFrame) hoverFrame = requestAnimationFrame(hover);
  };
  const onResize = () => { resize(); schedule(); };
  map.on('mousemove', onMouseMove);
  map.on('move zoom viewreset', schedule);
  map.on('resize', onResize);
  resize();
  const warmUp = runWhenIdle(warmUpSteps({
    sprites, raster, frame, drawClusters,
    frameImage: () => raster.frame(canvas.width, canvas.height),
    // The canvas's first put allocates its backing store.
    putOnce: () => { if (!stats.lastDrawMs) raster.put(ctx); },
  }), stats.warmup);
  // Silent units' ages in their labels tick even without batches.
  const ageTimer = setInterval(() => { if (map.getZoom() >= LABEL_ZOOM) schedule(); }, 5000);
  publish();

  return {
    apply,
    // The unit drawn within a few pixels of a container point in the last frame, or null.
    unitAt: point => { const k = nearest(hits, frame.px, frame.py, point); return k < 0 ? null : store.view(k); },
    // Read-only views for tests and measurement (map/debug.js).
    inspect: () => ({
      count: () => units.n,
      unit: id => { const k = store.slotOf(id); return k === undefined ? null : store.view(k); },
      // Where the unit is drawn, in canvas CSS pixels (for a test to read the canvas there).
      pointOf: id => {
        const k = store.slotOf(id);
        if (k === undefined) return null;
        updateView();
        return { x: units.wx[k] * view.scale - view.offX, y: units.wy[k] * view.scale - view.offY };
      },
      // Draws at once (and drops the frame already asked for).
      drawNow: () => { if (frameRequest) cancelAnimationFrame(frameRequest); draw(); },
      stats: () => ({ ...stats, parts: { ...stats.parts }, warmup: { ...stats.warmup }, warmupPending: warmUp.pending() }),
      // The count bubbles of the last draw (empty when zoomed in), in canvas CSS pixels.
      clusters: () => clusterList.map(q => ({
        x: q.x, y: q.y, count: q.count,
        statuses: Object.fromEntries(STATUSES.map((s, b) => [s, q.counts[b]]).filter(([, c]) => c)),
      })),
      apply,
    }),
    dispose() {
      warmUp.cancel();
      clearInterval(ageTimer);
      if (frameRequest) cancelAnimationFrame(frameRequest);
      if (hoverFrame) cancelAnimationFrame(hoverFrame);
      map.off('mousemove', onMouseMove);
      map.off('move zoom viewreset', schedule);
      map.off('resize', onResize);
      tooltip.remove();
    },
  };
}
