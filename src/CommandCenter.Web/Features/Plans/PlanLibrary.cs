using CommandCenter.Web.Features.Access;

namespace CommandCenter.Web.Features.Plans;

// One saved version with its document as written.
public sealed record PlanText(string Code, string Name, int Version, string SavedBy, DateTimeOffset SavedAt, string Document)
{
    internal static PlanText Of(PlanVersion row) => new(row.Code, row.Name, row.Version, row.SavedBy, row.SavedAt, row.Document);
}

// A plan as its editor opens it: the current document and every version saved, newest first.
public sealed record PlanDetail(PlanText Current, IReadOnlyList<PlanVersionInfo> Versions);

// A save's outcome: the new version, or the errors keyed by field path (levels[1].tasks[0].ownerRole).
public sealed record PlanSaveOutcome(PlanVersionInfo? Saved, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Saved is not null;
}

// The seam between the plan admin page and the store: the page never holds a DbContext, and
// component tests put a fake behind this.
public interface IPlanLibrary
{
    Task<IReadOnlyList<PlanVersionInfo>> ListAsync(CancellationToken ct = default);

    Task<PlanDetail?> GetAsync(string code, CancellationToken ct = default);

    Task<PlanText?> GetVersionAsync(string code, int version, CancellationToken ct = default);

    Task<PlanSaveOutcome> SaveAsync(string document, Actor actor, CancellationToken ct = default);
}

// The plans as an admin edits them (应急预案管理): each save is checked whole and becomes a new version.
public sealed class PlanLibrary(PlanStore store) : IPlanLibrary
{
    public async Task<IReadOnlyList<PlanVersionInfo>> ListAsync(CancellationToken ct = default) =>
        [.. (await store.CurrentAsync(ct)).Select(p => new PlanVersionInfo(p.Code, p.Name, p.Version, p.SavedBy, p.SavedAt))];

    public async Task<PlanDetail?> GetAsync(string code, CancellationToken ct = default) =>
        await store.VersionAsync(code, null, ct) is { } current ? new(PlanText.Of(current), await store.VersionsAsync(code, ct)) : null;

    public async Task<PlanText?> GetVersionAsync(string code, int version, CancellationToken ct = default) =>
        await store.VersionAsync(code, version, ct) is { } row ? PlanText.Of(row) : null;

    public async Task<PlanSaveOutcome> SaveAsync(string document, Actor actor, CancellationToken ct = default)
    {
        var result = await store.SaveAsync(document, actor, ct);
        return result.Saved is { } p
            ? new(new PlanVersionInfo(p.Code, p.Name, p.Version, p.SavedBy, p.SavedAt), result.Errors)
            : new(null, result.Errors);
    }
}
