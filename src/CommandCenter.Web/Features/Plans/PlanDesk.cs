using System.Security.Claims;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Plans;

// The seam between plan screens and the service: components never hold a DbContext, and
// component tests put a fake behind this.
public interface IPlanDesk
{
    Task<IReadOnlyList<PlanRunView>> PendingApprovalsAsync(CancellationToken ct = default);

    Task ApproveAsync(ClaimsPrincipal user, long runId, Actor actor, CancellationToken ct = default);

    Task RejectAsync(ClaimsPrincipal user, long runId, string reason, Actor actor, CancellationToken ct = default);

    Task<IReadOnlyList<PlanRunView>> ForIncidentAsync(long incidentId, CancellationToken ct = default);

    Task<IReadOnlyList<(string Code, string Name)>> PlansAsync(CancellationToken ct = default);

    Task StartAsync(ClaimsPrincipal user, long incidentId, string planCode, ResponseLevel level, string? reason, Actor actor, CancellationToken ct = default);

    Task ChangeLevelAsync(ClaimsPrincipal user, long runId, ResponseLevel level, string reason, bool graver, Actor actor, CancellationToken ct = default);

    Task TerminateAsync(ClaimsPrincipal user, long runId, string reason, Actor actor, CancellationToken ct = default);

    Task CompleteTaskAsync(long taskId, Actor actor, CancellationToken ct = default);

    IDisposable OnChanged(Action changed);
}

public sealed class PlanDesk(PlanRunService runs, PlanStore store, LiveBus bus) : IPlanDesk
{
    public Task<IReadOnlyList<PlanRunView>> ForIncidentAsync(long incidentId, CancellationToken ct = default) => runs.ForIncidentAsync(incidentId, ct);

    public async Task<IReadOnlyList<(string Code, string Name)>> PlansAsync(CancellationToken ct = default) =>
        [.. (await store.CurrentAsync(ct)).Select(p => (p.Code, p.Name))];

    public async Task StartAsync(ClaimsPrincipal user, long incidentId, string planCode, ResponseLevel level, string? reason, Actor actor, CancellationToken ct = default) =>
        await runs.RequestAsync(incidentId, planCode, level, reason, actor, user.IsInRole(Roles.Leader), ct);

    public async Task ChangeLevelAsync(ClaimsPrincipal user, long runId, ResponseLevel level, string reason, bool graver, Actor actor, CancellationToken ct = default) =>
        _ = graver
            ? await runs.EscalateAsync(runId, level, reason, actor, user.IsInRole(Roles.Leader), ct)
            : await runs.DeescalateAsync(runId, level, reason, actor, user.IsInRole(Roles.Leader), ct);

    public async Task TerminateAsync(ClaimsPrincipal user, long runId, string reason, Actor actor, CancellationToken ct = default) =>
        await runs.TerminateAsync(runId, reason, actor, user.IsInRole(Roles.Leader), ct);

    public async Task CompleteTaskAsync(long taskId, Actor actor, CancellationToken ct = default) => await runs.CompleteTaskAsync(taskId, actor, ct);

    public async Task<IReadOnlyList<PlanRunView>> PendingApprovalsAsync(CancellationToken ct = default) =>
        [.. (await runs.LiveAsync(ct)).Where(r => r.State == "Awaiting").OrderBy(r => r.ApprovalDueAt)];

    public async Task ApproveAsync(ClaimsPrincipal user, long runId, Actor actor, CancellationToken ct = default) =>
        await runs.ApproveAsync(runId, actor, user.IsInRole(Roles.Leader), ct);

    public async Task RejectAsync(ClaimsPrincipal user, long runId, string reason, Actor actor, CancellationToken ct = default) =>
        await runs.RejectAsync(runId, reason, actor, user.IsInRole(Roles.Leader), ct);

    public IDisposable OnChanged(Action changed) => bus.Subscribe(PlanRunService.Stream, _ => changed());
}
