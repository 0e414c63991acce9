namespace CommandCenter.Domain.Linkage;

// An OASIS CAP 1.2 alert as the 110 linkage intake reads it: only the parts routing needs.
// Enum names are the CAP spellings, so ToString() gives the value on the wire.
public sealed record CapMessage(
    string Identifier,
    string Sender,
    DateTimeOffset Sent,
    CapStatus Status,
    CapMsgType MsgType,
    CapScope Scope,
    string? Note,
    IReadOnlyList<CapReference> References,
    IReadOnlyList<CapInfo> Infos);

// One "sender,identifier,sent" entry of <references>: the earlier message an Update or Cancel is about.
public sealed record CapReference(string Sender, string Identifier, DateTimeOffset Sent);

public sealed record CapInfo(
    IReadOnlyList<CapCategory> Categories,
    string Event,
    CapUrgency Urgency,
    CapSeverity Severity,
    CapCertainty Certainty,
    string? SenderName,
    string? Headline,
    string? Description,
    string? Instruction,
    string? Contact,
    DateTimeOffset? Expires,
    IReadOnlyList<CapValue> Parameters,
    IReadOnlyList<CapArea> Areas);

// <parameter> and <geocode> share this shape.
public sealed record CapValue(string ValueName, string Value);

public sealed record CapArea(
    string AreaDesc,
    IReadOnlyList<CapPolygon> Polygons,
    IReadOnlyList<CapCircle> Circles,
    IReadOnlyList<CapValue> Geocodes);

// WGS 84 degrees. Named fields, because CAP writes "lat,lon" while GeoJSON and NTS use x=lon, y=lat.
public readonly record struct CapPoint(double Latitude, double Longitude);

// Closed ring as sent: at least four points, the first equal to the last.
public sealed record CapPolygon(IReadOnlyList<CapPoint> Points);

public sealed record CapCircle(CapPoint Center, double RadiusKm);

public enum CapStatus { Actual, Exercise, System, Test, Draft }

public enum CapMsgType { Alert, Update, Cancel, Ack, Error }

public enum CapScope { Public, Restricted, Private }

public enum CapCategory { Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other }

public enum CapUrgency { Immediate, Expected, Future, Past, Unknown }

public enum CapSeverity { Extreme, Severe, Moderate, Minor, Unknown }

public enum CapCertainty { Observed, Likely, Possible, Unlikely, Unknown }
