// node --test tests/js/: the board's stage timers count and warn as StageTimers does on the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countdown, format, level, tick } from '../../src/CommandCenter.Web/wwwroot/timers.js';

test('a timer reads m:ss under an hour and h:mm:ss beyond', () => {
  assert.equal(format(0), '0:00');
  assert.equal(format(247.9), '4:07');
  assert.equal(format(3750), '1:02:30');
  assert.equal(format(-5), '0:00');
});

test('a timer turns amber at its first limit and red at its second, and never without limits', () => {
  assert.equal(level(119, 120, 300), 'normal');
  assert.equal(level(120, 120, 300), 'amber');
  assert.equal(level(300, 120, 300), 'red');
  assert.equal(level(99999, NaN, NaN), 'normal');
});

test('tick writes the elapsed time and level into every timer element', () => {
  const since = '2026-12-02T08:00:00Z';
  const el = { dataset: { timerSince: since, timerAmber: '120', timerRed: '300' }, textContent: '' };
  const root = { querySelectorAll: sel => (sel.includes('since') ? [el] : []) };
  tick(root, Date.parse(since) + 200_000);
  assert.equal(el.textContent, '3:20');
  assert.equal(el.dataset.level, 'amber');
  tick(root, Date.parse(since) + 301_000);
  assert.equal(el.dataset.level, 'red');
});

test('a countdown shows the time left, turns amber in the last minute and red once overdue', () => {
  assert.deepEqual(countdown(300), { text: '5:00', level: 'normal' });
  assert.deepEqual(countdown(42), { text: '0:42', level: 'amber' });
  assert.deepEqual(countdown(-75), { text: '-1:15', level: 'red' });
});
