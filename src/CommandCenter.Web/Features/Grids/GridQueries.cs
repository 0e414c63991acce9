using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Incidents;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Grids;

public sealed record PlaceRef(string Code, string Name);

public sealed record GridWorkerView(string Name, string Role, string? Phone);

// A grid with its chain (district → subdistrict → community → grid), who is responsible, and what is open there.
public sealed record GridDetail(
    PlaceRef District,
    PlaceRef Subdistrict,
    PlaceRef Community,
    PlaceRef Grid,
    IReadOnlyList<GridWorkerView> Workers,
    IReadOnlyList<IncidentView> OpenIncidents)
{
    // Grid workers' phone numbers are for the roles that dispatch (Policies.ContactStaff).
    public GridDetail WithoutPhones() => this with { Workers = [.. Workers.Select(w => w with { Phone = null })] };
}

public sealed class GridQueries(IDbContextFactory<CommandCenterDb> dbFactory)
{
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    public async Task<GridDetail?> GetDetailAsync(string gridCode, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var chain = await (
            from g in db.Grids
            join c in db.Communities on g.CommunityCode equals c.Code
            join s in db.Subdistricts on c.SubdistrictCode equals s.Code
            join d in db.Districts on s.DistrictCode equals d.Code
            where g.Code == gridCode
            select new
            {
                District = new PlaceRef(d.Code, d.Name),
                Subdistrict = new PlaceRef(s.Code, s.Name),
                Community = new PlaceRef(c.Code, c.Name),
                Grid = new PlaceRef(g.Code, g.Name),
            }).FirstOrDefaultAsync(ct);
        if (chain is null) return null;

        var workers = await db.GridWorkers.Where(w => w.GridCode == gridCode).OrderBy(w => w.Id)
            .Select(w => new GridWorkerView(w.Name, w.Role, w.Phone)).ToListAsync(ct);
        var open = await IncidentService.ViewsOf(db, db.Incidents.Where(i =>
                i.GridCode == gridCode && IncidentLifecycle.OpenStatuses.Contains(i.Status)))
            .ToListAsync(ct);
        return new GridDetail(chain.District, chain.Subdistrict, chain.Community, chain.Grid, workers,
            [.. open.OrderBy(i => i.PriorityLevel).ThenByDescending(i => i.ReportedAt)]);
    }

    public async Task<GridDetail?> GetDetailAtAsync(double latitude, double longitude, CancellationToken ct = default)
    {
        var code = await ResolveAsync(latitude, longitude, ct);
        return code is null ? null : await GetDetailAsync(code, ct);
    }

    // The subdistricts (街道) by code: the unit list's filter and its names.
    public async Task<IReadOnlyList<PlaceRef>> SubdistrictsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Subdistricts.AsNoTracking().OrderBy(s => s.Code).Select(s => new PlaceRef(s.Code, s.Name)).ToListAsync(ct);
    }

    public async Task<string?> ResolveAsync(double latitude, double longitude, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await IncidentService.GridContainingAsync(db, Wgs84.CreatePoint(new Coordinate(longitude, latitude)), ct);
    }
}
