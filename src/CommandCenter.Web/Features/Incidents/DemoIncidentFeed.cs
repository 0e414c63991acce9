using System.ComponentModel.DataAnnotations;
using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Incidents;

public sealed record DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; init; }

    [Range(typeof(TimeSpan), "00:00:00.200", "01:00:00")]
    public TimeSpan IncidentInterval { get; init; } = TimeSpan.FromSeconds(4);

    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan ResolveAfter { get; init; } = TimeSpan.FromMinutes(3);

    // Keeps the map readable: beyond this many open demo incidents the oldest are resolved.
    [Range(1, 10_000)]
    public int MaxOpen { get; init; } = 40;
}

// Creates an incident every few seconds at a random point of the district through the same
// service the API uses, and resolves its own old ones (never a real report). Only for demos:
// off unless Demo:Enabled, and refused in Production (ProductionGuard).
public sealed class DemoIncidentFeed(
    IncidentService incidents,
    IDbContextFactory<CommandCenterDb> dbFactory,
    IOptions<DemoOptions> options,
    TimeProvider clock,
    ILogger<DemoIncidentFeed> logger,
    Plans.PlanRunService? plans = null) : BackgroundService
{
    private static readonly (IncidentType Type, string Title)[] Samples =
    [
        (IncidentType.TrafficAccident, "两车追尾，占用车道"),
        (IncidentType.TrafficAccident, "电动车与行人碰擦"),
        (IncidentType.Fire, "居民楼厨房冒烟"),
        (IncidentType.Theft, "商铺报称财物被盗"),
        (IncidentType.Fight, "酒后口角引发推搡"),
        (IncidentType.Dispute, "邻里噪音纠纷"),
        (IncidentType.Dispute, "商户与顾客消费纠纷"),
        (IncidentType.MassIncident, "小区门口人员聚集"),
        (IncidentType.Medical, "老人路边摔倒需救助"),
        (IncidentType.PublicUtility, "路面自来水管爆裂"),
        (IncidentType.PublicUtility, "片区停电"),
        (IncidentType.UrbanManagement, "占道经营"),
        (IncidentType.UrbanManagement, "井盖缺失"),
        (IncidentType.Other, "走失儿童求助"),
    ];

    // What the demo reports carries this source; the feed resolves only incidents with it.
    internal static readonly Access.Actor DemoActor = Access.Actor.System("demo");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled) return;
        var random = new Random();
        var district = await WaitForDistrictAsync(stoppingToken);
        logger.LogInformation("Demo incident feed on: one incident every {Interval}", o.IncidentInterval);
        using var timer = new PeriodicTimer(o.IncidentInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await StepAsync(district, random, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("demo-incidents");
                logger.LogWarning(ex, "Demo incident feed step failed; continuing");
            }
        }
    }

    internal async Task StepAsync(Geometry district, Random random, CancellationToken ct)
    {
        await CreateOneAsync(district, random, ct);
        await ResolveOldAsync(options.Value, ct);
    }

    private async Task<Geometry> WaitForDistrictAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var boundary = await db.Districts.OrderBy(d => d.Code).Select(d => d.Boundary).FirstOrDefaultAsync(ct);
                if (boundary is not null && await db.Grids.AnyAsync(ct)) return boundary;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Waiting for the territory to be loaded");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
        }
    }

    private async Task CreateOneAsync(Geometry district, Random random, CancellationToken ct)
    {
        var point = RandomPointIn(district, random);
        var (type, title) = Samples[random.Next(Samples.Length)];
        var priority = random.Next(10) == 0 ? IncidentPriority.Critical : IncidentCodes.DefaultPriority(type);
        var report = new ValidIncidentReport(type, priority, point.Y, point.X, title, "演示数据（自动生成）", null, null, Casualties: CasualtiesFor(type, random));
        await incidents.CreateAsync(report, DemoActor, ct);
    }

    private async Task ResolveOldAsync(DemoOptions o, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = await incidents.OpenIdsReportedBeforeAsync(DemoActor.SourceName, now, ct);
        var tooOld = await incidents.OpenIdsReportedBeforeAsync(DemoActor.SourceName, now - o.ResolveAfter, ct);
        var toResolve = tooOld.Union(open.Take(Math.Max(0, open.Count - o.MaxOpen)));
        foreach (var id in toResolve)
        {
            try
            {
                await incidents.ChangeStatusAsync(id, IncidentStatus.Resolved, DemoActor, ct);
                await EndPlansAsync(id, ct);
            }
            catch (InvalidOperationException)
            {
                // Someone else moved it meanwhile; nothing to do.
            }
        }
    }

    // A plan the rules started on a demo incident ends with it, so the wall shows what is live.
    private async Task EndPlansAsync(long incidentId, CancellationToken ct)
    {
        if (plans is null) return;
        foreach (var run in await plans.ForIncidentAsync(incidentId, ct))
        {
            if (run.State is not ("Awaiting" or "Active")) continue;
            try
            {
                await plans.TerminateAsync(run.Id, "演示：警情已办结，响应终止", DemoActor, isLeader: true, ct);
            }
            catch (Plans.PlanRefusedException)
            {
                // A desk moved it meanwhile; it is theirs now.
            }
        }
    }

    // Most demo fires hurt nobody; some do, and now and then enough for a leader's approval.
    internal static int CasualtiesFor(IncidentType type, Random random) => type != IncidentType.Fire ? 0 : random.Next(50) switch
    {
        0 => 5,
        < 3 => 3,
        < 15 => 1 + random.Next(2),
        _ => 0,
    };

    internal static Point RandomPointIn(Geometry area, Random random)
    {
        var env = area.EnvelopeInternal;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var p = area.Factory.CreatePoint(new Coordinate(
                env.MinX + random.NextDouble() * env.Width,
                env.MinY + random.NextDouble() * env.Height));
            if (area.Contains(p)) return p;
        }
        return area.InteriorPoint;
    }
}
