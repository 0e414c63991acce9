using System.ComponentModel.DataAnnotations;
using CommandCenter.Web.Infrastructure;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Linkage;

// The open alerts and the league table at one moment, shared by every circuit and map on this
// instance: immutable, so a screen keeps a reference instead of a copy.
public sealed class LinkageBoardSnapshot
{
    public LinkageBoardSnapshot(IReadOnlyList<AlertMapItem> alerts, IReadOnlyList<LeagueRow> league, DateTimeOffset at)
    {
        Alerts = alerts;
        League = LeagueTable.Order(league);
        At = at;
        Overdue = alerts.Count(a => a.Overdue);
        Supervised = [.. alerts.Where(a => a.Supervised).OrderBy(a => a.OverdueSince ?? a.ReceivedAt).ThenBy(a => a.Id)];
    }

    public IReadOnlyList<AlertMapItem> Alerts { get; }

    public IReadOnlyList<LeagueRow> League { get; }

    public DateTimeOffset At { get; }

    public int Open => Alerts.Count;

    public int Overdue { get; }

    // 督办, the longest overdue first.
    public IReadOnlyList<AlertMapItem> Supervised { get; }
}

// A change to the map's alerts: those added or changed, and the ids gone (done, cancelled). From
// JoinAlerts: all of them (Snapshot). Seq orders this instance's updates; a client drops updates
// at or below its snapshot's seq and joins again on a gap, as with patrol positions.
public sealed record AlertMapUpdate(long Seq, bool Snapshot, IReadOnlyList<AlertMapItem> Alerts, IReadOnlyList<long> Removed);

// What the wall and the leaders' view read; a seam so that component tests need no database.
public interface ILinkageBoard
{
    // Null until the first read: "not known yet", never zero.
    LinkageBoardSnapshot? Current { get; }

    IDisposable OnChanged(Action<LinkageBoardSnapshot> handler);
}

public sealed record LinkageBoardOptions : Infrastructure.BoardTiming
{
    public const string Section = "Linkage:Board";
}

// One read per change for the whole instance, not one per screen: the linkage stream only marks
// the board dirty; every FlushInterval a dirty board is read once (open alerts + league table),
// circuits are told, and the map's hub group gets the difference.
public sealed class LinkageBoard(
    LinkageBoardQueries queries,
    LiveBus bus,
    IHubContext<LiveHub, ILiveClient> hub,
    CenterTime centerTime,
    IOptions<LinkageBoardOptions> options,
    TimeProvider clock,
    ILogger<LinkageBoard> logger) : BackgroundService, ILinkageBoard
{
    private readonly Subscribers<LinkageBoardSnapshot> _subscribers = new();
    private readonly Lock _gate = new();
    private int _dirty = 1;
    private long _seq;
    private LinkageBoardSnapshot? _current;

    public LinkageBoardSnapshot? Current => Volatile.Read(ref _current);

    public IDisposable OnChanged(Action<LinkageBoardSnapshot> handler) => _subscribers.Add(handler);

    // All open alerts for a map that joins, with the seq of the last update they include.
    public AlertMapUpdate MapSnapshot()
    {
        lock (_gate) return new AlertMapUpdate(_seq, true, _current?.Alerts ?? [], []);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe(LiveStreams.Linkage, _ => Interlocked.Exchange(ref _dirty, 1));
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        var readAt = DateTimeOffset.MinValue;
        do
        {
            var now = clock.GetUtcNow();
            if (Interlocked.Exchange(ref _dirty, 0) == 0 && now - readAt < options.Value.RefreshEvery) continue;
            try
            {
                await RefreshAsync(now, stoppingToken);
                readAt = now;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("linkage-board");
                Interlocked.Exchange(ref _dirty, 1);
                logger.LogWarning(ex, "Reading the linkage board failed; trying again in {Interval}", options.Value.FlushInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // Public for the integration tests, which read the board without waiting for the loop.
    public async Task RefreshAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var alerts = await queries.OpenAlertsAsync(ct);
        var league = await queries.LeagueAsync(now, Wall.WallWindows.At(now, centerTime.Zone).StartOfDay, ct);
        var next = new LinkageBoardSnapshot(alerts, league, now);
        AlertMapUpdate? update;
        lock (_gate)
        {
            update = Difference(_current?.Alerts ?? [], alerts, _seq + 1);
            if (update is not null) _seq = update.Seq;
            Volatile.Write(ref _current, next);
        }
        _subscribers.Publish(next, ex => logger.LogError(ex, "A linkage board subscriber failed"));
        if (update is not null) await hub.Clients.Group(LiveHub.GroupName(LiveHubContract.AlertsGroup)).ReceiveAlerts(update);
    }

    // Null when nothing the map draws changed.
    public static AlertMapUpdate? Difference(IReadOnlyList<AlertMapItem> before, IReadOnlyList<AlertMapItem> after, long seq)
    {
        var old = before.ToDictionary(a => a.Id);
        var changed = after.Where(a => !old.TryGetValue(a.Id, out var was) || was != a).ToList();
        var ids = after.Select(a => a.Id).ToHashSet();
        var removed = before.Where(a => !ids.Contains(a.Id)).Select(a => a.Id).ToList();
        return changed.Count == 0 && removed.Count == 0 ? null : new AlertMapUpdate(seq, false, changed, removed);
    }
}

// The league's order: the best 7-day on-time rate first, a unit with nothing due last; ties by
// today's rate, then fewer overdue now.
public static class LeagueTable
{
    public static IReadOnlyList<LeagueRow> Order(IEnumerable<LeagueRow> rows) =>
        [.. rows.OrderBy(r => r.RateWeek is null).ThenByDescending(r => r.RateWeek ?? 0)
            .ThenByDescending(r => r.RateToday ?? -1).ThenBy(r => r.OverdueNow).ThenBy(r => r.UnitName, StringComparer.Ordinal)];
}

public static class LinkageBoardRegistration
{
    public static IServiceCollection AddLinkageBoard(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<LinkageBoardOptions>().Bind(config.GetSection(LinkageBoardOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LinkageBoardQueries>();
        services.AddSingleton<LinkageBoard>();
        services.AddSingleton<ILinkageBoard>(sp => sp.GetRequiredService<LinkageBoard>());
        services.AddHostedService(sp => sp.GetRequiredService<LinkageBoard>());
        return services;
    }
}
