using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CommandCenter.Domain.Grids;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CommandCenter.GridGen;

internal sealed record District(string Code, string Name, Geometry Boundary);

internal static class GeoJsonFiles
{
    private static readonly JsonSerializerOptions Reader = CreateReader();

    private static JsonSerializerOptions CreateReader()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(new GeometryFactory(new PrecisionModel(), 4326)));
        return options;
    }

    public static District ReadDistrict(string path)
    {
        using var stream = File.OpenRead(path);
        var collection = JsonSerializer.Deserialize<FeatureCollection>(stream, Reader)
            ?? throw new FormatException($"{path} is not a GeoJSON FeatureCollection.");
        if (collection.Count != 1) throw new FormatException($"{path} should hold exactly one district feature, not {collection.Count}.");
        var feature = collection[0];
        var code = Text(feature, "code");
        var name = Text(feature, "name");
        if (!GridCodes.IsDistrictCode(code) || string.IsNullOrEmpty(name))
            throw new FormatException($"{path}: the district feature needs a 6-digit 'code' and a 'name'.");
        return new District(code!, name!, feature.Geometry);
    }

    // Reads a file this tool wrote, the way an importer would, so the validator checks the bytes on disk.
    public static IReadOnlyList<GridFeature> ReadGrids(string json)
    {
        var collection = JsonSerializer.Deserialize<FeatureCollection>(json, Reader)
            ?? throw new FormatException("Not a GeoJSON FeatureCollection.");
        return collection.Select(f => new GridFeature(
            Text(f, "code") ?? "", Text(f, "name") ?? "",
            Text(f, "communityCode") ?? "", Text(f, "communityName") ?? "",
            Text(f, "subdistrictCode") ?? "", Text(f, "subdistrictName") ?? "",
            f.Geometry, Text(f, "workerName"), Text(f, "workerPhone"))).ToList();
    }

    private static string? Text(IFeature feature, string property) =>
        feature.Attributes is { } a && a.Exists(property) ? a[property]?.ToString() : null;

    // One feature per line, so a regenerated file diffs grid by grid. Properties in a fixed order,
    // rings in RFC 7946 orientation (outer counter-clockwise), coordinates with 7 decimals (~1 cm).
    public static string WriteGrids(IEnumerable<GridFeature> grids)
    {
        var text = new StringBuilder();
        text.Append("{\"type\":\"FeatureCollection\",\"features\":[\n");
        var first = true;
        foreach (var grid in grids.OrderBy(g => g.Code, StringComparer.Ordinal))
        {
            if (!first) text.Append(",\n");
            first = false;
            text.Append(FeatureJson(grid));
        }
        text.Append("\n]}\n");
        return text.ToString();
    }

    private static string FeatureJson(GridFeature grid)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // The names are our own Chinese text; keep them readable rather than \u-escaped.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("properties");
            json.WriteString("code", grid.Code);
            json.WriteString("name", grid.Name);
            json.WriteString("communityCode", grid.CommunityCode);
            json.WriteString("communityName", grid.CommunityName);
            json.WriteString("subdistrictCode", grid.SubdistrictCode);
            json.WriteString("subdistrictName", grid.SubdistrictName);
            json.WriteString("workerName", grid.WorkerName);
            json.WriteString("workerPhone", grid.WorkerPhone);
            json.WriteBoolean("synthetic", true);
            json.WriteEndObject();
            json.WriteStartObject("geometry");
            json.WriteString("type", "MultiPolygon");
            json.WriteStartArray("coordinates");
            foreach (var polygon in CellLattice.Polygons(grid.Geometry))
            {
                json.WriteStartArray();
                WriteRing(json, polygon.Shell, counterClockwise: true);
                foreach (var hole in polygon.Holes) WriteRing(json, hole, counterClockwise: false);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteRing(Utf8JsonWriter json, LineString ring, bool counterClockwise)
    {
        var coordinates = ring.Coordinates;
        if (Orientation.IsCCW(coordinates) != counterClockwise) coordinates = [.. Enumerable.Reverse(coordinates)];
        json.WriteStartArray();
        foreach (var c in coordinates)
        {
            json.WriteStartArray();
            json.WriteNumberValue(Math.Round(c.X, 7));
            json.WriteNumberValue(Math.Round(c.Y, 7));
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }
}
