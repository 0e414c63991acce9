// The words a patrol unit or a count bubble is shown with, as plain strings (the layer puts them
// in text nodes). text: the localised strings from the component's config.
import { STATUSES } from './store.js';

// "42s" under two minutes, then "3min", in the page's language.
export function age(text, ms, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  return seconds < 120 ? (text.secondsAgo || '{0}s').replace('{0}', seconds) : (text.minutesAgo || '{0}min').replace('{0}', Math.round(seconds / 60));
}

// u: { callsign, kind, status, speed (m/s or NaN), fixAt (ms) }.
export function describeUnit(text, u, now = Date.now()) {
  const statusText = text.status?.[u.status] || u.status;
  const kindText = text.kind?.[u.kind] || u.kind;
  const speedText = Number.isNaN(u.speed) ? '' : ` · ${(u.speed * 3.6).toFixed(0)} km/h`;
  return `${u.callsign} · ${kindText} · ${statusText}${speedText} · ${text.lastFix || ''} ${age(text, u.fixAt, now)}`;
}

// q: { count, counts per status bucket }: "12 · 空闲 8 · 出警 4".
export function describeCluster(text, q) {
  const parts = [];
  for (let b = 0; b < STATUSES.length; b++) if (q.counts[b]) parts.push(`${text.status?.[STATUSES[b]] || STATUSES[b]} ${q.counts[b]}`);
  return `${q.count} · ${parts.join(' · ')}`;
}

// Zoomed-out counts above 999 as "1.2k".
export const countLabel = count => (count > 999 ? `${Math.round(count / 100) / 10}k` : String(count));
