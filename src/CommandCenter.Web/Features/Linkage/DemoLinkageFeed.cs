using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Linkage;

public sealed record LinkageDemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; init; }

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AlertInterval { get; init; } = TimeSpan.FromSeconds(45);

    // Beyond this many open demo alerts the 110 center waits: the map stays readable.
    [Range(1, 1_000)]
    public int MaxOpenAlerts { get; init; } = 15;
}

// The demo's 110 center posts an alert now and then to this app's own intake endpoint, in JSON and
// in CAP 1.2 by turns, with the demo API key (so the demo exercises the real path); the demo's
// linkage operators then act on those alerts, and only those, through LinkageService as a person
// would, at the pace DemoLinkageScript gives each. Off unless Demo:Enabled and a demo key is set.
public sealed class DemoLinkageFeed(
    IOptions<LinkageDemoOptions> options,
    IOptions<AccessOptions> access,
    IDbContextFactory<CommandCenterDb> dbFactory,
    LinkageService linkage,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<DemoLinkageFeed> logger) : BackgroundService
{
    private static readonly Actor DemoOperator = Actor.System("demo");
    // The demo key's alerts carry this source (Actor.SourceName of the key named "demo").
    internal const string DemoSource = "api:demo";
    private readonly Random _random = new();
    private DateTimeOffset _nextAlertAt;
    private long _sent;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled || string.IsNullOrEmpty(access.Value.DemoApiKey)) return;
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        var address = OwnAddress.Of(server);
        if (address is null)
        {
            logger.LogWarning("Demo linkage feed off: the server has no address to post alerts to");
            return;
        }
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, access.Value.DemoApiKey);
        logger.LogInformation("Demo linkage feed on: an alert every {Interval} to {Address}", o.AlertInterval, address);
        _nextAlertAt = clock.GetUtcNow() + TimeSpan.FromSeconds(5);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await StepAsync(http, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("demo-linkage");
                // A timeout is an OperationCanceledException too: a demo step never stops the host.
                logger.LogWarning(ex, "Demo linkage feed step failed; continuing");
            }
        }
    }

    internal async Task StepAsync(HttpClient http, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now >= _nextAlertAt)
        {
            _nextAlertAt = now + options.Value.AlertInterval;
            if (await OpenDemoAlertsAsync(ct) < options.Value.MaxOpenAlerts) await SendOneAsync(http, now, ct);
        }
        await ActAsync(ct);
    }

    private async Task<int> OpenDemoAlertsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var done = new[] { AlertState.Done, AlertState.Cancelled };
        return await db.LinkageAlerts.CountAsync(a => a.Source == DemoSource && a.ExternalId.Contains(DemoLinkageScript.IdPrefix) && !done.Contains(a.State), ct);
    }

    private async Task SendOneAsync(HttpClient http, DateTimeOffset now, CancellationToken ct)
    {
        var (point, place) = await RandomPlaceAsync(ct);
        if (point is null) return;
        var sample = DemoLinkageScript.Samples[_random.Next(DemoLinkageScript.Samples.Count)];
        var id = DemoLinkageScript.IdPrefix + now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var asCap = _sent++ % 2 == 1;
        using var content = asCap
            ? new StringContent(DemoLinkageScript.CapBody(sample, id, point.Y, point.X, place, now), Encoding.UTF8, "application/cap+xml")
            : new StringContent(DemoLinkageScript.JsonBody(sample, id, point.Y, point.X, place, now), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(LinkageEndpoints.AlertsPath, content, ct);
        if (!response.IsSuccessStatusCode)
            logger.LogWarning("Demo 110 alert refused: {Status} {Body}", (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    // A random point of the district, described by its community as a 110 call taker would.
    private async Task<(Point? Point, string? Place)> RandomPlaceAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var district = await db.Districts.OrderBy(d => d.Code).Select(d => d.Boundary).FirstOrDefaultAsync(ct);
        if (district is null) return (null, null);
        var point = DemoIncidentFeed.RandomPointIn(district, _random);
        var community = await db.Communities.Where(c => c.Boundary != null && c.Boundary.Covers(point)).Select(c => c.Name).FirstOrDefaultAsync(ct);
        return (point, community is null ? "上城区" : $"上城区 {community}附近");
    }

    internal async Task ActAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = new[] { AlertState.Routed, AlertState.Acknowledged, AlertState.OnScene };
        var alerts = await db.LinkageAlerts
            .Where(a => a.Source == DemoSource && a.ExternalId.Contains(DemoLinkageScript.IdPrefix) && open.Contains(a.State) && a.UnitId != null && a.RoutedAt != null)
            .Select(a => new { a.Id, a.State, a.UnitId, RoutedAt = a.RoutedAt!.Value })
            .ToListAsync(ct);
        foreach (var a in alerts)
        {
            if (DemoLinkageScript.NextStep(a.State, now - a.RoutedAt, DemoLinkageScript.PaceOf(a.Id)) is not { } step) continue;
            try
            {
                await linkage.StepAsync(a.Id, step, step == AlertStep.Feedback ? DemoLinkageScript.FeedbackText : null, DemoOperator, a.UnitId, ct);
            }
            catch (LinkageRefusedException)
            {
                // A person (or the other instance's demo) moved it meanwhile; nothing to do.
            }
        }
    }
}
