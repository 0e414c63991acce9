using CommandCenter.Domain.Incidents;
using NetTopologySuite.Geometries;

namespace CommandCenter.Domain.Linkage;

// Where a linkage alert sits on the map: a point to route and sort by, and the area as sent.
// Area is WGS 84 (SRID 4326) with x = longitude, y = latitude; circles become 32-sided polygons.
// Description joins the areaDesc texts; the CapArea records keep the shapes exactly as sent.
public sealed record CapLocation(CapPoint? Point, string Description, Geometry? Area);

// Pure rules that turn a parsed CAP alert into what the linkage desk works with.
public static class CapMapping
{
    public const string CategoryParameter = "category";

    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    // First matching row wins; a row with no categories applies to any CAP category, one with no
    // keywords to any event. Order matters: a stray dog on a road is animals, a leaking radiator heating.
    private static readonly (CapCategory[] When, string[] Keywords, LinkageCategory Then)[] Rules =
    [
        ([], ["动物", "犬", "狗", "猫", "蛇", "animal", "dog", "snake"], LinkageCategory.Animals),
        ([CapCategory.Infra, CapCategory.Safety, CapCategory.CBRNE], ["燃气", "天然气", "煤气", "gas"], LinkageCategory.Gas),
        ([CapCategory.Infra], ["供暖", "暖气", "供热", "heating"], LinkageCategory.Heating),
        ([CapCategory.Infra], ["电", "power", "electric"], LinkageCategory.Power),
        ([CapCategory.Infra], ["水", "water"], LinkageCategory.Water),
        ([CapCategory.Transport], [], LinkageCategory.Roads),
        ([CapCategory.Health], [], LinkageCategory.Medical),
        ([], ["井盖", "占道", "垃圾", "广告牌", "违建", "manhole"], LinkageCategory.UrbanManagement),
        ([], ["流浪", "乞讨", "homeless"], LinkageCategory.CivilAffairs),
    ];

    // The sender's own parameter <valueName>category</valueName><value>water</value> wins when it is a
    // known code; otherwise the table above reads the CAP categories and the event text.
    public static LinkageCategory CategoryOf(CapInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        foreach (var parameter in info.Parameters)
            if (string.Equals(parameter.ValueName.Trim(), CategoryParameter, StringComparison.OrdinalIgnoreCase)
                && LinkageCategories.TryParse(parameter.Value, out var explicitCategory))
                return explicitCategory;

        foreach (var (when, keywords, then) in Rules)
        {
            if (when.Length > 0 && !when.Any(info.Categories.Contains)) continue;
            if (keywords.Length > 0 && !keywords.Any(k => info.Event.Contains(k, StringComparison.OrdinalIgnoreCase))) continue;
            return then;
        }
        return LinkageCategory.Other;
    }

    // Rows: urgency; columns: severity. Critical only when it is happening now and is severe or worse;
    // Unknown is read as the middle (Expected, Moderate) so an unclear alert is not played down;
    // Past means the event is over and only follow-up work remains.
    private static readonly IncidentPriority[,] PriorityTable =
    {
        //               Extreme                    Severe                     Moderate                 Minor                    Unknown
        /* Immediate */ { IncidentPriority.Critical, IncidentPriority.Critical, IncidentPriority.High,   IncidentPriority.Medium, IncidentPriority.High },
        /* Expected  */ { IncidentPriority.High,     IncidentPriority.High,     IncidentPriority.High,   IncidentPriority.Medium, IncidentPriority.High },
        /* Future    */ { IncidentPriority.High,     IncidentPriority.Medium,   IncidentPriority.Medium, IncidentPriority.Low,    IncidentPriority.Medium },
        /* Past      */ { IncidentPriority.Low,      IncidentPriority.Low,      IncidentPriority.Low,    IncidentPriority.Low,    IncidentPriority.Low },
        /* Unknown   */ { IncidentPriority.High,     IncidentPriority.High,     IncidentPriority.High,   IncidentPriority.Medium, IncidentPriority.High },
    };

    public static IncidentPriority PriorityOf(CapUrgency urgency, CapSeverity severity) =>
        PriorityTable[(int)urgency, (int)severity];

    public static IncidentPriority PriorityOf(CapInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return PriorityOf(info.Urgency, info.Severity);
    }

    // The point is taken from the first area that has a shape: its first polygon's centroid (or a point
    // inside it when a concave outline puts the centroid outside), else its first circle's centre.
    // Areas with only a description or geocodes give a location without a point.
    public static CapLocation LocationOf(params IEnumerable<CapArea> areas)
    {
        ArgumentNullException.ThrowIfNull(areas);
        var list = areas.ToList();
        var description = string.Join("; ", list.Select(a => a.AreaDesc).Where(d => d.Length > 0));

        var shapes = new List<Polygon>();
        CapPoint? point = null;
        foreach (var area in list)
        {
            // A zero radius is a point: it gives the location but no area to draw.
            var areaShapes = area.Polygons.Select(ToPolygon)
                .Concat(area.Circles.Where(c => c.RadiusKm > 0).Select(ToPolygon)).ToList();
            shapes.AddRange(areaShapes);
            if (point is null && area.Polygons.Count > 0) point = Representative(areaShapes[0]);
            else if (point is null && area.Circles.Count > 0) point = area.Circles[0].Center;
        }

        Geometry? geometry = shapes.Count switch
        {
            0 => null,
            1 => shapes[0],
            _ => Wgs84.CreateMultiPolygon([.. shapes]),
        };
        return new CapLocation(point, description, geometry);
    }

    public static string ExternalIdOf(CapMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ExternalId(message.Sender, message.Identifier);
    }

    // The alerts an Update or Cancel (or an Ack/Error) is about, in the same form as ExternalIdOf.
    public static IReadOnlyList<string> ReferencedExternalIds(CapMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return [.. message.References.Select(r => ExternalId(r.Sender, r.Identifier)).Distinct(StringComparer.Ordinal)];
    }

    private static string ExternalId(string sender, string identifier) => sender + "/" + identifier;

    private static CapPoint Representative(Polygon polygon)
    {
        var centroid = polygon.Centroid;
        var inside = polygon.Contains(centroid) ? centroid : polygon.InteriorPoint;
        return new CapPoint(inside.Y, inside.X);
    }

    private static Polygon ToPolygon(CapPolygon polygon) =>
        Wgs84.CreatePolygon([.. polygon.Points.Select(p => new Coordinate(p.Longitude, p.Latitude))]);

    // Flat-earth offsets are within metres at the few-kilometre radii linkage alerts use.
    private static Polygon ToPolygon(CapCircle circle)
    {
        const int Sides = 32;
        const double KmPerDegree = 111.32;
        var ring = new Coordinate[Sides + 1];
        var cosLat = Math.Max(Math.Cos(circle.Center.Latitude * Math.PI / 180), 1e-6);
        for (var i = 0; i < Sides; i++)
        {
            var angle = 2 * Math.PI * i / Sides;
            ring[i] = new Coordinate(
                circle.Center.Longitude + circle.RadiusKm * Math.Sin(angle) / (KmPerDegree * cosLat),
                Math.Clamp(circle.Center.Latitude + circle.RadiusKm * Math.Cos(angle) / KmPerDegree, -90, 90));
        }
        ring[Sides] = ring[0].Copy();
        return Wgs84.CreatePolygon(ring);
    }
}
