using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Incidents;
using Microsoft.AspNetCore.Hosting.Server;
using CommandCenter.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Patrols;

public sealed record PatrolDemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; init; }

    [Range(0, 20_000)]
    public int PatrolUnits { get; init; } = 240;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PatrolReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    // Chance, per report, that a unit stops reporting for a while (a dead battery, a tunnel).
    [Range(0, 1)]
    public double PatrolSilenceChance { get; init; } = 0.001;
}

// Simulated units that walk or drive between random points of the district at realistic speeds.
// Pure: the feed below decides when to report and sends what this computes.
public sealed class PatrolSimulator(Geometry district, Random random)
{
    public sealed class SimUnit
    {
        public required string DeviceId { get; init; }
        public required UnitKind Kind { get; init; }
        public double Lat { get; set; }
        public double Lon { get; set; }
        public double TargetLat { get; set; }
        public double TargetLon { get; set; }
        public double Speed { get; set; }
        public double Heading { get; set; }
        public double Battery { get; set; } = 100;
        public DateTimeOffset NextReport { get; set; }
        public DateTimeOffset SilentUntil { get; set; }
    }

    private readonly List<SimUnit> _units = [];

    public IReadOnlyList<SimUnit> Units => _units;

    public static UnitKind KindFor(int index) => (index % 20) switch
    {
        < 10 => UnitKind.StreetPatrol,
        < 15 => UnitKind.CommunityPatrol,
        < 17 => UnitKind.Checkpoint,
        _ => UnitKind.Vehicle,
    };

    // m/s: walking patrols 0.8–1.6, vehicles 6–12 (22–43 km/h in town), checkpoints stand still.
    public double SpeedFor(UnitKind kind) => kind switch
    {
        UnitKind.StreetPatrol => 1.0 + random.NextDouble() * 0.6,
        UnitKind.CommunityPatrol => 0.8 + random.NextDouble() * 0.5,
        UnitKind.Vehicle => 6 + random.NextDouble() * 6,
        _ => 0,
    };

    public SimUnit Add(string deviceId, UnitKind kind, DateTimeOffset now)
    {
        var start = DemoIncidentFeed.RandomPointIn(district, random);
        var unit = new SimUnit
        {
            DeviceId = deviceId, Kind = kind, Lat = start.Y, Lon = start.X, Battery = 40 + random.NextDouble() * 60,
            NextReport = now + TimeSpan.FromMilliseconds(random.Next(5_000)),
        };
        NewTarget(unit);
        _units.Add(unit);
        return unit;
    }

    public void Advance(SimUnit unit, TimeSpan elapsed)
    {
        unit.Battery = Math.Max(5, unit.Battery - elapsed.TotalHours * 8);
        if (unit.Kind == UnitKind.Checkpoint) return;
        var remaining = Geo.DistanceMeters(unit.Lat, unit.Lon, unit.TargetLat, unit.TargetLon);
        var step = unit.Speed * elapsed.TotalSeconds;
        if (remaining <= step)
        {
            (unit.Lat, unit.Lon) = (unit.TargetLat, unit.TargetLon);
            NewTarget(unit);
            return;
        }
        unit.Heading = Geo.BearingDegrees(unit.Lat, unit.Lon, unit.TargetLat, unit.TargetLon);
        var (lat, lon) = Geo.Offset(unit.Lat, unit.Lon, unit.Heading, step);
        // The district is not convex: a leg that would leave it ends here and picks a new target.
        if (!district.Covers(district.Factory.CreatePoint(new Coordinate(lon, lat))))
        {
            NewTarget(unit);
            return;
        }
        (unit.Lat, unit.Lon) = (lat, lon);
    }

    private void NewTarget(SimUnit unit)
    {
        // Walking patrols stay within ~1.5 km (their beat); vehicles cross the district.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var p = DemoIncidentFeed.RandomPointIn(district, random);
            if (unit.Kind == UnitKind.Vehicle || Geo.DistanceMeters(unit.Lat, unit.Lon, p.Y, p.X) < 1_500)
            {
                (unit.TargetLat, unit.TargetLon) = (p.Y, p.X);
                break;
            }
        }
        unit.Speed = SpeedFor(unit.Kind);
        unit.Heading = Geo.BearingDegrees(unit.Lat, unit.Lon, unit.TargetLat, unit.TargetLon);
    }
}

// The demo's patrol units report like phones running Traccar Client: an HTTP GET to this app's
// own OsmAnd endpoint, so the demo exercises the real path. Off unless Demo:Enabled.
public sealed class DemoPatrolFeed(
    IOptions<PatrolDemoOptions> options,
    IOptions<PatrolOptions> patrolOptions,
    IDbContextFactory<CommandCenterDb> dbFactory,
    PatrolAdmin admin,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<DemoPatrolFeed> logger) : BackgroundService
{
    private static readonly Access.Actor DemoActor = Access.Actor.System("demo");
    private static readonly string DemoSource = DemoActor.SourceName;

    internal sealed record DemoUnit(string DeviceId, UnitKind Kind, long UnitId);


    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // A demo must never take the app down with it (a failed BackgroundService stops the host).
            logger.LogError(ex, "Demo patrol feed stopped");
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled || o.PatrolUnits == 0) return;
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        var baseAddress = OwnAddress.Of(server);
        if (baseAddress is null)
        {
            logger.LogWarning("Demo patrol feed off: the server has no HTTP address to report to");
            return;
        }

        var random = new Random();
        var district = await WaitForDistrictAsync(stoppingToken);
        var simulator = new PatrolSimulator(district, random);
        var (units, token) = await EnsureUnitsAsync(o.PatrolUnits, random, stoppingToken);
        var now = clock.GetUtcNow();
        foreach (var unit in units) simulator.Add(unit.DeviceId, unit.Kind, now);
        logger.LogInformation("Demo patrol feed on: {Count} units reporting every {Interval} to {Address}", units.Count, o.PatrolReportInterval, baseAddress);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var unitIds = units.ToDictionary(u => u.DeviceId, u => u.UnitId, StringComparer.Ordinal);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        var last = clock.GetUtcNow();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            now = clock.GetUtcNow();
            var elapsed = now - last;
            last = now;
            var due = new List<PatrolSimulator.SimUnit>();
            foreach (var unit in simulator.Units)
            {
                simulator.Advance(unit, elapsed);
                if (unit.NextReport > now || unit.SilentUntil > now) continue;
                unit.NextReport = now + o.PatrolReportInterval;
                if (random.NextDouble() < o.PatrolSilenceChance)
                {
                    unit.SilentUntil = now + patrolOptions.Value.StaleAfter * (1.5 + random.NextDouble() * 1.5);
                    continue;
                }
                due.Add(unit);
            }
            try
            {
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken },
                    async (unit, ct) => await ReportAsync(http, unit, token, now, ct));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("demo-patrols");
                logger.LogWarning(ex, "Demo patrol reports failed; continuing");
            }
        }
    }

    private static async Task ReportAsync(HttpClient http, PatrolSimulator.SimUnit unit, string token, DateTimeOffset now, CancellationToken ct)
    {
        var i = CultureInfo.InvariantCulture;
        var knots = unit.Speed / OsmAnd.MetersPerSecondPerKnot;
        var url = $"{PatrolEndpoints.OsmAndPath}?id={Uri.EscapeDataString(unit.DeviceId)}&timestamp={now.ToUnixTimeSeconds()}" +
            $"&lat={unit.Lat.ToString("F6", i)}&lon={unit.Lon.ToString("F6", i)}&speed={knots.ToString("F1", i)}" +
            $"&bearing={unit.Heading.ToString("F0", i)}&accuracy=8&batt={unit.Battery.ToString("F0", i)}&{OsmAndMessage.TokenParameter}={Uri.EscapeDataString(token)}";
        using var response = await http.GetAsync(url, ct);
    }

    // The demo's own units (source "demo") and their devices, keyed with a token made for this
    // run. A callsign or device id that a real unit holds is left alone and that demo unit skipped.
    internal async Task<(List<DemoUnit> Units, string Token)> EnsureUnitsAsync(int count, Random random, CancellationToken ct)
    {
        var all = await admin.UnitsAsync(ct);
        var byCallsign = all.ToDictionary(u => u.Callsign, StringComparer.Ordinal);
        var realDevices = all.Where(u => u.Source != DemoSource).SelectMany(u => u.Devices).ToHashSet(StringComparer.Ordinal);
        var units = new List<DemoUnit>(count);
        var skipped = 0;
        for (var n = 1; n <= count; n++)
        {
            var kind = PatrolSimulator.KindFor(n);
            var callsign = $"{Prefix(kind)}{n:000}";
            var deviceId = $"demo-{n:0000}";
            var unit = byCallsign.GetValueOrDefault(callsign);
            if (realDevices.Contains(deviceId) || unit is not null && unit.Source != DemoSource)
            {
                skipped++;
                continue;
            }
            if (unit is null)
                unit = await admin.CreateUnitAsync(new NewUnit(callsign, PatrolCodes.ToCode(kind)), DemoActor, ct);
            else if (unit.Duty != "available")
            {
                // A duty left over from an earlier run; with no assignment the unit is free again
                // (the demo dispatcher gives its units their duties now).
                try
                {
                    await admin.SetDutyAsync(unit.Id, new DutyChange("available"), DemoActor, ct);
                }
                catch (PatrolDutyConflictException)
                {
                    // still on an assignment: it follows that
                }
            }
            units.Add(new DemoUnit(deviceId, kind, unit.Id));
        }
        if (skipped > 0) logger.LogWarning("Demo patrol feed: {Count} demo units skipped, their callsign or device id belongs to a real unit", skipped);
        var token = DeviceDirectory.NewToken();
        await admin.RegisterDevicesAsync([.. units.Select(u => (u.DeviceId, u.UnitId))], token, DemoActor, ct);
        return (units, token);
    }

    private static string Prefix(UnitKind kind) => kind switch
    {
        UnitKind.StreetPatrol => "巡",
        UnitKind.CommunityPatrol => "防",
        UnitKind.Checkpoint => "卡",
        _ => "车",
    };

    private async Task<Geometry> WaitForDistrictAsync(CancellationToken ct)
    {
        while (true)
        {
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var boundary = await db.Districts.OrderBy(d => d.Code).Select(d => d.Boundary).FirstOrDefaultAsync(ct);
                if (boundary is not null) return boundary;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}
