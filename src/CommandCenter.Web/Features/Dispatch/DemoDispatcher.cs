using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Incidents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Dispatch;

// The demo's own dispatcher: it sends the nearest demo unit to each demo incident and moves it
// through en route, on scene and cleared, then resolves the case, all through DispatchService as a
// person would. It acts only on what the demo created (incident source and unit source "demo"),
// so a real dispatcher's incidents and units are never touched. Off unless Demo:Enabled.
public sealed class DemoDispatcher(
    DispatchService dispatch,
    UnitRecommender recommender,
    IDbContextFactory<CommandCenterDb> dbFactory,
    IOptions<DemoOptions> options,
    TimeProvider clock,
    ILogger<DemoDispatcher> logger) : BackgroundService
{
    private static readonly Access.Actor DemoActor = DemoIncidentFeed.DemoActor;

    // How long each stage lasts in the demo: long enough to watch, short enough to see it move.
    internal static AssignmentStep? NextStep(AssignmentStatus status, TimeSpan inStage) => status switch
    {
        AssignmentStatus.Dispatched when inStage >= TimeSpan.FromSeconds(15) => AssignmentStep.Depart,
        AssignmentStatus.EnRoute when inStage >= TimeSpan.FromSeconds(40) => AssignmentStep.Arrive,
        AssignmentStatus.OnScene when inStage >= TimeSpan.FromSeconds(50) => AssignmentStep.Clear,
        _ => null,
    };

    // A demo incident waits this long for its unit, so the board shows some in red and amber.
    internal static readonly TimeSpan WaitBeforeSending = TimeSpan.FromSeconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await StepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("demo-dispatcher");
                logger.LogWarning(ex, "Demo dispatcher step failed; continuing");
            }
        }
    }

    internal async Task StepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var source = DemoActor.SourceName;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var demoUnits = (await db.PatrolUnits.Where(u => u.Source == source).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
        var waiting = await db.Incidents
            .Where(i => i.Source == source && i.Status == IncidentStatus.Reported && i.ReportedAt <= now - WaitBeforeSending)
            .OrderBy(i => i.ReportedAt).Select(i => i.Id).Take(5).ToListAsync(ct);
        foreach (var incidentId in waiting)
        {
            var ranked = await recommender.ForIncidentAsync(incidentId, null, 10, ct);
            if (ranked?.Units.FirstOrDefault(u => demoUnits.Contains(u.UnitId)) is not { } unit) continue;
            await TryAsync(() => dispatch.AssignAsync(incidentId, unit.UnitId, DemoActor, ct));
        }

        var active = await (
            from a in db.Assignments
            join i in db.Incidents on a.IncidentId equals i.Id
            where a.ClearedAt == null && i.Source == source
            select new { a.Id, a.IncidentId, a.UnitId, a.Status, Since = a.OnSceneAt ?? a.EnRouteAt ?? a.DispatchedAt }).ToListAsync(ct);
        foreach (var a in active.Where(a => demoUnits.Contains(a.UnitId)))
        {
            if (NextStep(a.Status, now - a.Since) is not { } step) continue;
            await TryAsync(() => dispatch.AdvanceAsync(a.Id, step, DemoActor, ct: ct));
            if (step == AssignmentStep.Clear && !active.Any(o => o.IncidentId == a.IncidentId && o.Id != a.Id))
                await TryAsync(() => dispatch.ResolveAsync(a.IncidentId, "演示：现场处置完毕，秩序恢复", DemoActor, ct));
        }
    }

    // Someone (a real dispatcher, the demo feed) moved it first: that is fine, the next round sees it.
    private static async Task TryAsync<T>(Func<Task<T>> command)
    {
        try
        {
            await command();
        }
        catch (DispatchRefusedException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}
