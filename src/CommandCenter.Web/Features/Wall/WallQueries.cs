using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Data;
using CommandCenter.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Wall;

public sealed class WallQueries(IDbContextFactory<CommandCenterDb> dbFactory, CenterTime centerTime)
{
    public async Task<WallCounts> CountsAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var windows = WallWindows.At(now, centerTime.Zone);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var reported = await db.Incidents.CountAsync(i => i.ReportedAt >= windows.HourAgo && i.ReportedAt <= now, ct);
        // A reopened incident keeps its first ResolvedAt; it is not resolved today until it is again.
        var resolved = await db.Incidents.CountAsync(i =>
            !IncidentLifecycle.OpenStatuses.Contains(i.Status) && i.ResolvedAt >= windows.StartOfDay && i.ResolvedAt <= now, ct);
        return new WallCounts(reported, resolved);
    }
}
