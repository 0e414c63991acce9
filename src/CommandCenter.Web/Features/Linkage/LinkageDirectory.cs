using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace CommandCenter.Web.Features.Linkage;

public sealed record LinkageOperatorView(string UserName, string DisplayName, bool Locked);

// A unit as the directory shows it: what routes to it, where, its own limits and who works it.
public sealed record LinkageDirectoryUnit(
    long Id, string Code, string Name, IReadOnlyList<string> Categories, IReadOnlyList<string> AreaCodes, double AreaKm2,
    string? SupervisorName, string? SupervisorUserName, IReadOnlyList<StepLimitRule> Limits, IReadOnlyList<LinkageOperatorView> Operators,
    DateTimeOffset CreatedAt, DateTimeOffset? UpdatedAt);

// A write's outcome: the unit, or the status (400, 404, 409, 422) and the errors keyed by JSON field name.
public sealed record LinkageDirectoryResult(LinkageDirectoryUnit? Unit, int Status, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Unit is not null;

    internal static LinkageDirectoryResult Ok(LinkageDirectoryUnit unit, int status) => new(unit, status, new Dictionary<string, string[]>());

    internal static LinkageDirectoryResult Refused(int status, string field, string message) =>
        new(null, status, new Dictionary<string, string[]> { [field] = [message] });
}

// The seam between the directory page and the service: the page never holds a DbContext, and
// component tests put a fake behind this.
public interface ILinkageDirectory
{
    Task<IReadOnlyList<LinkageDirectoryUnit>> ListAsync(CancellationToken ct = default);

    Task<LinkageDirectoryResult> CreateAsync(LinkageUnitDraft draft, Actor actor, CancellationToken ct = default);

    Task<LinkageDirectoryResult> UpdateAsync(long id, LinkageUnitDraft draft, Actor actor, CancellationToken ct = default);
}

// The linkage unit directory (联动单位名录), kept by an admin. A change applies to alerts routed
// after it: alerts already with a unit keep it and their deadlines.
public sealed class LinkageDirectory(IDbContextFactory<CommandCenterDb> dbFactory, TimeProvider clock) : ILinkageDirectory
{
    public async Task<IReadOnlyList<LinkageDirectoryUnit>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ViewsAsync(db, null, ct);
    }

    public async Task<LinkageDirectoryResult> CreateAsync(LinkageUnitDraft draft, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (LinkageDirectoryRules.Validate(draft, creating: true) is { Count: > 0 } errors) return new(null, StatusCodes.Status400BadRequest, errors);
        var code = draft.Code!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.LinkageUnits.AnyAsync(u => u.Code == code, ct)) return CodeTaken(code);
        var resolved = await ResolveAsync(db, draft, ct);
        if (resolved.Refusal is { } refusal) return refusal;
        var now = clock.GetUtcNow();
        var unit = new LinkageUnit { Code = code, Name = draft.Name!.Trim(), Area = resolved.Area!, CreatedAt = now };
        Apply(unit, draft, resolved);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.LinkageUnits.Add(unit);
        AuditLog.Add(db, actor, AuditActions.LinkageUnitCreated, $"linkage_unit/{code}", Details(unit), now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two admins creating the same code at once: the second learns it here.
            return CodeTaken(code);
        }
        await tx.CommitAsync(ct);
        return LinkageDirectoryResult.Ok((await ViewsAsync(db, unit.Id, ct)).Single(), StatusCodes.Status201Created);
    }

    public async Task<LinkageDirectoryResult> UpdateAsync(long id, LinkageUnitDraft draft, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (LinkageDirectoryRules.Validate(draft, creating: false) is { Count: > 0 } errors) return new(null, StatusCodes.Status400BadRequest, errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var resolved = await ResolveAsync(db, draft, ct);
        if (resolved.Refusal is { } refusal) return refusal;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var unit = await db.LinkageUnits.FromSql($"SELECT * FROM linkage_units WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (unit is null) return LinkageDirectoryResult.Refused(StatusCodes.Status404NotFound, "id", $"No linkage unit {id}.");
        var now = clock.GetUtcNow();
        unit.Name = draft.Name!.Trim();
        unit.Area = resolved.Area!;
        unit.UpdatedAt = now;
        Apply(unit, draft, resolved);
        AuditLog.Add(db, actor, AuditActions.LinkageUnitUpdated, $"linkage_unit/{unit.Code}", Details(unit), now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return LinkageDirectoryResult.Ok((await ViewsAsync(db, unit.Id, ct)).Single(), StatusCodes.Status200OK);
    }

    private static LinkageDirectoryResult CodeTaken(string code) =>
        LinkageDirectoryResult.Refused(StatusCodes.Status409Conflict, "code", $"A linkage unit with code '{code}' exists.");

    private static void Apply(LinkageUnit unit, LinkageUnitDraft draft, Resolved resolved)
    {
        // Stored as codes the router compares exactly (the rules accept any case and spaces).
        unit.Categories = [.. draft.Categories!.Select(Category).Distinct().OrderBy(c => c, StringComparer.Ordinal)];
        unit.AreaCodes = [.. resolved.AreaCodes];
        unit.SupervisorName = string.IsNullOrWhiteSpace(draft.SupervisorName) ? null : draft.SupervisorName.Trim();
        unit.SupervisorUserName = resolved.SupervisorUserName;
        unit.Limits = [.. (draft.Limits ?? []).Select(r => r with
        {
            Category = r.Category is null ? null : Category(r.Category),
            Priority = r.Priority is not null && IncidentCodes.TryParsePriority(r.Priority, out var p) ? IncidentCodes.ToCode(p) : null,
        })];
    }

    private static string Category(string code) => LinkageCategories.TryParse(code, out var c) ? LinkageCategories.ToCode(c) : code;

    private static object Details(LinkageUnit u) =>
        new { u.Code, u.Name, u.Categories, u.AreaCodes, u.SupervisorName, u.SupervisorUserName, u.Limits };

    private sealed record Resolved(MultiPolygon? Area, IReadOnlyList<string> AreaCodes, string? SupervisorUserName, LinkageDirectoryResult? Refusal);

    // The area from its codes (the union of their boundaries, in PostGIS) and the supervisor's account.
    private static async Task<Resolved> ResolveAsync(CommandCenterDb db, LinkageUnitDraft draft, CancellationToken ct)
    {
        string? supervisor = null;
        if (!string.IsNullOrWhiteSpace(draft.SupervisorUserName))
        {
            var normalized = draft.SupervisorUserName.Trim().ToUpperInvariant();
            supervisor = await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => u.UserName).FirstOrDefaultAsync(ct);
            if (supervisor is null)
                return Refuse("supervisorUserName", $"No account '{draft.SupervisorUserName.Trim()}': create it first, or leave the supervisor account empty.");
        }
        string[] codes = [.. (draft.AreaCodes ?? []).Select(c => c.Trim()).Distinct(StringComparer.Ordinal)];
        MultiPolygon? area;
        if (codes.Length == 0)
        {
            area = await db.Database.SqlQuery<MultiPolygon>($"""
                SELECT ST_Multi(ST_CollectionExtract(ST_Union(boundary), 3)) AS "Value" FROM districts
                """).FirstOrDefaultAsync(ct);
            if (area is null) return Refuse("areaCodes", "No district boundary is loaded; give subdistrict, community or grid codes.");
        }
        else
        {
            var known = await db.Database.SqlQuery<string>($"""
                SELECT code AS "Value" FROM subdistricts WHERE code = ANY({codes})
                UNION SELECT code FROM communities WHERE code = ANY({codes})
                UNION SELECT code FROM grids WHERE code = ANY({codes})
                """).ToListAsync(ct);
            if (codes.FirstOrDefault(c => !known.Contains(c)) is { } unknown)
                return Refuse("areaCodes", $"'{unknown}' is not a subdistrict (街道), community (社区) or grid (网格) code.");
            area = await db.Database.SqlQuery<MultiPolygon>($"""
                SELECT ST_Multi(ST_CollectionExtract(ST_Union(boundary), 3)) AS "Value" FROM (
                    SELECT boundary FROM subdistricts WHERE code = ANY({codes})
                    UNION ALL SELECT boundary FROM communities WHERE code = ANY({codes})
                    UNION ALL SELECT boundary FROM grids WHERE code = ANY({codes})) AS parts
                """).FirstOrDefaultAsync(ct);
            if (area is null || area.IsEmpty) return Refuse("areaCodes", "These codes have no area between them.");
        }
        return new(area, codes, supervisor, null);

        static Resolved Refuse(string field, string message) =>
            new(null, [], null, LinkageDirectoryResult.Refused(StatusCodes.Status422UnprocessableEntity, field, message));
    }

    private async Task<List<LinkageDirectoryUnit>> ViewsAsync(CommandCenterDb db, long? id, CancellationToken ct)
    {
        var units = await db.LinkageUnits.AsNoTracking().Where(u => id == null || u.Id == id).OrderBy(u => u.Code).ToListAsync(ct);
        if (units.Count == 0) return [];
        // On the sphere, not in squared degrees: what an admin means by the size of an area
        // (columns in snake case: the context's naming convention maps them).
        var ids = units.Select(u => u.Id).ToArray();
        var sizes = (await db.Database.SqlQuery<AreaRow>($"""
            SELECT id, ST_Area(area::geography) / 1e6 AS km2 FROM linkage_units WHERE id = ANY({ids})
            """).ToListAsync(ct)).ToDictionary(r => r.Id, r => r.Km2);
        var codes = units.Select(u => u.Code).ToArray();
        var now = clock.GetUtcNow();
        var operators = (await db.Users.AsNoTracking().Where(u => u.UnitCode != null && codes.Contains(u.UnitCode))
                .OrderBy(u => u.UserName)
                .Select(u => new { u.UnitCode, u.UserName, u.DisplayName, u.LockoutEnabled, u.LockoutEnd }).ToListAsync(ct))
            .ToLookup(u => u.UnitCode!, u => new LinkageOperatorView(u.UserName!, u.DisplayName, u.LockoutEnabled && u.LockoutEnd > now));
        return [.. units.Select(u => new LinkageDirectoryUnit(u.Id, u.Code, u.Name, u.Categories, u.AreaCodes, Math.Round(sizes.GetValueOrDefault(u.Id), 3),
            u.SupervisorName, u.SupervisorUserName, u.Limits, [.. operators[u.Code]], u.CreatedAt, u.UpdatedAt))];
    }

    private sealed record AreaRow(long Id, double Km2);
}
