// node --test tests/js/: the map's text helper, against a minimal fake document (no DOM in Node).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { textNode, el, textElement } from '../../src/CommandCenter.Web/wwwroot/map/text.js';

// Just enough of a DOM: elements keep their children, text nodes their data; innerHTML is a trap
// that fails the test if the helper ever parses a string.
class FakeText {
  constructor(data) { this.nodeType = 3; this.data = data; }
  get textContent() { return this.data; }
}

class FakeElement {
  constructor(tag) { this.nodeType = 1; this.tagName = tag.toUpperCase(); this.childNodes = []; this.attributes = {}; this.className = ''; }
  appendChild(child) { this.childNodes.push(child); return child; }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  get textContent() { return this.childNodes.map(c => c.textContent).join(''); }
  set innerHTML(_) { throw new Error('innerHTML was set'); }
}

const fakeDocument = {
  createElement: tag => new FakeElement(tag),
  createTextNode: data => new FakeText(data),
};

beforeEach(() => { globalThis.document = fakeDocument; });

const hostile = '<img src=x onerror="window.__xss=1">';

test('a text node holds hostile markup as literal text', () => {
  const node = textNode(hostile);
  assert.equal(node.nodeType, 3);
  assert.equal(node.textContent, hostile);
});

test('null and undefined become empty text and numbers their digits', () => {
  assert.equal(textNode(null).textContent, '');
  assert.equal(textNode(undefined).textContent, '');
  assert.equal(textNode(42).textContent, '42');
});

test('an element gets its class and test id and its string children as text nodes', () => {
  const node = el('div', { className: 'cc-callout-title', testId: 'title' }, hostile, ' · ', 3);
  assert.equal(node.tagName, 'DIV');
  assert.equal(node.className, 'cc-callout-title');
  assert.equal(node.attributes['data-testid'], 'title');
  assert.deepEqual(node.childNodes.map(c => c.nodeType), [3, 3, 3]);
  assert.equal(node.textContent, `${hostile} · 3`);
});

test('element children are appended as they are and empty children are left out', () => {
  const chip = el('span', { className: 'cc-priority' }, '紧急');
  const node = el('div', null, chip, null, undefined, false, [' 火情', '<script>window.__xss=2</script>']);
  assert.equal(node.childNodes[0], chip);
  assert.equal(node.childNodes.length, 3);
  assert.equal(node.textContent, '紧急 火情<script>window.__xss=2</script>');
});

test('a text element is a span holding the text, with an optional class', () => {
  const plain = textElement(hostile);
  assert.equal(plain.tagName, 'SPAN');
  assert.equal(plain.className, '');
  assert.equal(plain.textContent, hostile);
  assert.equal(textElement('上城区', 'cc-label-text').className, 'cc-label-text');
});
