// Stage timers and deadline countdowns on every screen. The server renders when a stage began and its limits
// (data-timer-since, data-timer-amber, data-timer-red in seconds); the browser counts, so a
// ticking clock costs no circuit traffic. data-level turns the timer amber or red (app.css).

// 4:07 under an hour, 1:02:30 beyond: a glance, not a calculation (as StageTimers.Format).
export function format(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = n => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

// The limits come from the server (StageTimers.LimitFor); a missing limit never warns.
export function level(seconds, amber, red) {
  if (Number.isFinite(red) && seconds >= red) return 'red';
  if (Number.isFinite(amber) && seconds >= amber) return 'amber';
  return 'normal';
}

// A countdown to a deadline (data-timer-until): the time left, then how long it is overdue.
export function countdown(secondsLeft) {
  if (secondsLeft >= 0) return { text: format(secondsLeft), level: secondsLeft < 60 ? 'amber' : 'normal' };
  return { text: `-${format(-secondsLeft)}`, level: 'red' };
}

export function tick(root, now) {
  for (const el of root.querySelectorAll('[data-timer-until]')) {
    const until = Date.parse(el.dataset.timerUntil);
    if (Number.isNaN(until)) continue;
    const { text, level: next } = countdown((until - now) / 1000);
    if (el.textContent !== text) el.textContent = text;
    if (el.dataset.level !== next) el.dataset.level = next;
  }
  for (const el of root.querySelectorAll('[data-timer-since]')) {
    const since = Date.parse(el.dataset.timerSince);
    if (Number.isNaN(since)) continue;
    const seconds = (now - since) / 1000;
    const text = format(seconds);
    if (el.textContent !== text) el.textContent = text;
    const next = level(seconds, Number.parseFloat(el.dataset.timerAmber), Number.parseFloat(el.dataset.timerRed));
    if (el.dataset.level !== next) el.dataset.level = next;
  }
}

if (typeof document !== 'undefined') {
  const run = () => tick(document, Date.now());
  setInterval(run, 1000);
  // A timer Blazor just rendered shows at once, not up to a second later.
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; run(); });
  }).observe(document.body, { childList: true, subtree: true });
  run();
}
