// node --test tests/js/: the live connection's seq rules for the incidents stream, and its layer registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventSequence, retryDelay } from '../../src/CommandCenter.Web/wwwroot/map/live.js';
import { createLayerRegistry } from '../../src/CommandCenter.Web/wwwroot/map/registry.js';

const ev = seq => ({ seq, type: 'incident.updated', payload: { id: seq } });
const seqs = events => events.map(e => e.seq);

test('events come out in seq order, whatever order they arrived in', () => {
  const s = createEventSequence(4);
  s.push(ev(7), ev(5), ev(6));
  const { ready, gap } = s.take();
  assert.deepEqual(seqs(ready), [5, 6, 7]);
  assert.equal(gap, false);
  assert.equal(s.lastSeq, 7);
  assert.equal(s.pending, 0);
});

test('events at or before lastSeq are dropped (already applied, or in the snapshot)', () => {
  const s = createEventSequence(10);
  s.push(ev(9), ev(10), ev(11), ev(11));
  assert.deepEqual(seqs(s.take().ready), [11]);
});

test('a gap applies what comes before it and keeps the rest queued', () => {
  const s = createEventSequence(0);
  s.push(ev(1), ev(2), ev(4), ev(5));
  const first = s.take();
  assert.deepEqual(seqs(first.ready), [1, 2]);
  assert.equal(first.gap, true);
  assert.equal(s.pending, 2);
  // The re-join's catch-up fills the gap; the queued events follow it.
  s.push(ev(3), ev(4));
  const second = s.take();
  assert.deepEqual(seqs(second.ready), [3, 4, 5]);
  assert.equal(second.gap, false);
  assert.equal(s.lastSeq, 5);
});

test('a reset clears the queue before the snapshot and starts after it', () => {
  const s = createEventSequence(3);
  s.push(ev(9));
  s.clear();
  s.push(ev(21)); // arrived while the snapshot loaded
  s.startAt(20);
  assert.deepEqual(seqs(s.take().ready), [21]);
});

test('an empty queue takes nothing and is no gap', () => {
  assert.deepEqual(createEventSequence(5).take(), { ready: [], gap: false });
});

test('reconnect delays double from a second up to ten', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 9].map(retryDelay), [1000, 2000, 4000, 8000, 10000, 10000]);
});

test('the layer registry builds layers with the map context and calls their hooks in order', () => {
  const calls = [];
  const context = { map: 'the map' };
  const layers = createLayerRegistry(context);
  layers.add('a', ctx => ({ onEvent: e => calls.push(`a ${e} ${ctx.map}`), api: { ping: () => 'a' }, dispose: () => calls.push('a gone') }));
  layers.add('b', () => ({ onEvent: e => calls.push(`b ${e}`), peer: () => layers.get('a'), dispose: () => calls.push('b gone') }));
  layers.add('c', () => ({}));
  layers.each('onEvent', 1);
  assert.deepEqual(calls, ['a 1 the map', 'b 1']);
  assert.equal(layers.api().ping(), 'a');
  assert.equal(layers.get('b').peer(), layers.get('a'));
  assert.equal(layers.get('missing'), null);
  assert.throws(() => layers.add('a', () => ({})), /already/);
  layers.dispose();
  assert.deepEqual(calls.slice(2), ['b gone', 'a gone']);
});
