// Set up event handlers
const reconnectModal = document.getElementById("components-reconnect-modal");
reconnectModal.addEventListener("components-reconnect-state-changed", handleReconnectStateChanged);

const retryButton = document.getElementById("components-reconnect-button");
retryButton.addEventListener("click", retry);

const resumeButton = document.getElementById("components-resume-button");
resumeButton.addEventListener("click", resume);

// The wall display: nobody will click Retry, and its tab never becomes "visible" again, so it
// retries on a timer and reloads itself — but only once the server answers, never onto an error page.
const unattended = reconnectModal.dataset.unattended === "true";
const UNATTENDED_RETRY_MS = 5000;
// Screens whose instance stopped all reload at once onto the one that stayed: each waits a random
// part of the spread (Screens:ReloadSpread) so that instance takes them a few at a time.
const reloadSpreadMs = Number(reconnectModal.dataset.reloadSpread) || 0;
let unattendedTimer = 0;
let reloading = false;

function handleReconnectStateChanged(event) {
    if (event.detail.state === "show") {
        reconnectModal.showModal();
    } else if (event.detail.state === "hide") {
        stopRetryingUnattended();
        reconnectModal.close();
    } else if (event.detail.state === "failed") {
        if (unattended) retryUnattended();
        else document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
    } else if (event.detail.state === "rejected") {
        reload();
    } else if (unattended && event.detail.state === "paused") {
        resume();
    } else if (unattended && event.detail.state === "resume-failed") {
        retryUnattended();
    }
}

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenDocumentBecomesVisible);

    try {
        // Reconnect will asynchronously return:
        // - true to mean success
        // - false to mean we reached the server, but it rejected the connection (e.g., unknown circuit ID)
        // - exception to mean we didn't reach the server (this can be sync or async)
        const successful = await Blazor.reconnect();
        if (!successful) {
            // We have been able to reach the server, but the circuit is no longer available.
            // We'll reload the page so the user can continue using the app as quickly as possible.
            const resumeSuccessful = await Blazor.resumeCircuit();
            if (!resumeSuccessful) {
                reload();
            } else {
                reconnectModal.close();
            }
        }
    } catch (err) {
        // We got an exception, server is currently unavailable
        if (unattended) retryUnattended();
        else document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
    }
}

async function resume() {
    try {
        const successful = await Blazor.resumeCircuit();
        if (!successful) {
            reload();
        }
    } catch {
        reconnectModal.classList.replace("components-reconnect-paused", "components-reconnect-resume-failed");
        if (unattended) retryUnattended();
    }
}

async function retryWhenDocumentBecomesVisible() {
    if (document.visibilityState === "visible") {
        await retry();
    }
}

// ---- unattended ----

async function serverIsReady() {
    try {
        const response = await fetch("health/ready", { cache: "no-store" });
        return response.ok;
    } catch {
        return false;
    }
}

function reload() {
    if (reloading) return;
    reloading = true;
    const reloadSoon = () => setTimeout(() => location.reload(), Math.random() * reloadSpreadMs);
    if (!unattended) {
        reloadSoon();
        return;
    }
    // Reloading while the server or its database is still down would leave an error page that
    // never retries; wait until it is ready.
    stopRetryingUnattended();
    const attempt = async () => {
        if (await serverIsReady()) reloadSoon();
        else setTimeout(attempt, UNATTENDED_RETRY_MS);
    };
    attempt();
}

function retryUnattended() {
    stopRetryingUnattended();
    unattendedTimer = setTimeout(async () => {
        if (await serverIsReady()) await retry();
        else retryUnattended();
    }, UNATTENDED_RETRY_MS);
}

function stopRetryingUnattended() {
    clearTimeout(unattendedTimer);
    unattendedTimer = 0;
}

// An unhandled error ends the circuit without the reconnect dialog: reload then too.
if (unattended) {
    setInterval(() => {
        const errorUi = document.getElementById("blazor-error-ui");
        if (errorUi && getComputedStyle(errorUi).display !== "none") reload();
    }, UNATTENDED_RETRY_MS);
}
