// node --test tests/js/: the words patrol units and count bubbles are shown with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, describeUnit, describeCluster, countLabel } from '../../src/CommandCenter.Web/wwwroot/map/patrols/labels.js';

const text = { secondsAgo: '{0}秒前', minutesAgo: '{0}分钟前', lastFix: '定位', status: { available: '空闲', silent: '失联' }, kind: { vehicle: '巡逻车' } };
const now = Date.parse('2026-12-01T08:00:00Z');

test('ages read in seconds under two minutes, then in minutes', () => {
  assert.equal(age(text, now - 42_000, now), '42秒前');
  assert.equal(age(text, now - 119_000, now), '119秒前');
  assert.equal(age(text, now - 150_000, now), '3分钟前');
  assert.equal(age(text, now + 5_000, now), '0秒前', 'a fix from a clock ahead is not negative');
  assert.equal(age({}, now - 3_000, now), '3s');
});

test('a unit is described by callsign, kind, status, speed and the age of its fix', () => {
  const u = { callsign: '巡1', kind: 'vehicle', status: 'available', speed: 10, fixAt: now - 5_000 };
  assert.equal(describeUnit(text, u, now), '巡1 · 巡逻车 · 空闲 · 36 km/h · 定位 5秒前');
  assert.equal(describeUnit(text, { ...u, speed: NaN, kind: 'checkpoint', status: 'odd' }, now), '巡1 · checkpoint · odd · 定位 5秒前');
});

test('a bubble lists its statuses that have units, in status order', () => {
  assert.equal(describeCluster(text, { count: 12, counts: [8, 0, 0, 0, 4, 0] }), '12 · 空闲 8 · 失联 4');
});

test('counts above 999 are shown in thousands', () => {
  assert.deepEqual([4, 999, 1000, 1234, 15_000].map(countLabel), ['4', '999', '1k', '1.2k', '15k']);
});
