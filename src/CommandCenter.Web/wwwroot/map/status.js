// The map's own connection state and the age of the last event, shown on the map (a stale wall
// display says so) and told to .NET when it changes.
/* global L */

// Tells .NET only while the Blazor circuit is up: a call made while it is down never settles.
// When the circuit is back the state is sent again, and the once-a-second render retries a call
// that got no answer.
const REPORT_TIMEOUT_MS = 10000;

export function createLiveStatus({ element, config, dotnet, streamless }) {
  const text = config.text;
  let status = 'connecting';
  let lastEventAt = null;
  let disposed = false;
  const box = L.DomUtil.create('div', 'cc-live-status connecting', element);
  box.setAttribute('data-testid', 'live-status');
  box.setAttribute('role', 'status');
  box.hidden = streamless; // a replay or a responder's map never joins the live stream

  let reported = null;
  let reportingSince = 0;
  let circuitUp = true;
  const reconnectDialog = document.getElementById('components-reconnect-modal');
  const onCircuitState = e => {
    circuitUp = e.detail.state === 'hide';
    if (circuitUp) { reported = null; reportingSince = 0; report(); }
  };
  reconnectDialog?.addEventListener('components-reconnect-state-changed', onCircuitState);

  function report() {
    if (!config.reportStatus || !circuitUp || disposed || status === reported) return;
    if (reportingSince && Date.now() - reportingSince < REPORT_TIMEOUT_MS) return;
    const sent = status;
    reportingSince = Date.now();
    try {
      dotnet.invokeMethodAsync('LiveStatusChanged', sent)
        .then(() => { reported = sent; }, () => { /* retried on the next tick */ })
        .finally(() => { reportingSince = 0; });
    } catch {
      reportingSince = 0; // thrown synchronously while the circuit is disconnected
    }
  }

  function render() {
    box.className = `cc-live-status ${status}`;
    report();
    if (status === 'down') { box.textContent = text.down; return; }
    if (status === 'connecting') { box.textContent = text.connecting; return; }
    let line = `● ${text.live}`;
    if (lastEventAt) {
      const age = Math.max(0, Math.round((Date.now() - lastEventAt) / 1000));
      line += ` · ${text.lastEvent} ${text.secondsAgo.replace('{0}', age)}`;
    }
    box.textContent = line;
  }

  const clockTimer = setInterval(render, 1000);
  render();

  return {
    set(next) { status = next; render(); },
    // count events were applied just now (0: a batch that only waited for a gap).
    applied(count) { if (count) lastEventAt = Date.now(); render(); },
    dispose() {
      disposed = true;
      clearInterval(clockTimer);
      reconnectDialog?.removeEventListener('components-reconnect-state-changed', onCircuitState);
    },
  };
}
