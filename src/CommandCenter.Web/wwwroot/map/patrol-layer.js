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
import { textElement } from '/map/text.js';

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
const HEADINGS = 36; // arrow directions drawn, 10° apart

export function createPatrolLayer(map, element, config, onGap) {
  const text = config?.text || {};
  let seq = -1;
  let frame = 0;
  const stats = { lastApplyMs: 0, lastDrawMs: 0, batches: 0, zoom: 0, visible: 0, individuals: 0, clusters: 0, parts: {}, warmup: {} };

  // ---- units: one slot each, parallel typed arrays ----
  const slots = new Map(); // id → slot
  let n = 0;
  let cap = 0;
  let ids, wx, wy, lat, lon, heading, headingBucket, speed, fixAt, status, vehicle;
  let callsigns = [];
  let kinds = [];
  let statusNames = [];

  function grow(size) {
    const copy = (Type, old) => { const a = new Type(size); if (old) a.set(old.subarray(0, n)); return a; };
    ids = copy(Float64Array, ids); wx = copy(Float64Array, wx); wy = copy(Float64Array, wy);
    lat = copy(Float64Array, lat); lon = copy(Float64Array, lon); heading = copy(Float32Array, heading);
    headingBucket = copy(Uint8Array, headingBucket); speed = copy(Float32Array, speed);
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
      headingBucket[k] = Number.isNaN(h) ? HEADINGS : ((Math.round(h / (360 / HEADINGS)) % HEADINGS) + HEADINGS) % HEADINGS;
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

    // Where a frame's time goes, for the measurement: cull/sort, sprites, bubbles, put, labels.
    const parts = stats.parts;
    let mark = started;
    const lap = name => { const now = performance.now(); parts[name] = now - mark; mark = now; };
    lap('cull');
    frameImage();
    drawUnits(radius, zoom >= ARROW_ZOOM);
    lap('units');
    clusterList = cluster ? drawClusters(cols * rows) : [];
    lap('clusters');
    ctx.putImageData(image, 0, 0);
    lap('put');
    if (zoom >= LABEL_ZOOM) drawLabels(w, h, radius, individuals);
    buildHitIndex(w, h, individuals);
    lap('labels');

    stats.zoom = zoom;
    stats.visible = visible;
    stats.individuals = individuals;
    stats.clusters = clusterList.length;
    stats.lastDrawMs = performance.now() - started;
  }

  // ---- raster: markers and bubbles are written into one pixel buffer, put once per frame ----
  // A software-rasterised canvas (headless, or no GPU) spends ~20 µs filling and stroking one
  // anti-aliased marker, and a drawImage per marker costs as much; copying a sprite's few hundred
  // pixels in JS costs ~1 µs. So sprites are drawn once with canvas paths, cut into pixel lists,
  // and each frame copies them into an ImageData that is put on the canvas in one call.
  let image = null;
  let pixels = null; // Uint32 view of image: 0xAABBGGRR on little-endian machines
  let imageW = 0;
  let imageH = 0;

  function frameImage() {
    if (!image || image.width !== canvas.width || image.height !== canvas.height) {
      image = new ImageData(Math.max(1, canvas.width), Math.max(1, canvas.height));
      pixels = new Uint32Array(image.data.buffer);
      imageW = image.width;
      imageH = image.height;
    } else {
      pixels.fill(0);
    }
  }

  // Non-transparent pixels of one area of a drawn canvas, relative to (cx, cy) in device pixels.
  function cut(data, width, x0, y0, w, h, cx, cy) {
    const dx = [], dy = [], colour = [];
    const words = new Uint32Array(data.buffer);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const c = words[(y0 + y) * width + x0 + x];
        if (c >>> 24) { dx.push(x - cx); dy.push(y - cy); colour.push(c); }
      }
    }
    return { dx: Int16Array.from(dx), dy: Int16Array.from(dy), colour: Uint32Array.from(colour) };
  }

  // Source-over of a non-premultiplied colour onto the buffer (only where translucent pixels overlap).
  function blend(i, c) {
    const d = pixels[i];
    const sa = (c >>> 24) / 255;
    if (sa === 1 || d === 0) { pixels[i] = c; return; }
    const da = ((d >>> 24) / 255) * (1 - sa);
    const oa = sa + da;
    const r = ((c & 255) * sa + (d & 255) * da) / oa;
    const g = (((c >>> 8) & 255) * sa + ((d >>> 8) & 255) * da) / oa;
    const b = (((c >>> 16) & 255) * sa + ((d >>> 16) & 255) * da) / oa;
    pixels[i] = (((oa * 255 + 0.5) << 24) | ((b + 0.5) << 16) | ((g + 0.5) << 8) | (r + 0.5)) >>> 0;
  }

  function stamp(sprite, x, y) {
    const { dx, dy, colour } = sprite;
    const inside = x + sprite.min >= 0 && y + sprite.min >= 0 && x + sprite.max < imageW && y + sprite.max < imageH;
    for (let j = 0; j < colour.length; j++) {
      const X = x + dx[j];
      const Y = y + dy[j];
      if (!inside && (X < 0 || Y < 0 || X >= imageW || Y >= imageH)) continue;
      const i = Y * imageW + X;
      const c = colour[j];
      if (c >>> 24 === 255 || pixels[i] === 0) pixels[i] = c;
      else blend(i, c);
    }
  }

  // Markers for one size: status × shape (round, or square for vehicles) × heading in 10° steps
  // (the last column without an arrow). Built a row at a time (one status and shape), so that the
  // idle warm-up can build a sheet in slices of a few ms; a draw that needs it first finishes it.
  const sheets = new Map();
  const building = new Map();
  function* buildSheet(radius, arrows, key) {
    const ratio = window.devicePixelRatio || 1;
    const half = Math.ceil(radius + (arrows ? 8 : 2));
    const size = half * 2;
    const columns = arrows ? HEADINGS + 1 : 1;
    const c = document.createElement('canvas');
    const cell = Math.ceil(size * ratio);
    c.width = columns * cell;
    c.height = cell;
    const g = c.getContext('2d', { willReadFrequently: true });
    const r = radius * ratio;
    const tip = (radius + 7) * ratio;
    const side = (radius + 1) * ratio;
    const centre = Math.floor(cell / 2);
    const sprites = [];
    sprites.columns = columns;
    for (let b = 0; b < BUCKETS; b++) {
      for (let shape = 0; shape < 2; shape++) {
        g.clearRect(0, 0, c.width, c.height);
        g.strokeStyle = '#0b1622';
        g.lineWidth = 1.5 * ratio;
        g.fillStyle = COLOURS[b];
        g.globalAlpha = b === SILENT ? 0.4 : 1;
        for (let col = 0; col < columns; col++) {
          const x = col * cell + centre + 0.5;
          const y = centre + 0.5;
          g.beginPath();
          if (shape) g.rect(x - r, y - r, r * 2, r * 2);
          else g.arc(x, y, r, 0, Math.PI * 2);
          g.fill();
          g.stroke();
          if (col === HEADINGS || !arrows) continue;
          const a = (col * 360 / HEADINGS - 90) * Math.PI / 180;
          g.beginPath();
          g.moveTo(x + Math.cos(a) * tip, y + Math.sin(a) * tip);
          g.lineTo(x + Math.cos(a + 0.5) * side, y + Math.sin(a + 0.5) * side);
          g.lineTo(x + Math.cos(a - 0.5) * side, y + Math.sin(a - 0.5) * side);
          g.closePath();
          g.fill();
        }
        const data = g.getImageData(0, 0, c.width, c.height).data;
        for (let col = 0; col < columns; col++) {
          const sprite = cut(data, c.width, col * cell, 0, cell, cell, centre, centre);
          sprite.min = -centre;
          sprite.max = cell - centre;
          sprites.push(sprite);
        }
        yield;
      }
    }
    sheets.set(key, sprites);
    building.delete(key);
  }
  const sheetKey = (radius, arrows) => `${radius}/${arrows}/${window.devicePixelRatio || 1}`;
  // One more row of a sheet (nothing once it is complete).
  function sheetStep(radius, arrows) {
    const key = sheetKey(radius, arrows);
    if (sheets.has(key)) return;
    let steps = building.get(key);
    if (!steps) { steps = buildSheet(radius, arrows, key); building.set(key, steps); }
    steps.next();
  }
  function sheet(radius, arrows) {
    const key = sheetKey(radius, arrows);
    while (!sheets.has(key)) sheetStep(radius, arrows);
    return sheets.get(key);
  }

  // Silent units first, so the active ones are drawn over them.
  const DRAW_ORDER = [SILENT, OTHER, 0, 1, 2, 3];
  function drawUnits(radius, arrows) {
    const sprites = sheet(radius, arrows);
    const ratio = window.devicePixelRatio || 1;
    for (const b of DRAW_ORDER) {
      for (let i = bucketStart[b]; i < bucketStart[b + 1]; i++) {
        const k = drawn[i];
        const col = arrows ? headingBucket[k] : 0;
        stamp(sprites[(b * 2 + vehicle[k]) * sprites.columns + col], Math.round(px[k] * ratio), Math.round(py[k] * ratio));
      }
    }
  }

  // Cluster counts: glyph sprites (digits and "k.") cut from text drawn once.
  let glyphs = null;
  const GLYPHS = '0123456789k.';
  function glyphSheet() {
    const ratio = window.devicePixelRatio || 1;
    if (glyphs && glyphs.ratio === ratio) return glyphs;
    const c = document.createElement('canvas');
    const g = c.getContext('2d', { willReadFrequently: true });
    const font = `600 ${11 * ratio}px sans-serif`;
    g.font = font;
    const widths = [...GLYPHS].map(ch => Math.ceil(g.measureText(ch).width));
    const cell = Math.max(...widths) + 2;
    const height = Math.ceil(14 * ratio);
    c.width = GLYPHS.length * cell;
    c.height = height;
    g.font = font;
    g.textBaseline = 'middle';
    g.fillStyle = '#e2f0ff';
    [...GLYPHS].forEach((ch, i) => g.fillText(ch, i * cell, height / 2));
    const data = g.getImageData(0, 0, c.width, c.height).data;
    const sprites = [...GLYPHS].map((_, i) => Object.assign(cut(data, c.width, i * cell, 0, cell, height, 0, Math.floor(height / 2)), { min: -height, max: height }));
    glyphs = { sprites, widths, ratio };
    return glyphs;
  }

  function drawCount(label, x, y) {
    const g = glyphSheet();
    let width = 0;
    for (let i = 0; i < label.length; i++) width += g.widths[GLYPHS.indexOf(label[i])];
    let left = Math.round(x * g.ratio - width / 2);
    const top = Math.round(y * g.ratio);
    for (let i = 0; i < label.length; i++) {
      const j = GLYPHS.indexOf(label[i]);
      stamp(g.sprites[j], left, top);
      left += g.widths[j];
    }
  }

  const rgb = hex => [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
  const colourWord = ([r, g, b], a) => ((Math.round(a * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
  const bubbleRadius = count => 10 + 3 * Math.log10(count);
  const RGB = COLOURS.map(rgb);

  // A bubble of radius r (device pixels): per pixel its colour as disc, or on the 4 px ring its
  // colour for each status and its angle as a fraction of a turn clockwise from north; edges
  // anti-aliased by coverage.
  const bubbles = new Map();
  function bubble(r) {
    let b = bubbles.get(r);
    if (b) return b;
    const ratio = window.devicePixelRatio || 1;
    const ring = 4 * ratio;
    const dx = [], dy = [], words = [], turn = [];
    const R = Math.ceil(r) + 1;
    for (let y = -R; y <= R; y++) {
      for (let x = -R; x <= R; x++) {
        const d = Math.hypot(x, y);
        const cover = Math.max(0, Math.min(1, r + 0.5 - d));
        if (!cover) continue;
        dx.push(x); dy.push(y);
        if (d > r - ring) {
          turn.push(((Math.atan2(x, -y) / (2 * Math.PI)) + 1) % 1);
          for (let s2 = 0; s2 < BUCKETS; s2++) words.push(colourWord(RGB[s2], cover * (s2 === SILENT ? 0.7 : 1)));
        } else {
          turn.push(-1);
          const disc = colourWord([11, 22, 34], cover * 0.85);
          for (let s2 = 0; s2 < BUCKETS; s2++) words.push(disc);
        }
      }
    }
    b = { dx: Int16Array.from(dx), dy: Int16Array.from(dy), words: Uint32Array.from(words), turn: Float32Array.from(turn) };
    bubbles.set(r, b);
    return b;
  }

  const edges = new Float32Array(BUCKETS);
  function stampBubble(q, ratio) {
    const b = bubble(Math.round(bubbleRadius(q.count) * ratio));
    const cx = Math.round(q.x * ratio);
    const cy = Math.round(q.y * ratio);
    // Cumulative shares of the statuses round the ring, in status order.
    let sum = 0;
    for (let s2 = 0; s2 < BUCKETS; s2++) { sum += q.counts[s2] / q.count; edges[s2] = sum; }
    const { dx, dy, words, turn } = b;
    for (let j = 0; j < dx.length; j++) {
      const X = cx + dx[j];
      const Y = cy + dy[j];
      if (X < 0 || Y < 0 || X >= imageW || Y >= imageH) continue;
      let s2 = 0;
      const t = turn[j];
      while (s2 < BUCKETS - 1 && t >= edges[s2]) s2++;
      blend(Y * imageW + X, words[j * BUCKETS + s2]);
    }
  }

  function drawClusters(cells) {
    const list = [];
    for (let c = 0; c < cells; c++) {
      const count = cellTotal[c];
      if (count < CLUSTER_MIN) continue;
      list.push({ x: cellX[c] / count, y: cellY[c] / count, count, counts: cellCounts.slice(c * BUCKETS, c * BUCKETS + BUCKETS) });
    }
    const ratio = window.devicePixelRatio || 1;
    for (const q of list) {
      stampBubble(q, ratio);
      drawCount(q.count > 999 ? `${Math.round(q.count / 100) / 10}k` : String(q.count), q.x, q.y);
    }
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
    for (const q of clusterList) if (Math.hypot(q.x - point.x, q.y - point.y) <= bubbleRadius(q.count)) return q;
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
    return textElement(`${callsigns[k]} · ${kindText} · ${statusText}${speedText} · ${text.lastFix || ''} ${age(fixAt[k])}`);
  }

  function describeCluster(q) {
    const parts = [];
    for (let b = 0; b < STATUSES.length; b++) if (q.counts[b]) parts.push(`${text.status?.[STATUSES[b]] || STATUSES[b]} ${q.counts[b]}`);
    return textElement(`${q.count} · ${parts.join(' · ')}`);
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
  // Draw the marker sheets and run the pixel loops a few hundred times while the browser is idle,
  // in slices of a few ms, so that neither the sheets nor cold (not yet compiled) loops land in the
  // first real frame: cold, the first district view of 5,000 units took 50-100 ms.
  const idle = window.requestIdleCallback || (f => setTimeout(() => f(null), 200));
  const warm = [];
  const timed = (name, f) => () => { const t = performance.now(); f(); stats.warmup[name] = (stats.warmup[name] || 0) + performance.now() - t; };
  for (const [radius, arrows] of [[3, false], [4.5, false], [6, true]]) {
    for (let row = 0; row <= BUCKETS * 2; row++) warm.push(timed('sheets', () => sheetStep(radius, arrows)));
  }
  warm.push(timed('sheets', glyphSheet));
  for (let count = CLUSTER_MIN; count <= 100_000; count *= 2) {
    const r = bubbleRadius(count);
    warm.push(timed('bubbles', () => bubble(Math.round(r * (window.devicePixelRatio || 1)))));
  }
  warm.push(frameImage);
  // The bubbles go through the frame's own path (cell sums → drawClusters) in slices of 24 cells,
  // since warming a copy of the loop left the first real district view still cold.
  const WARM_CELLS = 24;
  for (let j = 0; j < 16; j++) {
    warm.push(timed('loops', () => {
      cellTotal = ensure(cellTotal, Int32Array, WARM_CELLS);
      cellCounts = ensure(cellCounts, Int32Array, WARM_CELLS * BUCKETS);
      cellX = ensure(cellX, Float64Array, WARM_CELLS);
      cellY = ensure(cellY, Float64Array, WARM_CELLS);
      for (let c = 0; c < WARM_CELLS; c++) {
        const count = CLUSTER_MIN + ((c + j) * 37) % 300;
        cellTotal[c] = count;
        for (let b = 0; b < BUCKETS; b++) cellCounts[c * BUCKETS + b] = b === (c + j) % BUCKETS ? count - (BUCKETS - 1) : 1;
        cellX[c] = (30 + (c % 8) * 50) * count;
        cellY[c] = (30 + Math.floor(c / 8) * 50) * count;
      }
      drawClusters(WARM_CELLS);
      const sprites = sheet(4.5, false);
      for (let k = 0; k < 200; k++) stamp(sprites[k % sprites.length], 20 + (k % 20) * 5, 20 + Math.floor(k / 20) * 5);
    }));
  }
  warm.push(timed('loops', () => {
    pixels.fill(0);
    if (!stats.lastDrawMs) ctx.putImageData(image, 0, 0); // the canvas's first put allocates its backing store
  }));
  // At most ~8 ms a slice even when the browser offers a longer idle period: input that arrives
  // meanwhile waits for the slice to end.
  function warmUp(deadline) {
    const until = performance.now() + 8;
    do warm.shift()(); while (warm.length && deadline && deadline.timeRemaining() > 2 && performance.now() < until);
    if (warm.length) idle(warmUp);
  }
  idle(warmUp);
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
    stats: () => ({ ...stats, parts: { ...stats.parts }, warmup: { ...stats.warmup }, warmupPending: warm.length }),
    // The count bubbles of the last draw (empty when zoomed in), in canvas CSS pixels.
    clusters: () => clusterList.map(q => ({
      x: q.x, y: q.y, count: q.count,
      statuses: Object.fromEntries(STATUSES.map((s, b) => [s, q.counts[b]]).filter(([, c]) => c)),
    })),
    apply,
  };

  return {
    apply,
    // The unit drawn within a few pixels of a container point, or null.
    unitAt: point => { const k = nearest(point); return k < 0 ? null : view_(k); }, // from the last draw
    reset() { seq = -1; },
    dispose() {
      clearInterval(ageTimer);
      if (frame) cancelAnimationFrame(frame);
      if (hoverFrame) cancelAnimationFrame(hoverFrame);
      tooltip.remove();
    },
  };
}
