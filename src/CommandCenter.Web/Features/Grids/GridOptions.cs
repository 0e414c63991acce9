namespace CommandCenter.Web.Features.Grids;

public sealed record GridOptions
{
    public const string Section = "Grid";

    // Load gis-data into an empty database at start-up (the demo territory).
    public bool SeedOnStart { get; init; } = true;

    // Folder with the district boundary and grid files; found by walking up from the app when empty.
    public string? DataFolder { get; init; }

    public string DistrictFile { get; init; } = "hangzhou-shangcheng-district.geojson";

    public string GridFile { get; init; } = "shangcheng-grids.geojson";

    public string ResolveDataFolder(string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(DataFolder)) return Path.GetFullPath(DataFolder, contentRoot);
        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "gis-data");
                if (File.Exists(Path.Combine(candidate, GridFile))) return candidate;
            }
        }
        throw new DirectoryNotFoundException($"No gis-data folder with {GridFile} above {contentRoot}; set Grid:DataFolder.");
    }
}
