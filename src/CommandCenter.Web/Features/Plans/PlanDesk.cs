using System.Security.Claims;
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

    IDisposable OnChanged(Action changed);
}

public sealed class PlanDesk(PlanRunService runs, LiveBus bus) : IPlanDesk
{
    public async Task<IReadOnlyList<PlanRunView>> PendingApprovalsAsync(CancellationToken ct = default) =>
        [.. (await runs.LiveAsync(ct)).Where(r => r.State == "Awaiting").OrderBy(r => r.ApprovalDueAt)];

    public async Task ApproveAsync(ClaimsPrincipal user, long runId, Actor actor, CancellationToken ct = default) =>
        await runs.ApproveAsync(runId, actor, user.IsInRole(Roles.Leader), ct);

    public async Task RejectAsync(ClaimsPrincipal user, long runId, string reason, Actor actor, CancellationToken ct = default) =>
        await runs.RejectAsync(runId, reason, actor, user.IsInRole(Roles.Leader), ct);

    public IDisposable OnChanged(Action changed) => bus.Subscribe(PlanRunService.Stream, _ => changed());
}
