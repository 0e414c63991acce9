// A leader's tablet listens for its own notices on the live hub (Clients.User, carried between
// instances by Redis): when the page is hidden a system notification is raised, and the tab's
// title counts what arrived unseen. The notice strip on the page itself is drawn by the server.
/* global signalR */

let connection = null;
let unseen = 0;
const baseTitle = document.title;

function showTitle() {
  document.title = unseen > 0 ? `(${unseen}) ${baseTitle}` : baseTitle;
}

export function listen(hubPath, method) {
  if (connection || typeof signalR === 'undefined') return;
  connection = new signalR.HubConnectionBuilder()
    .withUrl(hubPath)
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(1000 * 2 ** ctx.previousRetryCount, 10000) })
    .build();
  connection.on(method, notice => {
    if (!document.hidden) return;
    unseen++;
    showTitle();
    // Text only: the notice is shown as a system notification's body, never as markup.
    if ('Notification' in window && Notification.permission === 'granted') {
      new Notification(notice.text, { tag: `cc-notice-${notice.id}` });
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) { unseen = 0; showTitle(); }
  });
  connection.start().catch(() => { /* the strip still shows notices through the page itself */ });
}

// Asked on a tap (browsers allow the prompt only then).
export function askPermission() {
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission();
}

export function stop() {
  if (connection) connection.stop();
  connection = null;
}
