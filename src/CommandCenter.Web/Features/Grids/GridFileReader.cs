using System.Text.Json;
using CommandCenter.Domain.Grids;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CommandCenter.Web.Features.Grids;

// Which property of a user's grid file holds what. Real grid files name these in their own
// way (网格编码, SQBM…), so the import command takes a mapping; the defaults read our own files.
public sealed record GridPropertyMapping(
    string Code = "code",
    string Name = "name",
    string CommunityCode = "communityCode",
    string CommunityName = "communityName",
    string SubdistrictCode = "subdistrictCode",
    string SubdistrictName = "subdistrictName",
    string WorkerName = "workerName",
    string WorkerPhone = "workerPhone")
{
    // "code=WGBM,name=WGMC" → a mapping with those two replaced.
    public static GridPropertyMapping Parse(string? spec)
    {
        var mapping = new GridPropertyMapping();
        if (string.IsNullOrWhiteSpace(spec)) return mapping;
        foreach (var pair in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[1].Length == 0) throw new FormatException($"Mapping entry '{pair}' is not of the form field=property.");
            mapping = parts[0].ToLowerInvariant() switch
            {
                "code" => mapping with { Code = parts[1] },
                "name" => mapping with { Name = parts[1] },
                "communitycode" => mapping with { CommunityCode = parts[1] },
                "communityname" => mapping with { CommunityName = parts[1] },
                "subdistrictcode" => mapping with { SubdistrictCode = parts[1] },
                "subdistrictname" => mapping with { SubdistrictName = parts[1] },
                "workername" => mapping with { WorkerName = parts[1] },
                "workerphone" => mapping with { WorkerPhone = parts[1] },
                _ => throw new FormatException($"Unknown mapping field '{parts[0]}'. Known: code, name, communityCode, communityName, subdistrictCode, subdistrictName, workerName, workerPhone."),
            };
        }
        return mapping;
    }
}

// SourceIndexes[i] is where Grids[i] stands in the file (features with problems are left out).
public sealed record GridFile(IReadOnlyList<GridFeature> Grids, IReadOnlyList<GridProblem> Problems, IReadOnlyList<int> SourceIndexes);

public static class GridFileReader
{
    private static readonly JsonSerializerOptions GeoJson = CreateOptions();

    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(new GeometryFactory(new PrecisionModel(), 4326)));
        return options;
    }

    public static FeatureCollection ReadCollection(Stream json) =>
        JsonSerializer.Deserialize<FeatureCollection>(json, GeoJson)
        ?? throw new FormatException("The file is not a GeoJSON FeatureCollection.");

    public static Geometry ReadDistrictBoundary(Stream json)
    {
        var collection = ReadCollection(json);
        if (collection.Count == 0) throw new FormatException("The district file has no feature.");
        var geometry = collection.Count == 1 ? collection[0].Geometry : collection[0].Geometry.Factory.BuildGeometry(collection.Select(f => f.Geometry)).Union();
        geometry.SRID = 4326;
        return geometry;
    }

    public static GridFile Read(Stream json, GridPropertyMapping mapping)
    {
        var collection = ReadCollection(json);
        var grids = new List<GridFeature>();
        var problems = new List<GridProblem>();
        var indexes = new List<int>();
        for (var index = 0; index < collection.Count; index++)
        {
            var feature = collection[index];
            string? Text(string property) =>
                feature.Attributes is { } a && a.Exists(property) ? a[property]?.ToString()?.Trim() : null;

            var code = Text(mapping.Code);
            var missing = new List<string>();
            string Required(string property)
            {
                var value = Text(property);
                if (string.IsNullOrEmpty(value)) missing.Add(property);
                return value ?? "";
            }
            var grid = new GridFeature(
                Required(mapping.Code),
                Required(mapping.Name),
                Required(mapping.CommunityCode),
                Required(mapping.CommunityName),
                Required(mapping.SubdistrictCode),
                Required(mapping.SubdistrictName),
                feature.Geometry,
                Text(mapping.WorkerName),
                Text(mapping.WorkerPhone));
            if (feature.Geometry is null) missing.Add("geometry");
            if (missing.Count > 0)
            {
                problems.Add(new GridProblem(code, index, $"missing {string.Join(", ", missing)}"));
                continue;
            }
            feature.Geometry!.SRID = 4326;
            grids.Add(grid);
            indexes.Add(index);
        }
        return new GridFile(grids, problems, indexes);
    }
}
