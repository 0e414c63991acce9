// The map's 5,000-unit measurement, run in a page of the app that has the map (Leaflet loaded):
// 5,000 moving units, every unit changed in every batch, received as the hub sends them (compact
// JSON, parsed in the task that applies it) and drawn on the next animation frame, at the board's
// district zoom and closer. Returns the timings and the counts; the caller prints them.
// Loaded by tests/CommandCenter.EndToEndTests/PatrolMapTests.cs: `await import('/bench/map/harness-5000.js')`
// on a page where that URL is routed to this file.
/* global L */

// A detached map and layer of the same module, so that no hub message interferes.
export async function measure5000Units() {
  const longTasks = [];
  new PerformanceObserver(l => l.getEntries().forEach(e => longTasks.push({ start: e.startTime, duration: e.duration })))
    .observe({ type: 'longtask', buffered: false });
  const frames = [];
  new PerformanceObserver(l => l.getEntries().forEach(e => frames.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
      render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0, style: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
      scripts: e.scripts.map(x => ({ invoker: x.invoker, src: (x.sourceURL || '').split('/').pop() + ':' + (x.sourceFunctionName || ''), duration: Math.round(x.duration), forcedLayout: Math.round(x.forcedStyleAndLayoutDuration) })) })))
    .observe({ type: 'long-animation-frame', buffered: false });
  const phases = [];
  const phase = name => phases.push({ name, at: performance.now() });
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const pause = ms => new Promise(r => setTimeout(r, ms));
  const boardZoom = document.querySelector('[data-testid=map]')?.ccPatrols?.stats().zoom || 14;

  phase('setup');
  const div = document.createElement('div');
  div.style.cssText = 'position:fixed;left:0;top:0;width:1200px;height:800px;z-index:9999;background:#0b1622';
  document.body.appendChild(div);
  const map = L.map(div, { zoomAnimation: false }).setView([30.245, 120.18], boardZoom);
  const { createPatrolLayer } = await import('/map/patrol-layer.js');
  const text = { secondsAgo: '{0}s', minutesAgo: '{0}min', lastFix: 'fix', status: {}, kind: {} };
  const layer = createPatrolLayer(map, div, { text }, () => { throw new Error('gap'); });
  const hooks = layer.inspect();
  const canvas = div.querySelector('[data-testid=patrol-canvas]');
  const readBack = () => canvas.getContext('2d').getImageData(0, 0, 1, 1);
  // As on the page: a batch is applied in the hub message's task and drawn by the layer
  // in the next animation frame. Its draw time, plus a pixel read back in the same frame
  // so that the canvas is rasterised inside the measurement, not after it.
  const drawnFrame = async () => {
    await frame(); // after the layer's own frame callback, asked for first
    const t = performance.now();
    readBack();
    return hooks.stats().lastDrawMs + performance.now() - t;
  };
  // A board that has been open a moment: the layer warms its sprites and loops in idle
  // slices (the first draw before that ends can take 30-60 ms once, at page open).
  const warmStart = performance.now();
  while (hooks.stats().warmupPending && performance.now() - warmStart < 5000) await pause(20);
  const warmupWall = performance.now() - warmStart;

  // The hub's messages, built ahead (not measured): [id, callsign, kind, status, lat, lon, heading, speed, fixAt ms].
  phase('build');
  const statuses = ['available', 'assigned', 'en_route', 'on_scene', 'silent'];
  const message = (seq, step) => {
    const now = Date.now();
    const units = [];
    for (let i = 0; i < 5000; i++) units.push([i, `U${i}`, i % 7 ? 'street_patrol' : 'vehicle', statuses[i % 5],
      30.215 + (i % 100) * 0.0006 + step * 0.00002, 120.13 + Math.floor(i / 100) * 0.0018, (i * 7 + step) % 360, 1.2, now]);
    return JSON.stringify({ type: 1, target: 'ReceivePositions', arguments: [{ seq, snapshot: step === 0, units }] });
  };
  const zooms = [boardZoom, 15, 16];
  const steps = 15;
  const messages = [message(0, 0)];
  for (let s = 1; s <= zooms.length * steps; s++) { messages.push(message(s, s)); if (s % 5 === 0) await pause(0); }
  await pause(200);

  phase('snapshot');
  const warmupPendingAtSnapshot = hooks.stats().warmupPending;
  let t = performance.now();
  layer.apply(JSON.parse(messages[0]).arguments[0]);
  const snapshotApply = performance.now() - t;
  const snapshotDraw = await drawnFrame();
  const snapshotParts = hooks.stats().parts;
  const counts = [hooks.count()];
  await pause(200);

  const median = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const runs = [];
  let next = 1;
  for (const zoom of zooms) {
    map.setView([30.245, 120.18], zoom, { animate: false });
    await frame();
    phase(`zoom ${zoom}`);
    const apply = [], draw = [], total = [];
    for (let s = 0; s < steps; s++, next++) {
      await pause(50);
      t = performance.now();
      layer.apply(JSON.parse(messages[next]).arguments[0]);
      const a = performance.now() - t;
      const d = await drawnFrame();
      apply.push(a); draw.push(d); total.push(a + d); counts.push(hooks.count());
    }
    const st = hooks.stats();
    runs.push({ zoom, applyMedian: median(apply), drawMedian: median(draw), totalMedian: median(total), drawMax: Math.max(...draw),
      visible: st.visible, individuals: st.individuals, clusters: st.clusters, lastDrawParts: st.parts });
  }
  phase('end');
  await pause(100);

  // Aggregation: bubbles at the district zoom, single units when zoomed in close.
  map.setView([30.245, 120.18], boardZoom, { animate: false }); hooks.drawNow();
  const district = { zoom: boardZoom, clusters: hooks.clusters().length, inClusters: hooks.clusters().reduce((s, q) => s + q.count, 0), individuals: hooks.stats().individuals };
  map.setView([30.245, 120.18], 17, { animate: false }); hooks.drawNow();
  const close = { zoom: 17, clusters: hooks.clusters().length, individuals: hooks.stats().individuals };
  layer.dispose();

  const byPhase = phases.slice(0, -1).map((p, i) => {
    // By the end of the task: a task that starts a phase began before its mark.
    const tasks = longTasks.filter(l => l.start + l.duration >= p.at && l.start + l.duration < phases[i + 1].at).map(l => l.duration);
    return { phase: p.name, longTasks: tasks.length, longest: tasks.length ? Math.max(...tasks) : 0 };
  });
  const measured = byPhase.filter(p => p.phase !== 'build');
  return { minCount: Math.min(...counts), warmup: hooks.stats().warmup, warmupWall, warmupPendingAtSnapshot, snapshotApply, snapshotDraw, snapshotParts, runs, longTasks: byPhase,
    longTasksOutsideBuild: measured.reduce((s, p) => s + p.longTasks, 0), longestOutsideBuild: Math.max(...measured.map(p => p.longest)),
    district, close, longFrames: frames.filter(f => f.start >= phases[0].at).map(f => ({ ...f, phase: phases.findLast(p => p.at <= f.start).name })) };
}
