using System.Security.Claims;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Linkage;

// What the linkage page shows to one person: their unit's alerts (an operator) or the duty
// officer's queue (the desk), with the contact masked as that person may see it.
public sealed record LinkageInboxView(bool Desk, string? UnitName, IReadOnlyList<LinkageAlertView> Alerts, IReadOnlyList<LinkageUnitView> Units);

// The seam between the linkage page and the service: the page never holds a DbContext, and
// component tests put a fake behind this.
public interface ILinkageInbox
{
    Task<LinkageInboxView> LoadAsync(ClaimsPrincipal user, CancellationToken ct = default);

    Task StepAsync(ClaimsPrincipal user, long alertId, AlertStep move, string? feedback, Actor actor, CancellationToken ct = default);

    Task HandBackAsync(ClaimsPrincipal user, long alertId, string reason, Actor actor, CancellationToken ct = default);

    Task RouteAsync(long alertId, long unitId, Actor actor, CancellationToken ct = default);

    // 转为警情 (desk only): the incident's id, the same one on a second call.
    Task<long?> ToIncidentAsync(long alertId, Actor actor, CancellationToken ct = default);

    IDisposable OnChanged(Action changed);
}

public sealed class LinkageInbox(LinkageService linkage, AlertIncidents alertIncidents, LiveBus bus) : ILinkageInbox
{
    public async Task<LinkageInboxView> LoadAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var (unitId, desk) = await LinkageEndpoints.ViewerAsync(user, linkage, ct);
        var units = await linkage.UnitsAsync(ct);
        var unitName = units.FirstOrDefault(u => u.Id == unitId)?.Name;
        if (desk) return new(true, unitName, await linkage.QueueAsync(ct), units);
        if (unitId is null) return new(false, null, [], []);
        return new(false, unitName, [.. (await linkage.ForUnitAsync(unitId.Value, ct)).Select(a => LinkageService.ForViewer(a, unitId, desk: false))], []);
    }

    public async Task StepAsync(ClaimsPrincipal user, long alertId, AlertStep move, string? feedback, Actor actor, CancellationToken ct = default)
    {
        var (unitId, desk) = await LinkageEndpoints.ViewerAsync(user, linkage, ct);
        await linkage.StepAsync(alertId, move, feedback, actor, desk ? null : unitId ?? -1, ct);
    }

    public async Task HandBackAsync(ClaimsPrincipal user, long alertId, string reason, Actor actor, CancellationToken ct = default)
    {
        var (unitId, desk) = await LinkageEndpoints.ViewerAsync(user, linkage, ct);
        await linkage.HandBackAsync(alertId, reason, actor, desk ? null : unitId ?? -1, ct);
    }

    public Task RouteAsync(long alertId, long unitId, Actor actor, CancellationToken ct = default) => linkage.RouteAsync(alertId, unitId, actor, ct);

    public async Task<long?> ToIncidentAsync(long alertId, Actor actor, CancellationToken ct = default) =>
        (await alertIncidents.ToIncidentAsync(alertId, actor, ct))?.IncidentId;

    public IDisposable OnChanged(Action changed) => bus.Subscribe(LiveStreams.Linkage, _ => changed());
}
