using System.Text.Json.Nodes;
using CommandCenter.Web.Features.Grids;

namespace CommandCenter.IntegrationTests.Features.Grids;

// Each test gets its own database: imports replace the whole grid set.
public class GridImportTests : IAsyncLifetime
{
    private readonly AppFixture _fixture = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("cc-import-").FullName;

    public async ValueTask InitializeAsync() => await _fixture.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await _fixture.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln"))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException(relative);
    }

    private static JsonObject SeedGrids() => JsonNode.Parse(File.ReadAllText(RepoFile("gis-data/shangcheng-grids.geojson")))!.AsObject();

    private string Save(JsonNode json, string name)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private async Task<(int Exit, string Output)> ImportAsync(params string[] args)
    {
        var output = new StringWriter();
        var exit = await GridImportCommand.RunAsync([GridImportCommand.Name, .. args], _fixture.App.Services, output);
        return (exit, output.ToString());
    }

    private Task<string> GridSetFingerprintAsync() => _fixture.Database.ScalarAsync<string>(
        "SELECT count(*) || ':' || md5(string_agg(code || ST_AsText(boundary), ',' ORDER BY code)) FROM grids");

    [Fact]
    public async Task A_file_with_two_overlapping_grids_is_refused_naming_both_and_the_old_set_stays()
    {
        var before = await GridSetFingerprintAsync();
        var file = SeedGrids();
        var features = file["features"]!.AsArray();
        // Move grid #1's polygon half a cell east, over its neighbour.
        var victim = features[1]!;
        var code = victim["properties"]!["code"]!.GetValue<string>();
        foreach (var polygon in victim["geometry"]!["coordinates"]!.AsArray())
            foreach (var ring in polygon!.AsArray())
                foreach (var position in ring!.AsArray())
                    position![0] = position[0]!.GetValue<double>() + 0.002;

        var (exit, output) = await ImportAsync(Save(file, "overlap.geojson"));

        Assert.Equal(1, exit);
        Assert.Contains(code, output);
        Assert.Contains("overlap", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await GridSetFingerprintAsync());
    }

    [Fact]
    public async Task A_file_with_a_missing_grid_is_refused_as_a_hole_and_the_old_set_stays()
    {
        var before = await GridSetFingerprintAsync();
        var file = SeedGrids();
        var features = file["features"]!.AsArray();
        features.RemoveAt(features.Count / 2);

        var (exit, output) = await ImportAsync(Save(file, "hole.geojson"));

        Assert.Equal(1, exit);
        Assert.Contains("hole", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await GridSetFingerprintAsync());
    }

    [Fact]
    public async Task A_valid_file_with_its_own_property_names_replaces_the_grid_set()
    {
        var file = SeedGrids();
        foreach (var feature in file["features"]!.AsArray())
        {
            var p = feature!["properties"]!.AsObject();
            var renamed = new JsonObject
            {
                ["WGBM"] = p["code"]!.GetValue<string>(),
                ["WGMC"] = "新" + p["name"]!.GetValue<string>(),
                ["SQBM"] = p["communityCode"]!.GetValue<string>(),
                ["SQMC"] = p["communityName"]!.GetValue<string>(),
                ["JDBM"] = p["subdistrictCode"]!.GetValue<string>(),
                ["JDMC"] = p["subdistrictName"]!.GetValue<string>(),
            };
            feature["properties"] = renamed;
        }

        var (exit, output) = await ImportAsync(Save(file, "renamed.geojson"),
            "--map", "code=WGBM,name=WGMC,communityCode=SQBM,communityName=SQMC,subdistrictCode=JDBM,subdistrictName=JDMC");

        Assert.True(exit == 0, output);
        Assert.Equal(0L, await _fixture.Database.ScalarAsync<long>("SELECT count(*) FROM grids WHERE name NOT LIKE '新%'"));
        Assert.Equal(0L, await _fixture.Database.ScalarAsync<long>("SELECT count(*) FROM communities WHERE boundary IS NULL"));
    }

    [Fact]
    public async Task A_file_missing_a_property_names_the_feature_and_the_property()
    {
        var file = SeedGrids();
        var feature = file["features"]!.AsArray()[3]!;
        var code = feature["properties"]!["code"]!.GetValue<string>();
        feature["properties"]!.AsObject().Remove("communityCode");

        var (exit, output) = await ImportAsync(Save(file, "missing.geojson"));

        Assert.Equal(1, exit);
        Assert.Contains(code, output);
        Assert.Contains("communityCode", output);
    }
}
