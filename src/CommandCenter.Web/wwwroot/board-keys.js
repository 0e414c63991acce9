// The board's one global key: F2 takes a call, wherever the focus is.
let current = null;

export function listen(dotnet) {
  stop();
  current = e => {
    if (e.key !== 'F2' || e.repeat) return;
    e.preventDefault();
    dotnet.invokeMethodAsync('NewCallKey').catch(() => {});
  };
  document.addEventListener('keydown', current);
}

// Leaving the board: the key stops calling a page that is gone.
export function stop() {
  if (current) document.removeEventListener('keydown', current);
  current = null;
}
