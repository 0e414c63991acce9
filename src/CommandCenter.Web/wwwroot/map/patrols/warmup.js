// Draws the marker sheets and runs the pixel loops a few hundred times while the browser is idle,
// in slices of a few ms, so that neither the sheets nor cold (not yet compiled) loops land in the
// first real frame: cold, the first district view of 5,000 units took 50-100 ms.
import { BUCKETS } from './store.js';
import { CLUSTER_MIN, bubbleRadius, clearCells } from './cluster.js';

const WARM_CELLS = 24;
const SLICE_MS = 8;

// The steps, as [name, step]; the layer's own frame path (cell sums → drawClusters) is warmed
// rather than a copy of it, since warming a copy left the first real district view still cold.
// p: { sprites, raster, frame, drawClusters(), frameImage(), putOnce() }.
export function warmUpSteps(p) {
  const ratio = () => window.devicePixelRatio || 1;
  const steps = [];
  for (const [radius, arrows] of [[3, false], [4.5, false], [6, true]]) {
    for (let row = 0; row <= BUCKETS * 2; row++) steps.push(['sheets', () => p.sprites.sheetStep(radius, arrows)]);
  }
  steps.push(['sheets', p.sprites.glyphSheet]);
  for (let count = CLUSTER_MIN; count <= 100_000; count *= 2) {
    const r = bubbleRadius(count);
    steps.push(['bubbles', () => p.sprites.bubble(Math.round(r * ratio()))]);
  }
  steps.push(['frame', p.frameImage]);
  for (let j = 0; j < 16; j++) {
    steps.push(['loops', () => {
      const f = p.frame;
      clearCells(f, WARM_CELLS);
      for (let c = 0; c < WARM_CELLS; c++) {
        const count = CLUSTER_MIN + ((c + j) * 37) % 300;
        f.cellTotal[c] = count;
        for (let b = 0; b < BUCKETS; b++) f.cellCounts[c * BUCKETS + b] = b === (c + j) % BUCKETS ? count - (BUCKETS - 1) : 1;
        f.cellX[c] = (30 + (c % 8) * 50) * count;
        f.cellY[c] = (30 + Math.floor(c / 8) * 50) * count;
      }
      p.drawClusters();
      const sprites = p.sprites.sheet(4.5, false);
      for (let k = 0; k < 200; k++) p.raster.stamp(sprites[k % sprites.length], 20 + (k % 20) * 5, 20 + Math.floor(k / 20) * 5);
    }]);
  }
  steps.push(['loops', () => { p.raster.clear(); p.putOnce(); }]);
  return steps;
}

// Runs the steps in idle slices of at most SLICE_MS even when the browser offers a longer idle
// period (input that arrives meanwhile waits for the slice to end); adds each name's time to timings.
export function runWhenIdle(steps, timings) {
  const idle = window.requestIdleCallback || (f => setTimeout(() => f(null), 200));
  const queue = [...steps];
  let cancelled = false;
  function slice(deadline) {
    if (cancelled) return;
    const until = performance.now() + SLICE_MS;
    do {
      const [name, step] = queue.shift();
      const t = performance.now();
      step();
      timings[name] = (timings[name] || 0) + performance.now() - t;
    } while (queue.length && deadline && deadline.timeRemaining() > 2 && performance.now() < until);
    if (queue.length) idle(slice);
  }
  idle(slice);
  return { pending: () => queue.length, cancel() { cancelled = true; } };
}
