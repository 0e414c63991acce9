using CommandCenter.Domain.Grids;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace CommandCenter.Web.Features.Grids;

public sealed record GridImportResult(bool Imported, IReadOnlyList<GridProblem> Problems, int Subdistricts, int Communities, int Grids, int IncidentsRelocated);

// Replaces the whole grid set in one transaction, or changes nothing: a grid map must tile
// the district (横向到边、纵向到底), so a file that does not is refused whole.
public sealed class GridImporter(IDbContextFactory<CommandCenterDb> dbFactory, ILogger<GridImporter> logger)
{
    // Held for the duration of an import so two instances seeding at once do not interleave.
    private const long ImportLockKey = 0x6772_6964_7365_7401;

    public async Task<GridImportResult> ImportAsync(
        string districtCode, string districtName, Geometry district, GridFile file, GridValidationOptions options,
        Actor actor, bool onlyIfEmpty = false, CancellationToken ct = default)
    {
        var validation = GridSetValidator.Validate(file.Grids, district, options with { DistrictCode = districtCode })
            .Select(p => p.FeatureIndex >= 0 ? p with { FeatureIndex = file.SourceIndexes[p.FeatureIndex] } : p);
        var problems = file.Problems.Concat(validation).ToList();
        if (problems.Count > 0)
        {
            logger.LogWarning("Grid import refused: {Count} problem(s); nothing was changed", problems.Count);
            return new GridImportResult(false, problems, 0, 0, 0, 0);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ImportLockKey})", ct);
        if (onlyIfEmpty && await db.Grids.AnyAsync(ct)) return new GridImportResult(false, [], 0, 0, 0, 0);

        await db.Subdistricts.ExecuteDeleteAsync(ct); // cascades to communities, grids, workers; incidents keep their rows
        await db.Districts.Where(d => d.Code != districtCode).ExecuteDeleteAsync(ct);
        var boundary = AsMulti(district);
        var existing = await db.Districts.FirstOrDefaultAsync(d => d.Code == districtCode, ct);
        if (existing is null) db.Districts.Add(new District { Code = districtCode, Name = districtName, Boundary = boundary });
        else
        {
            existing.Name = districtName;
            existing.Boundary = boundary;
        }

        var subdistricts = file.Grids.GroupBy(g => g.SubdistrictCode).OrderBy(g => g.Key)
            .Select(g => new Subdistrict { Code = g.Key, Name = g.First().SubdistrictName, DistrictCode = districtCode }).ToList();
        var communities = file.Grids.GroupBy(g => g.CommunityCode).OrderBy(g => g.Key)
            .Select(g => new Community { Code = g.Key, Name = g.First().CommunityName, SubdistrictCode = g.First().SubdistrictCode }).ToList();
        db.Subdistricts.AddRange(subdistricts);
        db.Communities.AddRange(communities);
        await db.SaveChangesAsync(ct);

        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var copy = await conn.BeginBinaryImportAsync("COPY grids (code, name, community_code, boundary) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var g in file.Grids.OrderBy(g => g.Code))
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(g.Code, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(g.Name, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(g.CommunityCode, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(AsMulti(g.Geometry), NpgsqlDbType.Geometry, ct);
            }
            await copy.CompleteAsync(ct);
        }
        db.GridWorkers.AddRange(file.Grids.Where(g => !string.IsNullOrEmpty(g.WorkerName))
            .Select(g => new GridWorker { GridCode = g.Code, Name = g.WorkerName!, Role = "GridWorker", Phone = g.WorkerPhone }));
        await db.SaveChangesAsync(ct);

        // Parents are the union of their grids, so the levels can never disagree.
        await db.Database.ExecuteSqlAsync($"""
            UPDATE communities c SET boundary = u.geom
            FROM (SELECT community_code, ST_Multi(ST_Union(boundary)) AS geom FROM grids GROUP BY community_code) u
            WHERE u.community_code = c.code
            """, ct);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE subdistricts s SET boundary = u.geom
            FROM (SELECT subdistrict_code, ST_Multi(ST_Union(boundary)) AS geom FROM communities GROUP BY subdistrict_code) u
            WHERE u.subdistrict_code = s.code
            """, ct);
        // Every incident belongs to the grid that covers it now; on a boundary, the lowest code.
        var relocated = await db.Database.ExecuteSqlAsync($"""
            UPDATE incidents i SET grid_code = (
                SELECT g.code FROM grids g WHERE ST_Covers(g.boundary, i.location) ORDER BY g.code LIMIT 1)
            """, ct);
        AuditLog.Add(db, actor, AuditActions.GridsImported, districtCode,
            new { grids = file.Grids.Count, communities = communities.Count, subdistricts = subdistricts.Count, relocated }, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        logger.LogInformation("Imported {Grids} grids in {Communities} communities and {Subdistricts} subdistricts of {District}",
            file.Grids.Count, communities.Count, subdistricts.Count, districtName);
        return new GridImportResult(true, [], subdistricts.Count, communities.Count, file.Grids.Count, relocated);
    }

    private static MultiPolygon AsMulti(Geometry geometry)
    {
        var multi = geometry switch
        {
            MultiPolygon m => m,
            Polygon p => geometry.Factory.CreateMultiPolygon([p]),
            _ => throw new ArgumentException($"Expected a polygon, got {geometry.GeometryType}.", nameof(geometry)),
        };
        multi.SRID = 4326;
        return multi;
    }
}
