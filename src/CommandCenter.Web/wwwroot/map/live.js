// The map's live connection to LiveHub: the incidents stream (events applied in seq order, a gap
// re-joins for what is missing, a reset reloads the snapshot) and the patrol positions (a
// snapshot on join, then batches). Hub path, method and stream names come from C#'s
// LiveHubContract through the component's config; reconnecting is handled here only.
/* global signalR */

const FLUSH_MS = 250;

// The incidents stream's order: events wait in a queue and come out in seq order from lastSeq.
// A missing seq stops the batch; the rest stays queued until the gap is filled.
export function createEventSequence(lastSeq = 0) {
  const queue = [];
  return {
    get lastSeq() { return lastSeq; },
    get pending() { return queue.length; },
    push(...events) { queue.push(...events); },
    // Before a snapshot is loaded: whatever is queued is in it or comes again.
    clear() { queue.length = 0; },
    // After a snapshot that ends at seq.
    startAt(seq) { lastSeq = seq; },
    // { ready: the events to apply, in order; gap: true when one is missing }.
    take() {
      const batch = queue.splice(0, queue.length).sort((a, b) => a.seq - b.seq);
      const ready = [];
      for (let k = 0; k < batch.length; k++) {
        const e = batch[k];
        if (e.seq <= lastSeq) continue; // already applied, or in the snapshot
        if (e.seq !== lastSeq + 1) { queue.push(...batch.slice(k)); return { ready, gap: true }; }
        lastSeq = e.seq;
        ready.push(e);
      }
      return { ready, gap: false };
    },
  };
}

// The delay before the next automatic reconnect: doubling from 1 s, at most 10 s.
export const retryDelay = previousRetryCount => Math.min(1000 * 2 ** previousRetryCount, 10000);

// names: { hubPath, join, eventMethod, stream, joinPositions, positionsMethod, joinAlerts?, alertsMethod? }.
// on: { loadSnapshot() → its lastSeq, event(e), batch(count), positions(update), alerts?(update), status('live'|'down') }.
export function connectLive(names, on) {
  const sequence = createEventSequence();
  let disposed = false;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(names.hubPath)
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => retryDelay(ctx.previousRetryCount) })
    .build();
  connection.on(names.eventMethod, e => sequence.push(e));
  // Already coalesced by the server (a few batches a second); the layer draws on the next frame.
  connection.on(names.positionsMethod, update => on.positions(update));
  // Linkage alerts: coalesced by the server too (LinkageBoard), a snapshot on join, then changes.
  const alerts = !!(names.joinAlerts && on.alerts);
  if (alerts) connection.on(names.alertsMethod, update => on.alerts(update));

  async function reload() {
    sequence.clear();
    sequence.startAt(await on.loadSnapshot());
  }

  async function join() {
    const catchUp = await connection.invoke(names.join, names.stream, sequence.lastSeq);
    if (catchUp.reset) { await reload(); return; }
    sequence.push(...catchUp.events);
  }

  async function joinPositions() {
    on.positions(await connection.invoke(names.joinPositions));
  }

  async function joinAlerts() {
    if (alerts) on.alerts(await connection.invoke(names.joinAlerts));
  }

  let joining = false;
  async function rejoin() {
    if (joining) return;
    joining = true;
    let status = 'live';
    // A map without the alerts (a refusal, a failed read) still shows incidents and units.
    try { await join(); await joinPositions(); await joinAlerts().catch(() => {}); } catch { status = 'down'; } finally { joining = false; on.status(status); }
  }

  connection.onreconnecting(() => on.status('down'));
  connection.onreconnected(() => rejoin());
  connection.onclose(() => { on.status('down'); if (!disposed) setTimeout(start, 2000); });

  async function start() {
    if (disposed) return;
    try {
      await connection.start();
      await rejoin();
    } catch {
      on.status('down');
      setTimeout(start, 3000);
    }
  }

  const flushTimer = setInterval(() => {
    if (!sequence.pending) return;
    const { ready, gap } = sequence.take();
    for (const e of ready) on.event(e);
    if (gap) rejoin();
    on.batch(ready.length);
  }, FLUSH_MS);

  return {
    // Loads the snapshot, then connects; retried until it works.
    open() {
      reload().then(start).catch(() => { on.status('down'); setTimeout(start, 3000); });
    },
    // A patrol batch was missing: a new positions snapshot.
    joinPositions: () => joinPositions().catch(() => {}),
    // A linkage update was missing: all open alerts again.
    joinAlerts: () => joinAlerts().catch(() => {}),
    dispose() {
      disposed = true;
      clearInterval(flushTimer);
      connection.stop();
    },
  };
}
