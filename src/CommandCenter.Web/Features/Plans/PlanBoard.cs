using System.ComponentModel.DataAnnotations;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Live;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Plans;

// An open task of the level in force past its deadline, named on the wall.
public sealed record OverdueTask(string Title, bool Critical);

// A plan in force on one incident as the wall draws it: its level, a graver level waiting for a
// leader, the level's checklist progress and what is overdue (critical first, then the oldest).
public sealed record PlanBoardRun(
    long RunId, long IncidentId, string PlanName, ResponseLevel Level, ResponseLevel? Pending,
    int TasksDone, int TasksTotal, IReadOnlyList<OverdueTask> Overdue, DateTimeOffset StartedAt)
{
    public bool CriticalOverdue => Overdue.Any(t => t.Critical);
}

// The live plans at one moment, shared by every wall circuit on this instance: immutable, so a
// screen keeps a reference instead of a copy.
public sealed class PlanBoardSnapshot
{
    private PlanBoardSnapshot(IReadOnlyList<PlanBoardRun> runs, int pending, ResponseLevel? gravestPending, DateTimeOffset at, DateTimeOffset? nextDueAt)
    {
        Runs = runs;
        Pending = pending;
        GravestPending = gravestPending;
        At = at;
        NextDueAt = nextDueAt;
    }

    // Plans with a level in force, the gravest first; a first request still waiting for its
    // leader has no level yet and is counted in Pending only.
    public IReadOnlyList<PlanBoardRun> Runs { get; }

    public int Active => Runs.Count;

    // Requests waiting for a leader's approval, and the gravest level among them.
    public int Pending { get; }

    public ResponseLevel? GravestPending { get; }

    public ResponseLevel? GravestActive => Runs.Count == 0 ? null : Runs[0].Level;

    public DateTimeOffset At { get; }

    // The next moment an open task falls overdue: the snapshot is out of date from then on.
    public DateTimeOffset? NextDueAt { get; }

    public static PlanBoardSnapshot From(IReadOnlyList<PlanRunView> live, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(live);
        var runs = new List<PlanBoardRun>();
        DateTimeOffset? nextDue = null;
        foreach (var run in live.Where(r => r.State is "Active" or "Awaiting"))
        {
            if (!ResponseLevels.TryParse(run.Level, out var level)) continue;
            var tasks = run.Tasks.Where(t => t.Level == run.Level).ToList();
            var open = tasks.Where(t => t.DoneAt is null).ToList();
            var overdue = open.Where(t => t.DueAt <= now).OrderByDescending(t => t.Critical).ThenBy(t => t.DueAt).ThenBy(t => t.Id)
                .Select(t => new OverdueTask(t.Title, t.Critical)).ToList();
            foreach (var t in open.Where(t => t.DueAt > now))
                if (nextDue is null || t.DueAt < nextDue) nextDue = t.DueAt;
            runs.Add(new PlanBoardRun(run.Id, run.IncidentId, run.PlanName, level, Parse(run.Pending),
                tasks.Count - open.Count, tasks.Count, overdue, run.StartedAt));
        }
        var pending = live.Where(r => r.State == "Awaiting").Select(r => Parse(r.Pending)).OfType<ResponseLevel>().ToList();
        return new PlanBoardSnapshot(
            [.. runs.OrderBy(r => r.Level).ThenByDescending(r => r.CriticalOverdue).ThenBy(r => r.StartedAt).ThenBy(r => r.RunId)],
            pending.Count, pending.Count == 0 ? null : pending.Min(), now, nextDue);
    }

    private static ResponseLevel? Parse(string? code) => ResponseLevels.TryParse(code, out var level) ? level : null;
}

// What the wall reads; a seam so that component tests need no database.
public interface IPlanBoard
{
    // Null until the first read: "not known yet", never zero.
    PlanBoardSnapshot? Current { get; }
}

public sealed record PlanBoardOptions : Infrastructure.BoardTiming
{
    public const string Section = "Plans:Board";
}

// One read per change for the whole instance, not one per wall: the plans stream only marks the
// board dirty; every FlushInterval a dirty board is read once. Between reads, a task's deadline
// passing redraws the snapshot from the runs already read, without the database.
public sealed class PlanBoard(
    PlanRunService runs,
    LiveBus bus,
    IOptions<PlanBoardOptions> options,
    TimeProvider clock,
    ILogger<PlanBoard> logger) : BackgroundService, IPlanBoard
{
    private readonly Lock _gate = new();
    private int _dirty = 1;
    private IReadOnlyList<PlanRunView> _live = [];
    private PlanBoardSnapshot? _current;

    public PlanBoardSnapshot? Current => Volatile.Read(ref _current);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe(PlanRunService.Stream, _ => Interlocked.Exchange(ref _dirty, 1));
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        var readAt = DateTimeOffset.MinValue;
        do
        {
            var now = clock.GetUtcNow();
            if (Interlocked.Exchange(ref _dirty, 0) == 0 && now - readAt < options.Value.RefreshEvery)
            {
                if (Current?.NextDueAt <= now) Redraw(now);
                continue;
            }
            try
            {
                await RefreshAsync(now, stoppingToken);
                readAt = now;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("plan-board");
                Interlocked.Exchange(ref _dirty, 1);
                logger.LogWarning(ex, "Reading the plan board failed; trying again in {Interval}", options.Value.FlushInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // Public for the integration tests, which read the board without waiting for the loop.
    public async Task RefreshAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var live = await runs.LiveAsync(ct);
        lock (_gate)
        {
            _live = live;
            Volatile.Write(ref _current, PlanBoardSnapshot.From(live, now));
        }
    }

    private void Redraw(DateTimeOffset now)
    {
        lock (_gate) Volatile.Write(ref _current, PlanBoardSnapshot.From(_live, now));
    }
}

public static class PlanBoardRegistration
{
    public static IServiceCollection AddPlanBoard(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<PlanBoardOptions>().Bind(config.GetSection(PlanBoardOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PlanBoard>();
        services.AddSingleton<IPlanBoard>(sp => sp.GetRequiredService<PlanBoard>());
        services.AddHostedService(sp => sp.GetRequiredService<PlanBoard>());
        return services;
    }
}
