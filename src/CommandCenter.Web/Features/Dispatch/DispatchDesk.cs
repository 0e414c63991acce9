using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Dispatch;

// What only the incident's own panel shows: the caller's number, further calls, and the timeline.
public sealed record IncidentCase(string? CallbackNumber, IReadOnlyList<LinkedReport> LinkedReports, IReadOnlyList<TimelineEntry> Timeline);

// Everything the dispatch screens ask for and command, in one seam: the components talk to this,
// never to a DbContext, and component tests put a fake behind it.
public interface IDispatchDesk
{
    StageTimerOptions Timers { get; }

    Task<Recommendations?> RecommendAsync(long incidentId, UnitKind? kind, int take, CancellationToken ct = default);

    Task<AssignmentView?> AssignAsync(long incidentId, long unitId, Actor actor, CancellationToken ct = default);

    Task<AssignmentView?> AdvanceAsync(long assignmentId, AssignmentStep move, Actor actor, CancellationToken ct = default);

    Task<IncidentView?> ResolveAsync(long incidentId, string outcome, Actor actor, CancellationToken ct = default);

    Task<IncidentView?> CloseAsync(long incidentId, string verification, Actor actor, CancellationToken ct = default);

    Task<IncidentView?> LinkReportAsync(long incidentId, string? description, string? callbackNumber, Actor actor, CancellationToken ct = default);

    Task<IReadOnlyList<PossibleDuplicateView>> DuplicatesAsync(IncidentType type, double latitude, double longitude, CancellationToken ct = default);

    Task<IReadOnlyList<PlaceHit>> PlacesAsync(string query, CancellationToken ct = default);

    Task<IncidentView> ReportAsync(ValidIncidentReport report, Actor actor, CancellationToken ct = default);

    Task<IncidentCase?> CaseAsync(long incidentId, CancellationToken ct = default);

    // Resolved, not yet verified and closed: the duty officer's list (核查), as of at least the
    // incidents stream's seq asOf (null: as of now).
    Task<IReadOnlyList<IncidentView>> AwaitingVerificationAsync(long? asOf = null, CancellationToken ct = default);
}

public sealed class DispatchDesk(
    DispatchService dispatch,
    UnitRecommender recommender,
    Gazetteer gazetteer,
    IncidentService incidents,
    IncidentFeed feed,
    IOptions<DispatchOptions> options) : IDispatchDesk
{
    private SharedRead? _awaiting;

    public StageTimerOptions Timers => options.Value.Timers;

    public Task<Recommendations?> RecommendAsync(long incidentId, UnitKind? kind, int take, CancellationToken ct = default) =>
        recommender.ForIncidentAsync(incidentId, kind, take, ct);

    public Task<AssignmentView?> AssignAsync(long incidentId, long unitId, Actor actor, CancellationToken ct = default) =>
        dispatch.AssignAsync(incidentId, unitId, actor, ct);

    public Task<AssignmentView?> AdvanceAsync(long assignmentId, AssignmentStep move, Actor actor, CancellationToken ct = default) =>
        dispatch.AdvanceAsync(assignmentId, move, actor, ct: ct);

    public Task<IncidentView?> ResolveAsync(long incidentId, string outcome, Actor actor, CancellationToken ct = default) =>
        dispatch.ResolveAsync(incidentId, outcome, actor, ct);

    public Task<IncidentView?> CloseAsync(long incidentId, string verification, Actor actor, CancellationToken ct = default) =>
        dispatch.CloseAsync(incidentId, verification, actor, ct);

    public Task<IncidentView?> LinkReportAsync(long incidentId, string? description, string? callbackNumber, Actor actor, CancellationToken ct = default) =>
        dispatch.LinkReportAsync(incidentId, description, callbackNumber, actor, ct);

    public Task<IReadOnlyList<PossibleDuplicateView>> DuplicatesAsync(IncidentType type, double latitude, double longitude, CancellationToken ct = default) =>
        dispatch.DuplicatesAsync(type, latitude, longitude, ct);

    public Task<IReadOnlyList<PlaceHit>> PlacesAsync(string query, CancellationToken ct = default) => gazetteer.SearchAsync(query, 8, ct);

    public async Task<IncidentView> ReportAsync(ValidIncidentReport report, Actor actor, CancellationToken ct = default) =>
        (await incidents.CreateAsync(report, actor, ct)).Incident;

    public Task<IncidentCase?> CaseAsync(long incidentId, CancellationToken ct = default) => dispatch.CaseAsync(incidentId, ct);

    // Resolved, not yet verified: one list per instance, shared by every duty officer's board, which
    // asks for it on every resolve or close (each board reading it itself made hundreds of identical
    // reads per event). The boards told of a state ask for it as of that state's seq and share the
    // read that started at or after it; the read starts on the pool, outside any lock: under a
    // night's load 200 boards told at once queued on a lock held while it started (issue 17).
    public Task<IReadOnlyList<IncidentView>> AwaitingVerificationAsync(long? asOf = null, CancellationToken ct = default)
    {
        // A read started after this tag sees at least that much: events are published after their commit.
        var now = feed.LastSeq;
        var needed = asOf ?? now;
        var read = Volatile.Read(ref _awaiting);
        if (read is null || !read.Serves(needed))
        {
            var fresh = new SharedRead(now, new(() => Task.Run(() => dispatch.AwaitingVerificationAsync(CancellationToken.None))));
            var seen = Interlocked.CompareExchange(ref _awaiting, fresh, read);
            read = ReferenceEquals(seen, read) || !seen!.Serves(needed) ? fresh : seen;
        }
        return read.List.Value.WaitAsync(ct);
    }

    private sealed record SharedRead(long Seq, Lazy<Task<IReadOnlyList<IncidentView>>> List)
    {
        public bool Serves(long seq) => Seq >= seq && !(List.IsValueCreated && (List.Value.IsFaulted || List.Value.IsCanceled));
    }
}
