using System.Globalization;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Features.Plans;
using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Wall;

// The wall display. Events are applied to a WallBoard as they come; one loop draws at most every
// Tick — the clock, the freshness, and whatever changed — and re-reads the rolling counts after
// events (one query at a time) and every CountsRefresh.
public sealed partial class WallPage : IDisposable
{
    public const string Route = "/wall";

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan NewFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FeedRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan UnitsRefresh = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stop = new();
    private WallBoard _board = default!;
    private IncidentFeed.BoardSubscription? _subscription;
    private Task? _opening;
    private DateTimeOffset _openRetryAt;
    private WallSnapshot _snapshot = WallSnapshot.Empty;
    private WallCounts? _counts;
    private Task? _countsLoading;
    private DateTimeOffset _countsAt = DateTimeOffset.MinValue;
    private bool _countsAgain;
    private WallKpis _kpis = WallKpis.Unknown;
    private UnitRosterSummary? _units;
    // The instance's shared linkage board (a reference, not a copy) and the ticker lines drawn from it.
    private LinkageBoardSnapshot? _linkage;
    private IReadOnlyList<AlertTickerEntry> _alertLines = [];
    // The instance's shared plan board, likewise a reference.
    private PlanBoardSnapshot? _plans;
    private DateTimeOffset _unitsAt = DateTimeOffset.MinValue;
    private MapLiveStatus _mapStatus = MapLiveStatus.Connecting;
    private WallFreshness _freshness = default!;
    private DateTimeOffset _openedAt;
    private DateTimeOffset _now;

    [Inject] private IncidentFeed Feed { get; set; } = default!;

    [Inject] private WallQueries Queries { get; set; } = default!;

    [Inject] private IPatrolUnitSource Patrols { get; set; } = default!;

    [Inject] private ILinkageBoard Linkage { get; set; } = default!;

    [Inject] private IPlanBoard Plans { get; set; } = default!;

    [Inject] private IOptions<WallOptions> Options { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Inject] private CenterTime Time { get; set; } = default!;

    [Inject] private ILogger<WallPage> Logger { get; set; } = default!;

    private string StateName => _freshness.State.ToString().ToLowerInvariant();

    private string LinkText => _freshness.State switch
    {
        WallFreshnessState.Connecting => L["LiveConnecting"],
        WallFreshnessState.Down => L["LiveDown"],
        _ => L["Live"],
    };

    private string LastEventText => _snapshot.LastEventAt is { } at ? L["WallLastEventAt", Time.Time(at)] : L["WallNoEventYet"];

    private string BannerText => _freshness.State == WallFreshnessState.Down ? L["LiveDown"] : L["WallStale", Time.Time(_freshness.QuietSince)];

    private string DateText => Time.ToCenter(_now).ToString("yyyy-MM-dd dddd", CultureInfo.CurrentCulture);

    private string TimeText => Time.Time(_now);

    protected override void OnInitialized()
    {
        _now = _openedAt = Clock.GetUtcNow();
        _board = new WallBoard(Options.Value.TickerLength);
        _freshness = FreshnessAt(_now);
        _ = RunAsync(_stop.Token);
    }

    // Runs on the renderer's context (started from OnInitialized), so state is touched by one thread.
    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(Tick, Clock);
            do
            {
                if (Refresh(ct)) StateHasChanged();
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page is gone.
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private bool Refresh(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        EnsureFeed(now, ct);
        var boardChanged = _board.TryTake(out var snapshot);
        if (boardChanged) _snapshot = snapshot;
        EnsureCounts(now, boardChanged, ct);

        var kpis = WallKpis.From(_snapshot.Open, _counts);
        var freshness = FreshnessAt(now);
        var unitsChanged = false;
        if (now - _unitsAt >= UnitsRefresh && Patrols.IsLive)
        {
            var units = UnitRoster.Summarize(Patrols.Units());
            unitsChanged = units != _units;
            (_units, _unitsAt) = (units, now);
        }
        // The board is replaced whole when it changes (at most every flush): comparing the reference is enough.
        var linkage = Linkage.Current;
        var linkageChanged = !ReferenceEquals(linkage, _linkage);
        if (linkageChanged)
        {
            _linkage = linkage;
            _alertLines = linkage is null ? [] : AlertTickerEntry.From(linkage.Alerts, Options.Value.TickerLength);
        }
        var plans = Plans.Current;
        var plansChanged = !ReferenceEquals(plans, _plans);
        _plans = plans;
        var changed = boardChanged || unitsChanged || linkageChanged || plansChanged || kpis != _kpis || freshness != _freshness
            || now.ToUnixTimeSeconds() != _now.ToUnixTimeSeconds(); // the clock
        (_now, _kpis, _freshness) = (now, kpis, freshness);
        return changed;
    }

    private WallFreshness FreshnessAt(DateTimeOffset now) =>
        WallFreshness.Of(_mapStatus, _snapshot.LastEventAt, _openedAt, now, Options.Value.StaleAfter);

    private void EnsureFeed(DateTimeOffset now, CancellationToken ct)
    {
        if (_subscription is not null || _opening is { IsCompleted: false } || now < _openRetryAt) return;
        _opening = OpenFeedAsync(ct);
    }

    private async Task OpenFeedAsync(CancellationToken ct)
    {
        try
        {
            var subscription = await Feed.OpenBoardAsync(state => _board.Apply(state, Clock.GetUtcNow()), ct);
            if (ct.IsCancellationRequested) subscription.Dispose();
            else _subscription = subscription;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // A wall opened while the database is away keeps trying instead of dying.
            Logger.LogWarning(ex, "The wall could not load the incident board; retrying in {Delay}", FeedRetry);
            _openRetryAt = Clock.GetUtcNow() + FeedRetry;
        }
        catch (OperationCanceledException)
        {
            // The page is gone.
        }
    }

    private void EnsureCounts(DateTimeOffset now, bool boardChanged, CancellationToken ct)
    {
        if (_countsLoading is { IsCompleted: false })
        {
            _countsAgain |= boardChanged; // re-read once this one is back, so the newest event counts
            return;
        }
        if (!boardChanged && !_countsAgain && now - _countsAt < Options.Value.CountsRefresh) return;
        _countsAgain = false;
        _countsAt = now;
        _countsLoading = LoadCountsAsync(now, ct);
    }

    private async Task LoadCountsAsync(DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            _counts = await Queries.CountsAsync(now, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Keep the last counts; the next refresh tries again.
            Logger.LogWarning(ex, "The wall could not read its counts");
        }
        catch (OperationCanceledException)
        {
            // The page is gone.
        }
    }

    private void OnMapStatusChanged(MapLiveStatus status)
    {
        _mapStatus = status;
        _freshness = FreshnessAt(_now);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _subscription?.Dispose();
    }
}
