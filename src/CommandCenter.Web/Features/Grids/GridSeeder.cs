using CommandCenter.Domain.Grids;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Grids;

// Loads the demo territory from gis-data into an empty database, through the same importer
// (and the same validation) a user's grid file goes through.
public sealed class GridSeeder(GridImporter importer, IOptions<GridOptions> options, IHostEnvironment env, ILogger<GridSeeder> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedOnStart) return;
        var folder = options.Value.ResolveDataFolder(env.ContentRootPath);
        var (code, name, district) = await GridFiles.ReadDistrictAsync(Path.Combine(folder, options.Value.DistrictFile), cancellationToken);
        GridFile file;
        await using (var stream = File.OpenRead(Path.Combine(folder, options.Value.GridFile)))
            file = GridFileReader.Read(stream, new GridPropertyMapping());
        var result = await importer.ImportAsync(code, name, district, file, new GridValidationOptions(), Access.Actor.System("seed"), onlyIfEmpty: true, cancellationToken);
        if (result.Problems.Count > 0)
            throw new InvalidOperationException($"The bundled grid data in {folder} does not validate: {result.Problems[0].Message}");
        if (result.Imported) logger.LogInformation("Seeded the demo territory from {Folder}", folder);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class GridFiles
{
    public static async Task<(string Code, string Name, NetTopologySuite.Geometries.Geometry Boundary)> ReadDistrictAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        var collection = GridFileReader.ReadCollection(stream);
        await Task.CompletedTask.WaitAsync(ct);
        if (collection.Count == 0) throw new FormatException($"{path} has no feature.");
        var attributes = collection[0].Attributes;
        var code = attributes?.Exists("code") == true ? attributes["code"]?.ToString() : null;
        var name = attributes?.Exists("name") == true ? attributes["name"]?.ToString() : null;
        if (string.IsNullOrEmpty(code) || string.IsNullOrEmpty(name)) throw new FormatException($"{path}: the district feature needs 'code' and 'name' properties.");
        var boundary = collection[0].Geometry;
        boundary.SRID = 4326;
        return (code, name, boundary);
    }
}
