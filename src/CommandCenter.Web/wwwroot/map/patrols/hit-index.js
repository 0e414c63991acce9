// A bucket grid of the units drawn in the last frame, so that a hover or a click looks at the few
// units near the pointer, not at all of them.
export const HIT_PX = 9;    // a unit farther than this from the pointer is not hit
export const HIT_CELL = 16;

export function createHitIndex() {
  return { start: new Int32Array(0), items: new Int32Array(0), cols: 0, rows: 0, count: 0 };
}

function ensure(array, Type, length) {
  return array.length >= length ? array : new Type(Math.max(length, array.length * 2));
}

// px, py: screen positions by slot; drawn[0..individuals): the slots drawn; w × h the container.
export function buildHitIndex(index, px, py, drawn, individuals, w, h) {
  const cols = Math.ceil(w / HIT_CELL) + 1;
  const rows = Math.ceil(h / HIT_CELL) + 1;
  const cells = cols * rows;
  const start = index.start = ensure(index.start, Int32Array, cells + 1);
  start.fill(0, 0, cells + 1);
  const items = index.items = ensure(index.items, Int32Array, individuals);
  index.cols = cols;
  index.rows = rows;
  const cellOfPoint = k => {
    const cx = Math.floor(px[k] / HIT_CELL);
    const cy = Math.floor(py[k] / HIT_CELL);
    return cx < 0 || cy < 0 || cx >= cols || cy >= rows ? -1 : cx + cy * cols;
  };
  for (let i = 0; i < individuals; i++) { const c = cellOfPoint(drawn[i]); if (c >= 0) start[c + 1]++; }
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const next = start.slice(0, cells);
  let count = 0;
  for (let i = 0; i < individuals; i++) { const k = drawn[i]; const c = cellOfPoint(k); if (c >= 0) { items[next[c]++] = k; count++; } }
  index.count = count;
}

// The slot drawn nearest to point within HIT_PX, or -1.
export function nearest(index, px, py, point) {
  let best = -1;
  let bestDistance = HIT_PX;
  const { start, items, cols, rows } = index;
  const cx = Math.floor(point.x / HIT_CELL);
  const cy = Math.floor(point.y / HIT_CELL);
  for (let y = cy - 1; y <= cy + 1; y++) {
    if (y < 0 || y >= rows) continue;
    for (let x = cx - 1; x <= cx + 1; x++) {
      if (x < 0 || x >= cols) continue;
      const c = x + y * cols;
      for (let i = start[c]; i < start[c + 1]; i++) {
        const k = items[i];
        const d = Math.hypot(px[k] - point.x, py[k] - point.y);
        if (d < bestDistance) { best = k; bestDistance = d; }
      }
    }
  }
  return best;
}
