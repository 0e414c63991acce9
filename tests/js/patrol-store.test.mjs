// node --test tests/js/: the patrol unit store's batch and seq rules (no DOM needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUnitStore, mercator, headingBucketOf, HEADINGS, OTHER } from '../../src/CommandCenter.Web/wwwroot/map/patrols/store.js';

const fix = Date.parse('2026-12-01T08:00:00Z');
const wire = (id, status = 'available', lat = 30.25, lon = 120.17, heading = 90) => [id, `巡${id}`, 'street_patrol', status, lat, lon, heading, 1.5, fix];

function storeWithGaps() {
  const gaps = [];
  const store = createUnitStore({ onGap: () => gaps.push(store.units.seq) });
  return { store, gaps };
}

test('a snapshot replaces every unit and sets the seq', () => {
  const { store } = storeWithGaps();
  store.apply({ seq: 3, snapshot: true, units: [wire(1), wire(2)] });
  store.apply({ seq: 7, snapshot: true, units: [wire(5)] });
  assert.equal(store.units.n, 1);
  assert.equal(store.units.seq, 7);
  assert.equal(store.slotOf(1), undefined);
  assert.equal(store.view(store.slotOf(5)).callsign, '巡5');
});

test('the next batch in seq order changes only the units it carries', () => {
  const { store, gaps } = storeWithGaps();
  store.apply({ seq: 10, snapshot: true, units: [wire(1), wire(2)] });
  assert.equal(store.apply({ seq: 11, units: [wire(2, 'on_scene', 30.26)] }), true);
  assert.equal(store.units.seq, 11);
  assert.equal(store.view(store.slotOf(1)).status, 'available');
  const moved = store.view(store.slotOf(2));
  assert.equal(moved.status, 'on_scene');
  assert.equal(moved.lat, 30.26);
  assert.deepEqual(gaps, []);
});

test('a batch already in the snapshot is ignored', () => {
  const { store, gaps } = storeWithGaps();
  store.apply({ seq: 10, snapshot: true, units: [wire(1)] });
  assert.equal(store.apply({ seq: 9, units: [wire(1, 'silent')] }), true);
  assert.equal(store.apply({ seq: 10, units: [wire(1, 'silent')] }), true);
  assert.equal(store.view(0).status, 'available');
  assert.equal(store.units.seq, 10);
  assert.deepEqual(gaps, []);
});

test('a missing batch is a gap: nothing is applied and the caller is told', () => {
  const { store, gaps } = storeWithGaps();
  store.apply({ seq: 10, snapshot: true, units: [wire(1)] });
  assert.equal(store.apply({ seq: 12, units: [wire(1, 'silent'), wire(2)] }), false);
  assert.deepEqual(gaps, [10]);
  assert.equal(store.units.n, 1);
  assert.equal(store.view(0).status, 'available');
});

test('before any snapshot the first batch is taken as it is', () => {
  const { store, gaps } = storeWithGaps();
  assert.equal(store.apply({ seq: 40, units: [wire(1)] }), true);
  assert.equal(store.units.seq, 40);
  assert.deepEqual(gaps, []);
});

test('the store grows past its first capacity and keeps every unit', () => {
  const { store } = storeWithGaps();
  const units = Array.from({ length: 5000 }, (_, i) => wire(i + 1, 'assigned', 30.2 + i * 1e-5));
  store.apply({ seq: 1, snapshot: true, units });
  assert.equal(store.units.n, 5000);
  assert.ok(store.units.cap >= 5000);
  const last = store.view(store.slotOf(5000));
  assert.equal(last.callsign, '巡5000');
  assert.ok(Math.abs(last.lat - (30.2 + 4999 * 1e-5)) < 1e-12);
});

test('a replay unit given as an object reads like a wire unit', () => {
  const { store } = storeWithGaps();
  store.apply({ seq: 1, snapshot: true, units: [{ id: 9, callsign: 'R9', kind: 'vehicle', status: 'en_route', lat: 30.1, lon: 120.1, heading: null, speed: null, fixAt: '2026-12-01T08:00:00.000Z' }] });
  const u = store.units;
  assert.equal(u.vehicle[0], 1);
  assert.equal(u.headingBucket[0], HEADINGS);
  assert.deepEqual(store.view(0), { id: 9, callsign: 'R9', kind: 'vehicle', status: 'en_route', lat: 30.1, lon: 120.1, heading: null, speed: null, fixAt: '2026-12-01T08:00:00.000Z' });
});

test('an unknown status is drawn in its own bucket and keeps its name', () => {
  const { store } = storeWithGaps();
  store.apply({ seq: 1, snapshot: true, units: [wire(1, 'off_duty')] });
  assert.equal(store.units.status[0], OTHER);
  assert.equal(store.view(0).status, 'off_duty');
});

test('positions are projected when they change, like Leaflet\'s Web Mercator', () => {
  const { store } = storeWithGaps();
  store.apply({ seq: 1, snapshot: true, units: [wire(1, 'available', 0, 0)] });
  assert.equal(store.units.wx[0], 0.5);
  assert.ok(Math.abs(store.units.wy[0] - 0.5) < 1e-12);
  store.apply({ seq: 2, units: [wire(1, 'available', 30.25, 120.17)] });
  const [x, y] = mercator(30.25, 120.17);
  assert.equal(store.units.wx[0], x);
  assert.equal(store.units.wy[0], y);
  // Leaflet's EPSG3857 at zoom 0 (256 px): lon 120.17 → x = (120.17 / 360 + 0.5) · 256
  assert.ok(Math.abs(x * 256 - 213.4542) < 1e-3);
  assert.ok(mercator(89.9, 0)[1] >= 0, 'latitudes beyond Mercator\'s limit are clamped');
});

test('headings fall into 10° arrow buckets; no heading has its own', () => {
  assert.equal(headingBucketOf(0), 0);
  assert.equal(headingBucketOf(14), 1);
  assert.equal(headingBucketOf(356), 0);
  assert.equal(headingBucketOf(-10), 35);
  assert.equal(headingBucketOf(NaN), HEADINGS);
});
