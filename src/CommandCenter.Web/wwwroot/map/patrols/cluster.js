// One frame's layout of the units: project onto the screen, cull, and — zoomed out — count the
// units per screen cell, where a cell holding CLUSTER_MIN units or more is drawn as one bubble.
// Sparse cells still show their units, so a quiet area never hides a lone unit behind a "1".
// The units drawn one by one come out sorted by status bucket (a counting sort). Scratch arrays
// are kept in the frame object and reused, so a frame allocates nothing per unit.
import { BUCKETS } from './store.js';

export const CLUSTER_BELOW_ZOOM = 15;
export const CELL_PX = 56;
export const CLUSTER_MIN = 4;
const MARGIN = 20;

export const bubbleRadius = count => 10 + 3 * Math.log10(count);

function ensure(array, Type, length) {
  return array.length >= length ? array : new Type(Math.max(length, array.length * 2));
}

export function createFrame() {
  return {
    px: new Float32Array(0), py: new Float32Array(0), cellOf: new Int32Array(0), order: new Int32Array(0), drawn: new Int32Array(0),
    cellTotal: new Int32Array(0), cellCounts: new Int32Array(0), cellX: new Float64Array(0), cellY: new Float64Array(0),
    bucketStart: new Int32Array(BUCKETS + 1),
    cells: 0, visible: 0, individuals: 0,
  };
}

// Makes room for cells × BUCKETS counts, zeroed.
export function clearCells(f, cells) {
  f.cellTotal = ensure(f.cellTotal, Int32Array, cells); f.cellTotal.fill(0, 0, cells);
  f.cellCounts = ensure(f.cellCounts, Int32Array, cells * BUCKETS); f.cellCounts.fill(0, 0, cells * BUCKETS);
  f.cellX = ensure(f.cellX, Float64Array, cells); f.cellX.fill(0, 0, cells);
  f.cellY = ensure(f.cellY, Float64Array, cells); f.cellY.fill(0, 0, cells);
  f.cells = cells;
}

// units: the store's arrays (n, wx, wy, status); view: { offX, offY, scale } — the world pixel at
// the container's top left and 256·2^zoom; w × h the container in CSS pixels.
export function layout(f, units, view, w, h, cluster) {
  const { n, wx, wy, status } = units;
  if (f.px.length < n) {
    const size = Math.max(n, units.cap);
    f.px = new Float32Array(size); f.py = new Float32Array(size);
    f.cellOf = new Int32Array(size); f.order = new Int32Array(size); f.drawn = new Int32Array(size);
  }
  const { px, py, cellOf, order, drawn, bucketStart } = f;
  const { offX, offY, scale } = view;
  // Cells are fixed in world pixels, so bubbles stay put while the map pans.
  const cellX0 = Math.floor(offX / CELL_PX) - 1;
  const cellY0 = Math.floor(offY / CELL_PX) - 1;
  const cols = Math.ceil(w / CELL_PX) + 3;
  if (cluster) clearCells(f, cols * (Math.ceil(h / CELL_PX) + 3));
  else f.cells = 0;
  const { cellTotal, cellCounts, cellX, cellY } = f;

  // Pass 1: project, cull, and (zoomed out) count per cell.
  let visible = 0;
  for (let k = 0; k < n; k++) {
    const X = wx[k] * scale;
    const Y = wy[k] * scale;
    const x = X - offX;
    const y = Y - offY;
    px[k] = x; py[k] = y;
    if (x < -MARGIN || y < -MARGIN || x > w + MARGIN || y > h + MARGIN) continue;
    order[visible++] = k;
    if (cluster) {
      const c = (Math.floor(X / CELL_PX) - cellX0) + (Math.floor(Y / CELL_PX) - cellY0) * cols;
      cellOf[k] = c;
      cellTotal[c]++;
      cellCounts[c * BUCKETS + status[k]]++;
      cellX[c] += x; cellY[c] += y;
    }
  }

  // Pass 2: the units drawn one by one, by status bucket; bucketStart[b]..bucketStart[b + 1] in drawn.
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
  f.visible = visible;
  f.individuals = individuals;
}

// The bubbles of the counted cells: { x, y (their units' mean, CSS pixels), count, counts per bucket }.
export function clustersOf(f) {
  const list = [];
  const { cellTotal, cellCounts, cellX, cellY } = f;
  for (let c = 0; c < f.cells; c++) {
    const count = cellTotal[c];
    if (count < CLUSTER_MIN) continue;
    list.push({ x: cellX[c] / count, y: cellY[c] / count, count, counts: cellCounts.slice(c * BUCKETS, c * BUCKETS + BUCKETS) });
  }
  return list;
}

// The bubble drawn under a container point, or null.
export function clusterAt(list, point) {
  for (const q of list) if (Math.hypot(q.x - point.x, q.y - point.y) <= bubbleRadius(q.count)) return q;
  return null;
}
