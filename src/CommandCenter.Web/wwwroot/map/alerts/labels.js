// How a linkage alert looks on the map and what its tooltip says. Pure: no Leaflet, and the
// tooltip is built from elements and text nodes (text.js), never from an HTML string.
import { el } from '../text.js';

// By what needs attention most: under supervision (督办), then overdue (超时), then its state.
export const ALERT_LOOKS = {
  supervised: { colour: '#8b0000', ring: '#ff3b30' },
  overdue: { colour: '#ff3b30', ring: null },
  new: { colour: '#bf5af2', ring: null },        // routed or waiting to be routed: 未签收
  acknowledged: { colour: '#0a84ff', ring: null }, // 已签收
  on_scene: { colour: '#30d158', ring: null },     // 已到场
};

// The legend's order: the most urgent first.
export const LEGEND_ORDER = ['supervised', 'overdue', 'new', 'acknowledged', 'on_scene'];

// The key of ALERT_LOOKS an alert is drawn with; null for one the map does not show (done, cancelled).
export function alertKey(a) {
  if (a.state === 'done' || a.state === 'cancelled') return null;
  if (a.supervised) return 'supervised';
  if (a.overdue) return 'overdue';
  if (a.state === 'acknowledged' || a.state === 'on_scene') return a.state;
  return 'new';
}

export function alertLook(a) {
  const key = alertKey(a);
  return key ? { key, ...ALERT_LOOKS[key] } : null;
}

// text: { categories: {code: label}, states: {key: label}, noUnit, noAddress }.
export function describeAlert(a, text) {
  const key = alertKey(a);
  return el('div', { className: 'cc-alert-tip' },
    el('strong', null, text.categories?.[a.category] ?? a.category),
    el('div', null, a.address || text.noAddress || ''),
    el('div', null, a.unitName || text.noUnit || ''),
    el('div', { className: `cc-alert-tip-state cc-alert-tip-${key}` }, key ? (text.states?.[key] ?? key) : ''));
}

// The legend: a swatch and a label per look, most urgent first.
export function legend(text) {
  return el('div', { className: 'cc-alert-legend', testId: 'alert-legend' },
    el('div', { className: 'cc-alert-legend-title' }, text.legendTitle || ''),
    LEGEND_ORDER.map(key => {
      const swatch = el('span', { className: `cc-alert-swatch cc-alert-${key}` });
      paint(swatch, ALERT_LOOKS[key]);
      return el('div', { className: 'cc-alert-legend-row' }, swatch, text.states?.[key] ?? key);
    }));
}

// Colours come from ALERT_LOOKS only, set as style properties (no markup, no stylesheet copy).
export function paint(node, look) {
  node.style.background = look.colour;
  node.style.boxShadow = look.ring ? `0 0 0 .18em #fff, 0 0 0 .36em ${look.ring}` : '';
}
