// node --test tests/js/: how a linkage alert looks on the map and what its tooltip says.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { alertKey, alertLook, describeAlert, legend, ALERT_LOOKS, LEGEND_ORDER } from '../../src/CommandCenter.Web/wwwroot/map/alerts/labels.js';

// Just enough of a DOM; innerHTML is a trap that fails the test if a string is ever parsed.
class FakeText {
  constructor(data) { this.nodeType = 3; this.data = data; }
  get textContent() { return this.data; }
}

class FakeElement {
  constructor(tag) { this.nodeType = 1; this.tagName = tag.toUpperCase(); this.childNodes = []; this.attributes = {}; this.className = ''; this.style = {}; }
  appendChild(child) { this.childNodes.push(child); return child; }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  get textContent() { return this.childNodes.map(c => c.textContent).join(''); }
  set innerHTML(_) { throw new Error('innerHTML was set'); }
  set outerHTML(_) { throw new Error('outerHTML was set'); }
}

beforeEach(() => {
  globalThis.document = { createElement: tag => new FakeElement(tag), createTextNode: data => new FakeText(data) };
});

const text = {
  legendTitle: '联动警情', noUnit: '未分派', noAddress: '无地址',
  categories: { water: '供水' },
  states: { supervised: '督办', overdue: '超时', new: '未签收', acknowledged: '已签收', on_scene: '已到场' },
};
const alert = (over = {}) => ({ id: 1, category: 'water', state: 'routed', overdue: false, supervised: false, unitName: '清波街道 供水抢修队', address: '吴山广场东侧', ...over });
const hostile = '<img src=x onerror=alert(1)>';

test('new and routed alerts are 未签收, then acknowledged and on scene by their state', () => {
  assert.equal(alertKey(alert({ state: 'unrouted' })), 'new');
  assert.equal(alertKey(alert({ state: 'routed' })), 'new');
  assert.equal(alertKey(alert({ state: 'acknowledged' })), 'acknowledged');
  assert.equal(alertKey(alert({ state: 'on_scene' })), 'on_scene');
});

test('overdue is red whatever the state, and supervision is dark red with a ring over that', () => {
  assert.equal(alertLook(alert({ state: 'acknowledged', overdue: true })).colour, '#ff3b30');
  const supervised = alertLook(alert({ state: 'routed', overdue: true, supervised: true }));
  assert.equal(supervised.key, 'supervised');
  assert.equal(supervised.colour, '#8b0000');
  assert.ok(supervised.ring);
  assert.equal(alertLook(alert({ state: 'on_scene' })).ring, null);
});

test('every look has its own colour', () => {
  const colours = LEGEND_ORDER.map(k => ALERT_LOOKS[k].colour);
  assert.equal(new Set(colours).size, colours.length);
});

test('done and cancelled alerts are not drawn', () => {
  assert.equal(alertLook(alert({ state: 'done' })), null);
  assert.equal(alertLook(alert({ state: 'cancelled', supervised: true })), null);
});

test('the tooltip says category, address, unit and state', () => {
  const tip = describeAlert(alert({ state: 'acknowledged' }), text);
  assert.deepEqual(tip.childNodes.map(c => c.textContent), ['供水', '吴山广场东侧', '清波街道 供水抢修队', '已签收']);
});

test('hostile address and unit name stay literal text in the tooltip', () => {
  const tip = describeAlert(alert({ address: hostile, unitName: hostile, category: hostile, overdue: true }), text);
  const [category, address, unit, state] = tip.childNodes;
  for (const node of [category, address, unit]) {
    assert.equal(node.childNodes.length, 1);
    assert.equal(node.childNodes[0].nodeType, 3);
    assert.equal(node.textContent, hostile);
  }
  assert.equal(state.textContent, '超时');
});

test('an alert with no unit or address says so', () => {
  const tip = describeAlert(alert({ unitName: null, address: null, state: 'unrouted' }), text);
  assert.deepEqual(tip.childNodes.map(c => c.textContent), ['供水', '无地址', '未分派', '未签收']);
});

test('the legend lists every look, most urgent first, with its colour', () => {
  const box = legend(text);
  const rows = box.childNodes.slice(1);
  assert.equal(box.childNodes[0].textContent, '联动警情');
  assert.deepEqual(rows.map(r => r.textContent), ['督办', '超时', '未签收', '已签收', '已到场']);
  assert.equal(rows[0].childNodes[0].style.background, '#8b0000');
  assert.match(rows[0].childNodes[0].style.boxShadow, /#ff3b30/);
});
