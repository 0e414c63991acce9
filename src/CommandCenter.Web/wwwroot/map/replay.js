// Replays a past window: loads /api/patrol/replay once (tracks decimated by the server), then on
// each animation frame moves a replay clock at 1×–60×, interpolates every unit's position at that
// time and hands the patrol layer a snapshot — the same drawing as the live map, never the live
// stream. Incidents appear at their reported time and fade out once resolved.
/* global L */
import { textElement } from '/map/text.js';

const FADE_MIN_MS = 2 * 60 * 1000;

export function createReplay({ map, element, config, dotnet, layers }) {
  const patrols = layers.get('patrols');
  const incidents = layers.get('incidents');
  let data = null;     // the window as loaded, times in epoch ms
  let time = 0;        // the replay clock, epoch ms
  let speed = 1;
  let playing = false;
  let frame = 0;
  let lastTick = 0;
  let seq = 0;
  let clock = null;    // elements the page owns; the replay writes their text and value
  let slider = null;
  const markers = new Map(); // incident id → circle marker on the map

  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: config.timeZone || undefined, hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });

  // "2026-11-27 21:04:08" in the center's zone, whatever the browser's.
  function format(ms) {
    const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map(x => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  }

  async function load(from, to, clockElement, sliderElement) {
    pause();
    let response;
    try {
      response = await fetch(`/api/patrol/replay?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { credentials: 'same-origin' });
    } catch (e) {
      return { error: String(e.message || e) }; // the server is unreachable: say so on the page
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const errors = body?.errors ? Object.values(body.errors).flat() : [];
      return { error: errors[0] || body?.title || `HTTP ${response.status}` };
    }
    data = {
      from: Date.parse(body.from),
      to: Date.parse(body.to),
      staleMs: body.staleAfterSeconds * 1000,
      // Vertices further apart than this were a gap in reporting, not a straight walk.
      maxGapMs: Math.max(body.staleAfterSeconds, 2 * body.bucketSeconds) * 1000,
      units: body.units,
      incidents: body.incidents.map(i => ({ ...i, reported: Date.parse(i.reportedAt), resolved: i.resolvedAt ? Date.parse(i.resolvedAt) : null })),
    };
    data.fadeMs = Math.max(FADE_MIN_MS, (data.to - data.from) / 30);
    for (const marker of markers.values()) marker.remove();
    markers.clear();
    clock = clockElement;
    slider = sliderElement;
    if (slider) {
      slider.min = '0';
      slider.max = String(Math.round((data.to - data.from) / 1000));
      slider.step = '1';
      slider.oninput = () => seek(data.from + Number(slider.value) * 1000);
    }
    element.dataset.replayUnits = String(data.units.length);
    seek(data.from);
    return { units: data.units.length, incidents: data.incidents.length };
  }

  // The unit as the patrol layer draws it, at time t; null before its first fix in the window.
  function unitAt(u, t) {
    const track = u.track;
    if (!track.length || t < track[0][0]) return null;
    let lo = 0, hi = track.length - 1;
    while (lo < hi) { // the last vertex at or before t
      const mid = (lo + hi + 1) >> 1;
      if (track[mid][0] <= t) lo = mid; else hi = mid - 1;
    }
    const a = track[lo];
    const b = track[lo + 1];
    let [, lat, lon, heading, unitSpeed] = a;
    let fixAt = a[0];
    if (b && b[0] - a[0] <= data.maxGapMs) {
      const k = (t - a[0]) / (b[0] - a[0]);
      lat = a[1] + (b[1] - a[1]) * k;
      lon = a[2] + (b[2] - a[2]) * k;
      if (b[1] !== a[1] || b[2] !== a[2]) heading = bearing(a, b);
      fixAt = t;
    }
    const silent = t - fixAt > data.staleMs;
    return {
      id: u.id, callsign: u.callsign, kind: u.kind,
      // Duty history is not stored: the colour is the unit's duty now, grey when it was silent then.
      status: silent ? 'silent' : u.duty,
      lat, lon, heading: heading ?? null, speed: unitSpeed ?? null,
      // The layer shows a silent unit's age against the wall clock: shift it to the replay clock.
      fixAt: new Date(Date.now() - (t - fixAt)).toISOString(),
    };
  }

  function bearing(a, b) {
    const y = (b[2] - a[2]) * Math.cos(a[1] * Math.PI / 180);
    const x = b[1] - a[1];
    return Math.round((Math.atan2(y, x) * 180 / Math.PI + 360) % 360);
  }

  function render() {
    const units = [];
    for (const u of data.units) {
      const at = unitAt(u, time);
      if (at) units.push(at);
    }
    patrols.apply({ seq: ++seq, snapshot: true, units });
    let shown = 0;
    for (const i of data.incidents) {
      const gone = i.resolved !== null ? (time - i.resolved) / data.fadeMs : 0;
      const visible = time >= i.reported && gone < 1;
      let marker = markers.get(i.id);
      if (!visible) {
        if (marker) { marker.remove(); markers.delete(i.id); }
        continue;
      }
      shown++;
      if (!marker) {
        marker = L.circleMarker([i.lat, i.lon], incidents.markerStyle(i)).bindTooltip(textElement(i.title), { className: 'cc-tooltip' }).addTo(map);
        markers.set(i.id, marker);
      }
      const fade = gone > 0 ? 1 - gone : 1;
      marker.setStyle({ opacity: fade, fillOpacity: 0.95 * fade * (gone > 0 ? 0.6 : 1) });
    }
    element.dataset.replayTime = String(Math.round(time));
    element.dataset.replayIncidents = String(shown);
    if (clock) clock.textContent = format(time);
    if (slider) slider.value = String(Math.round((time - data.from) / 1000));
  }

  function seek(t) {
    if (!data) return;
    time = Math.min(data.to, Math.max(data.from, t));
    render();
  }

  function tick(now) {
    frame = 0;
    if (!playing) return;
    time = Math.min(data.to, time + (now - lastTick) * speed);
    lastTick = now;
    render();
    if (time >= data.to) {
      pause();
      dotnet?.invokeMethodAsync('ReplayEnded').catch(() => {});
      return;
    }
    frame = requestAnimationFrame(tick);
  }

  function play() {
    if (!data || playing) return;
    if (time >= data.to) seek(data.from);
    playing = true;
    lastTick = performance.now();
    frame = requestAnimationFrame(tick);
  }

  function pause() {
    playing = false;
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
  }

  return {
    api: {
      replayLoad: load,
      replayPlay: play,
      replayPause: pause,
      replaySpeed(value) { speed = Math.min(60, Math.max(1, Number(value) || 1)); },
    },
    // For tests (map/debug.js): the replay clock and where a unit is at it.
    inspect: () => ({
      time: () => time,
      playing: () => playing,
      unit: id => { const u = data?.units.find(x => x.id === id); return u ? unitAt(u, time) : null; },
      seek,
    }),
    dispose() { pause(); for (const marker of markers.values()) marker.remove(); markers.clear(); },
  };
}
