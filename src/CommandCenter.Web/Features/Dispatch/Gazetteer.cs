using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Grids;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace CommandCenter.Web.Features.Dispatch;

// A place the call-taker can pick: its name, what it is, and where to put the pin.
public sealed record PlaceHit(string Name, string Kind, double Latitude, double Longitude, string? Context);

// The local gazetteer: subdistricts, communities, grids and named places, all in PostGIS, so a
// location can be found with no online geocoder. Areas answer with a point inside them.
public sealed class Gazetteer(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<PlaceHit>> SearchAsync(string query, int take, CancellationToken ct)
    {
        var q = query.Trim();
        var pattern = "%" + q.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
        await using var cmd = dataSource.CreateCommand("""
            SELECT name, kind, ST_Y(pt), ST_X(pt), context FROM (
                SELECT p.name, 'place' AS kind, p.location AS pt, g.name AS context, 0 AS rank
                FROM places p LEFT JOIN grids g ON ST_Covers(g.boundary, p.location)
                WHERE p.name ILIKE $1
                UNION ALL
                SELECT g.name, 'grid', ST_PointOnSurface(g.boundary), c.name, 1
                FROM grids g LEFT JOIN communities c ON c.code = g.community_code WHERE g.name ILIKE $1
                UNION ALL
                SELECT c.name, 'community', ST_PointOnSurface(c.boundary), s.name, 2
                FROM communities c LEFT JOIN subdistricts s ON s.code = c.subdistrict_code WHERE c.boundary IS NOT NULL AND c.name ILIKE $1
                UNION ALL
                SELECT s.name, 'subdistrict', ST_PointOnSurface(s.boundary), NULL, 3
                FROM subdistricts s WHERE s.boundary IS NOT NULL AND s.name ILIKE $1
            ) hits
            ORDER BY starts_with(name, $2) DESC, rank, length(name), name
            LIMIT $3
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = pattern });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = q });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(take, 1, 50) });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var hits = new List<PlaceHit>();
        while (await reader.ReadAsync(ct))
            hits.Add(new PlaceHit(reader.GetString(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        return hits;
    }
}

// Loads gis-data/places.geojson (Point features with a "name" and a "kind") into an empty places
// table; a place outside the district is left out, since no grid could own it.
public sealed class PlaceSeeder(IDbContextFactory<CommandCenterDb> dbFactory, NpgsqlDataSource dataSource, IOptions<GridOptions> options, IHostEnvironment env, ILogger<PlaceSeeder> logger)
    : IHostedService
{
    public const string FileName = "places.geojson";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedOnStart) return;
        var path = Path.Combine(options.Value.ResolveDataFolder(env.ContentRootPath), FileName);
        if (!File.Exists(path)) return;
        // Two instances starting together: one loads the places, the other then finds them there.
        await using var held = await StartupLock.TakeAsync(dataSource, Access.AccessSeeder.LockKey, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Places.AnyAsync(cancellationToken)) return;
        var district = await db.Districts.Select(d => d.Boundary).FirstOrDefaultAsync(cancellationToken);
        if (district is null) return;
        await using var stream = File.OpenRead(path);
        var skipped = 0;
        foreach (var feature in GridFileReader.ReadCollection(stream))
        {
            var name = feature.Attributes?.Exists("name") == true ? feature.Attributes["name"]?.ToString() : null;
            var kind = feature.Attributes?.Exists("kind") == true ? feature.Attributes["kind"]?.ToString() : null;
            if (feature.Geometry is not Point point || string.IsNullOrWhiteSpace(name) || !district.Covers(point))
            {
                skipped++;
                continue;
            }
            point.SRID = 4326;
            db.Places.Add(new Place { Name = name, Kind = string.IsNullOrWhiteSpace(kind) ? "landmark" : kind, Location = point });
        }
        await db.SaveChangesAsync(cancellationToken);
        if (skipped > 0) logger.LogWarning("{Skipped} places in {Path} were left out: no name, not a point, or outside the district", skipped, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
