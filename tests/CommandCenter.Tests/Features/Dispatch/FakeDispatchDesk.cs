using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;

namespace CommandCenter.Tests.Features.Dispatch;

// Stands in for the database behind the dispatch screens: it records the commands it is given,
// answers with what the test set up, and can hold a command open or refuse it.
internal sealed class FakeDispatchDesk : IDispatchDesk
{
    public List<string> Commands { get; } = [];
    public List<Recommendation> Units { get; } = [];
    public List<PossibleDuplicateView> Duplicates { get; } = [];
    public List<PlaceHit> Places { get; } = [];
    public Refusal? Refuse { get; set; }
    public TaskCompletionSource? Hold { get; set; }
    public ValidIncidentReport? Reported { get; private set; }

    public StageTimerOptions Timers { get; } = new();

    public Task<Recommendations?> RecommendAsync(long incidentId, UnitKind? kind, int take, CancellationToken ct = default) =>
        Task.FromResult<Recommendations?>(new Recommendations(incidentId,
            [.. Units.Where(u => kind is null || u.Kind == PatrolCodes.ToCode(kind.Value)).Take(take)]));

    public async Task<AssignmentView?> AssignAsync(long incidentId, long unitId, Actor actor, CancellationToken ct = default)
    {
        await RunAsync($"assign {incidentId} {unitId}");
        return new AssignmentView(1, incidentId, unitId, "U", "vehicle", "dispatched", DateTimeOffset.UnixEpoch, null, null, null, actor.Name);
    }

    public async Task<AssignmentView?> AdvanceAsync(long assignmentId, AssignmentStep move, Actor actor, CancellationToken ct = default)
    {
        await RunAsync($"step {assignmentId} {AssignmentCodes.ToCode(move)}");
        return null;
    }

    public async Task<IncidentView?> ResolveAsync(long incidentId, string outcome, Actor actor, CancellationToken ct = default)
    {
        await RunAsync($"resolve {incidentId} {outcome}");
        return null;
    }

    public async Task<IncidentView?> CloseAsync(long incidentId, string verification, Actor actor, CancellationToken ct = default)
    {
        await RunAsync($"close {incidentId} {verification}");
        return null;
    }

    public async Task<IncidentView?> LinkReportAsync(long incidentId, string? description, string? callbackNumber, Actor actor, CancellationToken ct = default)
    {
        await RunAsync($"link {incidentId} {description} {callbackNumber}");
        return Duplicates.First(d => d.Incident.Id == incidentId).Incident;
    }

    public Task<IReadOnlyList<PossibleDuplicateView>> DuplicatesAsync(IncidentType type, double latitude, double longitude, CancellationToken ct = default)
    {
        Commands.Add($"duplicates {IncidentCodes.ToCode(type)}");
        return Task.FromResult<IReadOnlyList<PossibleDuplicateView>>(Duplicates);
    }

    public Task<IReadOnlyList<PlaceHit>> PlacesAsync(string query, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<PlaceHit>>([.. Places.Where(p => p.Name.Contains(query, StringComparison.Ordinal))]);

    public async Task<IncidentView> ReportAsync(ValidIncidentReport report, Actor actor, CancellationToken ct = default)
    {
        await RunAsync("report");
        Reported = report;
        return Incidents.IncidentBoardTests.Incident(99);
    }

    public Task<IncidentCase?> CaseAsync(long incidentId, CancellationToken ct = default) =>
        Task.FromResult<IncidentCase?>(new IncidentCase("13812345678", [], []));

    public Task<IReadOnlyList<IncidentView>> AwaitingVerificationAsync(long? asOf = null, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<IncidentView>>([]);

    private async Task RunAsync(string command)
    {
        Commands.Add(command);
        if (Hold is { } hold) await hold.Task;
        if (Refuse is { } refusal) throw new DispatchRefusedException(refusal, conflict: true);
    }
}
