namespace CommandCenter.Web.Features.Map;

// Board: the dispatcher's interactive map. Wall: the wall display's — no controls, bigger
// marks, fitted to the district, flies to each new critical incident and back. Replay: the
// board's map without the live stream, drawing a past window (map/replay.js). Responder: a
// responder's phone, which may not join the live stream: the territory and the one incident
// the page hands it, nothing else.
public enum MapMode { Board, Wall, Replay, Responder }

// What a replay loaded: counts, or the API's message for a window it refused.
public sealed record ReplayLoad(int Units, int Incidents, string? Error);

// The map module's own live connection, as it reports it.
public enum MapLiveStatus { Connecting, Live, Down }
