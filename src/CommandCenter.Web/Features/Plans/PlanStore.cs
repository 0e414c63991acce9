using CommandCenter.Domain.Plans;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Plans;

public sealed record PlanSaveResult(PlanVersion? Saved, IReadOnlyDictionary<string, string[]> Errors);

// A saved version as lists show it: which plan, which number, who saved it and when.
public sealed record PlanVersionInfo(string Code, string Name, int Version, string SavedBy, DateTimeOffset SavedAt);

// The center's plans: the documents in the repository's Plans folder are loaded at start (a newer
// version in a file becomes the current one), and admins save edits as new versions.
public sealed class PlanStore(IDbContextFactory<CommandCenterDb> dbFactory, TimeProvider clock)
{
    public static readonly IReadOnlySet<string> KnownRoles = new HashSet<string>(Roles.All, StringComparer.Ordinal);

    public async Task<IReadOnlyList<PlanVersion>> CurrentAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PlanVersions.AsNoTracking()
            .Where(p => p.Version == db.PlanVersions.Where(q => q.Code == p.Code).Max(q => q.Version))
            .OrderBy(p => p.Code).ToListAsync(ct);
    }

    public async Task<(PlanVersion Version, PlanDocument Plan)?> GetAsync(string code, int? version = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.PlanVersions.AsNoTracking().Where(p => p.Code == code && (version == null || p.Version == version))
            .OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        return DocumentOf(row) is { } plan ? (row, plan) : null;
    }

    // A saved version never changes, so each is parsed once per instance (the rule engine reads
    // every current plan every few seconds). Null when it no longer parses (a role removed since).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Code, int Version), PlanDocument?> _parsed = new();

    public PlanDocument? DocumentOf(PlanVersion row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _parsed.GetOrAdd((row.Code, row.Version), _ => PlanParser.Parse(row.Document, KnownRoles).Plan);
    }

    // A saved version as it was written (the current one without a number), for the admin's editor:
    // not parsed, so a version that no longer passes still opens.
    public async Task<PlanVersion?> VersionAsync(string code, int? version = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PlanVersions.AsNoTracking().Where(p => p.Code == code && (version == null || p.Version == version))
            .OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);
    }

    // Every saved version of a plan, newest first, without the documents.
    public async Task<IReadOnlyList<PlanVersionInfo>> VersionsAsync(string code, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PlanVersions.AsNoTracking().Where(p => p.Code == code).OrderByDescending(p => p.Version)
            .Select(p => new PlanVersionInfo(p.Code, p.Name, p.Version, p.SavedBy, p.SavedAt)).ToListAsync(ct);
    }

    // Validated whole; saved as a new version only if its version number is above the current one.
    public async Task<PlanSaveResult> SaveAsync(string document, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var parsed = PlanParser.Parse(document, KnownRoles);
        if (!parsed.IsValid) return new(null, parsed.Errors);
        var plan = parsed.Plan!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two admins saving the same plan at once: one version each, in order.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"plan:" + plan.Code}))", ct);
        var current = await db.PlanVersions.Where(p => p.Code == plan.Code).MaxAsync(p => (int?)p.Version, ct);
        if (current is { } c && plan.Version <= c)
            return new(null, new Dictionary<string, string[]> { ["version"] = [$"Version {plan.Version} is not above the current version {c}: save it as {c + 1}."] });
        var now = clock.GetUtcNow();
        var row = new PlanVersion { Code = plan.Code, Version = plan.Version, Name = plan.Name, Document = document, SavedBy = actor.Name, SavedAt = now };
        db.PlanVersions.Add(row);
        AuditLog.Add(db, actor, AuditActions.PlanSaved, $"plan/{plan.Code}", new { plan.Version }, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(row, new Dictionary<string, string[]>());
    }
}

// Loads the repository's plans at start, under the seed lock: two instances load each version once.
public sealed class PlanSeeder(PlanStore store, IWebHostEnvironment env, Npgsql.NpgsqlDataSource dataSource, ILogger<PlanSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(env.ContentRootPath, "Plans");
        if (!Directory.Exists(folder)) return;
        await using var held = await StartupLock.TakeAsync(dataSource, AccessSeeder.LockKey, cancellationToken);
        var system = Actor.System("plans-folder");
        foreach (var file in Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var result = await store.SaveAsync(await File.ReadAllTextAsync(file, cancellationToken), system, cancellationToken);
            if (result.Saved is { } saved) logger.LogInformation("Plan {Code} version {Version} loaded from {File}", saved.Code, saved.Version, Path.GetFileName(file));
            else if (!result.Errors.ContainsKey("version"))
                logger.LogError("Plan file {File} is not valid: {Errors}", Path.GetFileName(file), string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}")));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
