// Text from outside — users, devices, import files, API clients — is data. It reaches the page
// only as text nodes, never parsed as HTML: Leaflet treats a string tooltip or popup as HTML, so
// the map hands it an element built here instead.

function doc() {
  return globalThis.document;
}

// A text node holding value as it is (null and undefined are empty).
export function textNode(value) {
  return doc().createTextNode(value == null ? '' : String(value));
}

// An element: el('div', { className: 'cc-callout-title' }, title, el('span', {}, more)).
// String and number children become text nodes; null, undefined and false are left out.
export function el(tag, props, ...children) {
  const node = doc().createElement(tag);
  if (props?.className) node.className = props.className;
  if (props?.testId) node.setAttribute('data-testid', props.testId);
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.appendChild(typeof child === 'object' ? child : textNode(child));
  }
  return node;
}

// The usual case: a tooltip or label that is one line of text.
export function textElement(value, className) {
  return el('span', className ? { className } : null, value);
}
