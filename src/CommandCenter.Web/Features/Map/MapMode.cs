namespace CommandCenter.Web.Features.Map;

// Board: the dispatcher's interactive map. Wall: the wall display's — no controls, bigger
// marks, fitted to the district, flies to each new critical incident and back.
public enum MapMode { Board, Wall }

// The map module's own live connection, as it reports it.
public enum MapLiveStatus { Connecting, Live, Down }
