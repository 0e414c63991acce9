using CommandCenter.Domain.Grids;
using CommandCenter.Web.Data;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Grids;

// `dotnet run -- import-grids <grids.geojson> [--district <file>] [--map code=WGBM,...]
//   [--overlap-tolerance <m²>] [--hole-tolerance <m²>]`
// Exit code 0: imported; 1: refused (problems printed, nothing changed); 2: usage.
public static class GridImportCommand
{
    public const string Name = "import-grids";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output)
    {
        string? gridPath = null, districtPath = null, map = null;
        var validation = new GridValidationOptions();
        try
        {
            for (var i = 1; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--district": districtPath = Next(); break;
                    case "--map": map = Next(); break;
                    case "--overlap-tolerance": validation = validation with { OverlapToleranceSquareMeters = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case "--hole-tolerance": validation = validation with { HoleToleranceSquareMeters = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    default:
                        if (args[i].StartsWith("--", StringComparison.Ordinal) || gridPath is not null) throw new FormatException($"Unexpected argument '{args[i]}'.");
                        gridPath = args[i];
                        break;
                }
            }
            if (gridPath is null) throw new FormatException("Name the grid GeoJSON file.");
        }
        catch (FormatException ex)
        {
            await output.WriteLineAsync($"{ex.Message}\nUsage: import-grids <grids.geojson> [--district <district.geojson>] [--map code=PROP,name=PROP,communityCode=PROP,communityName=PROP,subdistrictCode=PROP,subdistrictName=PROP,workerName=PROP,workerPhone=PROP] [--overlap-tolerance m2] [--hole-tolerance m2]");
            return 2;
        }

        var options = services.GetRequiredService<IOptions<GridOptions>>().Value;
        var env = services.GetRequiredService<IHostEnvironment>();
        districtPath ??= Path.Combine(options.ResolveDataFolder(env.ContentRootPath), options.DistrictFile);

        await services.GetRequiredService<DatabaseMigrator>().StartAsync(CancellationToken.None);
        var (code, name, district) = await GridFiles.ReadDistrictAsync(districtPath, CancellationToken.None);
        GridFile file;
        try
        {
            await using var stream = File.OpenRead(gridPath);
            file = GridFileReader.Read(stream, GridPropertyMapping.Parse(map));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or IOException)
        {
            await output.WriteLineAsync($"Cannot read {gridPath}: {ex.Message}");
            return 1;
        }

        var result = await services.GetRequiredService<GridImporter>().ImportAsync(code, name, district, file, validation,
            Access.Actor.System($"import-grids ({Environment.UserName})"));
        if (!result.Imported)
        {
            await output.WriteLineAsync($"Refused {gridPath}: {result.Problems.Count} problem(s); the current grid set is unchanged.");
            foreach (var p in result.Problems)
                await output.WriteLineAsync($"  {p.Code ?? $"feature #{p.FeatureIndex}"}: {p.Message}");
            return 1;
        }
        await output.WriteLineAsync($"Imported {result.Grids} grids, {result.Communities} communities, {result.Subdistricts} subdistricts into {name} ({code}); {result.IncidentsRelocated} incident(s) re-resolved.");
        return 0;
    }
}
