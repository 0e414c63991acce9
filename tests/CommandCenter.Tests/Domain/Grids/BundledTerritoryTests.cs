using System.Text.Json;
using CommandCenter.Domain.Grids;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CommandCenter.Tests.Domain.Grids;

// The files in gis-data are what a fresh install seeds; they must tile the district exactly as the
// importer's validation demands.
public class BundledTerritoryTests
{
    private static readonly JsonSerializerOptions GeoJson = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(new GeometryFactory(new PrecisionModel(), 4326)));
        return options;
    }

    private static FeatureCollection Read(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln"))) continue;
            using var stream = File.OpenRead(Path.Combine(dir.FullName, "gis-data", name));
            return JsonSerializer.Deserialize<FeatureCollection>(stream, GeoJson)!;
        }
        throw new DirectoryNotFoundException($"No CommandCenter.sln above {AppContext.BaseDirectory}.");
    }

    private static string? Text(IFeature feature, string property) =>
        feature.Attributes.Exists(property) ? feature.Attributes[property]?.ToString() : null;

    private static List<GridFeature> Grids() => Read("shangcheng-grids.geojson").Select(f => new GridFeature(
        Text(f, "code")!, Text(f, "name")!, Text(f, "communityCode")!, Text(f, "communityName")!,
        Text(f, "subdistrictCode")!, Text(f, "subdistrictName")!, f.Geometry, Text(f, "workerName"), Text(f, "workerPhone"))).ToList();

    [Fact]
    public void The_bundled_grids_tile_the_bundled_district_with_no_problem()
    {
        var district = Assert.Single(Read("hangzhou-shangcheng-district.geojson"));
        Assert.Equal("330102", Text(district, "code"));
        Assert.IsType<MultiPolygon>(district.Geometry);

        var problems = GridSetValidator.Validate(Grids(), district.Geometry, new GridValidationOptions { DistrictCode = "330102" });

        Assert.True(problems.Count == 0, string.Join("\n", problems.Select(p => $"{p.Code}: {p.Message}")));
    }

    [Fact]
    public void Every_bundled_grid_has_a_fourteen_digit_code_in_district_330102()
    {
        var grids = Grids();

        Assert.InRange(grids.Count, 80, 200);
        Assert.All(grids, g =>
        {
            Assert.True(GridCodes.IsGridCode(g.Code), g.Code);
            Assert.StartsWith("330102", g.Code, StringComparison.Ordinal);
            Assert.IsType<MultiPolygon>(g.Geometry);
        });
    }

    [Fact]
    public void The_bundled_grids_are_marked_synthetic_and_carry_no_phone_numbers()
    {
        var features = Read("shangcheng-grids.geojson");

        Assert.All(features, f =>
        {
            Assert.Equal(true, f.Attributes["synthetic"]);
            Assert.Null(f.Attributes["workerPhone"]);
        });
    }
}
