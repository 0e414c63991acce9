using System.Security.Claims;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Linkage;

// What the linkage page shows to one person: their unit's alerts (an operator) or the duty
// officer's queue (the desk), with the contact masked as that person may see it.
public sealed record LinkageInboxView(bool Desk, string? UnitName, IReadOnlyList<LinkageAlertView> Alerts, IReadOnlyList<LinkageUnitView> Units,
    IReadOnlyDictionary<long, IReadOnlyList<long>>? Photos = null)
{
    public IReadOnlyList<long> PhotosOf(long alertId) => Photos?.GetValueOrDefault(alertId) ?? [];
}

// The seam between the linkage page and the service: the page never holds a DbContext, and
// component tests put a fake behind this.
public interface ILinkageInbox
{
    Task<LinkageInboxView> LoadAsync(ClaimsPrincipal user, CancellationToken ct = default);

    Task StepAsync(ClaimsPrincipal user, long alertId, AlertStep move, string? feedback, Actor actor, CancellationToken ct = default);

    Task HandBackAsync(ClaimsPrincipal user, long alertId, string reason, Actor actor, CancellationToken ct = default);

    Task RouteAsync(long alertId, long unitId, Actor actor, CancellationToken ct = default);

    // 现场照片: the operator's photo of what was done, attached before the feedback is sent.
    Task AttachPhotoAsync(ClaimsPrincipal user, long alertId, byte[] bytes, Actor actor, CancellationToken ct = default);

    // 转为警情 (desk only): the incident's id, the same one on a second call.
    Task<long?> ToIncidentAsync(long alertId, Actor actor, CancellationToken ct = default);

    IDisposable OnChanged(Action changed);
}

public sealed class LinkageInbox(LinkageService linkage, AlertIncidents alertIncidents, AlertPhotos photos, LiveBus bus) : ILinkageInbox
{
    public async Task<LinkageInboxView> LoadAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var (unitId, desk) = await LinkageEndpoints.ViewerAsync(user, linkage, ct);
        var units = await linkage.UnitsAsync(ct);
        var unitName = units.FirstOrDefault(u => u.Id == unitId)?.Name;
        if (desk)
        {
            var queue = await linkage.QueueAsync(ct);
            return new(true, unitName, queue, units, await photos.IdsForAsync([.. queue.Select(a => a.Id)], ct));
        }
        if (unitId is null) return new(false, null, [], []);
        var mine = (await linkage.ForUnitAsync(unitId.Value, ct)).Select(a => LinkageService.ForViewer(a, unitId, desk: false)).ToList();
        return new(false, unitName, mine, [], await photos.IdsForAsync([.. mine.Select(a => a.Id)], ct));
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

    public async Task AttachPhotoAsync(ClaimsPrincipal user, long alertId, byte[] bytes, Actor actor, CancellationToken ct = default)
    {
        var (unitId, desk) = await LinkageEndpoints.ViewerAsync(user, linkage, ct);
        await photos.AttachAsync(alertId, bytes, actor, desk ? null : unitId ?? -1, ct);
    }

    public async Task<long?> ToIncidentAsync(long alertId, Actor actor, CancellationToken ct = default) =>
        (await alertIncidents.ToIncidentAsync(alertId, actor, ct))?.IncidentId;

    public IDisposable OnChanged(Action changed) => bus.Subscribe(LiveStreams.Linkage, _ => changed());
}
