// node --test tests/js/: one frame's layout of the patrol units — culling, the status sort and
// the count bubbles zoomed out — and the hit index a hover or click looks in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFrame, layout, clustersOf, clusterAt, CELL_PX, CLUSTER_MIN } from '../../src/CommandCenter.Web/wwwroot/map/patrols/cluster.js';
import { createHitIndex, buildHitIndex, nearest, HIT_PX } from '../../src/CommandCenter.Web/wwwroot/map/patrols/hit-index.js';
import { STATUSES } from '../../src/CommandCenter.Web/wwwroot/map/patrols/store.js';

// Units placed straight in screen pixels: world = screen with scale 1 and no offset.
function unitsAt(points) {
  const n = points.length;
  const units = { n, cap: n, wx: new Float64Array(n), wy: new Float64Array(n), status: new Uint8Array(n) };
  points.forEach(([x, y, s], k) => { units.wx[k] = x; units.wy[k] = y; units.status[k] = STATUSES.indexOf(s ?? 'available'); });
  return units;
}
const view = { offX: 0, offY: 0, scale: 1 };
const W = 400;
const H = 300;

test('units off screen are culled; a margin keeps half-visible markers', () => {
  const frame = createFrame();
  layout(frame, unitsAt([[10, 10], [-15, 100], [-40, 100], [W + 30, 10], [200, H + 5]]), view, W, H, false);
  assert.equal(frame.visible, 3);
  assert.equal(frame.individuals, 3);
  assert.deepEqual([...frame.drawn.subarray(0, 3)].sort(), [0, 1, 4]);
});

test('drawn units come sorted by status bucket', () => {
  const frame = createFrame();
  layout(frame, unitsAt([[10, 10, 'silent'], [20, 10, 'available'], [30, 10, 'on_scene'], [40, 10, 'available']]), view, W, H, false);
  const { drawn, bucketStart } = frame;
  assert.deepEqual([...drawn.subarray(0, 4)], [1, 3, 2, 0]);
  assert.equal(bucketStart[STATUSES.indexOf('silent') + 1] - bucketStart[STATUSES.indexOf('silent')], 1);
});

test('zoomed out, a cell with CLUSTER_MIN units becomes one bubble and a sparse cell keeps its units', () => {
  const frame = createFrame();
  const crowd = Array.from({ length: CLUSTER_MIN }, (_, i) => [CELL_PX * 2 + 5 + i, CELL_PX + 5, i % 2 ? 'silent' : 'en_route']);
  const lone = [[CELL_PX * 5 + 10, CELL_PX * 4 + 10, 'assigned']];
  layout(frame, unitsAt([...crowd, ...lone]), view, W, H, true);
  const bubbles = clustersOf(frame);
  assert.equal(bubbles.length, 1);
  const [q] = bubbles;
  assert.equal(q.count, CLUSTER_MIN);
  assert.equal(q.counts[STATUSES.indexOf('en_route')], CLUSTER_MIN / 2);
  assert.equal(q.counts[STATUSES.indexOf('silent')], CLUSTER_MIN / 2);
  assert.ok(Math.abs(q.x - (CELL_PX * 2 + 5 + (CLUSTER_MIN - 1) / 2)) < 1e-9, 'the bubble sits at its units\' mean');
  assert.equal(frame.individuals, 1);
  assert.equal(frame.drawn[0], CLUSTER_MIN);
});

test('one fewer than CLUSTER_MIN in a cell stays individual units', () => {
  const frame = createFrame();
  layout(frame, unitsAt(Array.from({ length: CLUSTER_MIN - 1 }, (_, i) => [100 + i, 100])), view, W, H, true);
  assert.equal(clustersOf(frame).length, 0);
  assert.equal(frame.individuals, CLUSTER_MIN - 1);
});

test('cells are fixed in world pixels: a pan does not regroup the units', () => {
  const points = Array.from({ length: 40 }, (_, i) => [(i * 37) % W, (i * 53) % H]);
  const a = createFrame();
  layout(a, unitsAt(points), { offX: 0, offY: 0, scale: 1 }, W, H, true);
  const b = createFrame();
  layout(b, unitsAt(points.map(([x, y]) => [x + 3 * CELL_PX, y + 2 * CELL_PX])), { offX: 3 * CELL_PX, offY: 2 * CELL_PX, scale: 1 }, W, H, true);
  const key = list => list.map(q => `${q.count}@${Math.round(q.x)},${Math.round(q.y)}`).sort();
  assert.deepEqual(key(clustersOf(b)), key(clustersOf(a)));
});

test('a frame reused for more units grows its scratch arrays', () => {
  const frame = createFrame();
  layout(frame, unitsAt([[1, 1]]), view, W, H, true);
  layout(frame, unitsAt(Array.from({ length: 3000 }, (_, i) => [i % W, (i * 7) % H])), view, W, H, true);
  assert.equal(frame.visible, 3000);
  assert.equal(clustersOf(frame).reduce((s, q) => s + q.count, 0) + frame.individuals, 3000);
});

test('a point over a bubble finds it; a point beside it does not', () => {
  const list = [{ x: 100, y: 100, count: 10, counts: [] }];
  assert.equal(clusterAt(list, { x: 108, y: 100 }), list[0]);
  assert.equal(clusterAt(list, { x: 125, y: 100 }), null);
});

test('the hit index finds the unit nearest the pointer within HIT_PX', () => {
  const frame = createFrame();
  layout(frame, unitsAt([[50, 50], [58, 50], [200, 200]]), view, W, H, false);
  const index = createHitIndex();
  buildHitIndex(index, frame.px, frame.py, frame.drawn, frame.individuals, W, H);
  assert.equal(index.count, 3);
  assert.equal(nearest(index, frame.px, frame.py, { x: 51, y: 50 }), 0);
  assert.equal(nearest(index, frame.px, frame.py, { x: 56, y: 51 }), 1);
  assert.equal(nearest(index, frame.px, frame.py, { x: 200 + HIT_PX - 0.5, y: 200 }), 2);
  assert.equal(nearest(index, frame.px, frame.py, { x: 200 + HIT_PX + 0.5, y: 200 }), -1);
  assert.equal(nearest(index, frame.px, frame.py, { x: 5, y: 290 }), -1);
});

test('the hit index finds a unit across a cell border and ignores units inside bubbles', () => {
  const frame = createFrame();
  const crowd = Array.from({ length: CLUSTER_MIN }, (_, i) => [20 + i, 20]);
  layout(frame, unitsAt([...crowd, [CELL_PX * 3 + 15, 100]]), view, W, H, true);
  const index = createHitIndex();
  buildHitIndex(index, frame.px, frame.py, frame.drawn, frame.individuals, W, H);
  assert.equal(nearest(index, frame.px, frame.py, { x: 21, y: 20 }), -1, 'a clustered unit is not hit on its own');
  assert.equal(nearest(index, frame.px, frame.py, { x: CELL_PX * 3 + 15 + 4, y: 100 + 3 }), CLUSTER_MIN);
});
