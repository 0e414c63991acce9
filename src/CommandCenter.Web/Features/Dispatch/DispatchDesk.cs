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

    // Resolved, not yet verified and closed: the duty officer's list (核查).
    Task<IReadOnlyList<IncidentView>> AwaitingVerificationAsync(CancellationToken ct = default);
}

public sealed class DispatchDesk(
    DispatchService dispatch,
    UnitRecommender recommender,
    Gazetteer gazetteer,
    IncidentService incidents,
    IncidentFeed feed,
    IOptions<DispatchOptions> options) : IDispatchDesk
{
    private readonly Lock _awaitingGate = new();
    private Task<IReadOnlyList<IncidentView>>? _awaiting;
    private long _awaitingSeq = -1;

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

    // Resolved, not yet verified: one list per instance, read once for each point of the incidents
    // stream and shared by every duty officer's board, which asks for it on every resolve or close
    // (each board reading it itself made hundreds of identical reads per event).
    public Task<IReadOnlyList<IncidentView>> AwaitingVerificationAsync(CancellationToken ct = default)
    {
        var seq = feed.LastSeq;
        lock (_awaitingGate)
        {
            if (_awaiting is { IsFaulted: false, IsCanceled: false } shared && _awaitingSeq == seq) return shared.WaitAsync(ct);
            _awaitingSeq = seq;
            _awaiting = dispatch.AwaitingVerificationAsync(CancellationToken.None);
            return _awaiting.WaitAsync(ct);
        }
    }
}
