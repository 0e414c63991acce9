namespace CommandCenter.Web.Features.Map;

// Board: the dispatcher's interactive map. Wall: the wall display's — no controls, bigger
// marks, fitted to the district, flies to each new critical incident and back. Replay: the
// board's map without the live stream, drawing a past window (map/replay.js).
public enum MapMode { Board, Wall, Replay }

// What a replay loaded: counts, or the API's message for a window it refused.
public sealed record ReplayLoad(int Units, int Incidents, string? Error);

// The map module's own live connection, as it reports it.
public enum MapLiveStatus { Connecting, Live, Down }
