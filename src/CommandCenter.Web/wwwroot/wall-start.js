// The wall runs unattended: never stop trying to reconnect — every second at first, then every 5 s.
// A file rather than an inline script, so that the Content-Security-Policy needs no exception for it.
Blazor.start({ circuit: { reconnectionOptions: { maxRetries: 1000000, retryIntervalMilliseconds: attempt => attempt < 5 ? 1000 : 5000 } } });
