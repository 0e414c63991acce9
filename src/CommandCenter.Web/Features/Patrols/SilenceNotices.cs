using System.Text.Json;
using CommandCenter.Web.Data;
using CommandCenter.Web.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Patrols;

public sealed record UnitSilentNotice(long UnitId, string Callsign, DateTimeOffset LastFixAt);

// 失联 notices, once for the whole system: every instance sweeps the latest positions, and a unit
// whose last fix is older than Patrol:StaleAfter is noticed by whichever sweep inserts its
// (unit, last fix) row first; the notice then reaches every instance's boards through the outbox
// stream "patrol-silence" (not joinable by hub clients). A unit that went silent while every
// instance was down is noticed at the first sweep after, if it went silent within SilenceLookback.
public sealed class SilenceNotices(
    IDbContextFactory<CommandCenterDb> dbFactory,
    LiveBus bus,
    IOptions<PatrolOptions> options,
    TimeProvider clock,
    ILogger<SilenceNotices> logger) : BackgroundService
{
    public const string Stream = "patrol-silence";
    public const string Silent = "unit.silent";

    private sealed record SilentRow(long UnitId, string Callsign, DateTimeOffset LastFixAt);

    // Calls handler once per silence noticed anywhere, in the subscriber's execution context.
    public IDisposable OnUnitSilent(Action<UnitSilentNotice> handler) => bus.Subscribe(Stream, e =>
    {
        if (e.Type == Silent && e.Payload.Deserialize<UnitSilentNotice>(JsonSerializerOptions.Web) is { } notice) handler(notice);
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SilenceSweepInterval, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("silence-notices");
                logger.LogWarning(ex, "Sweeping for silent units failed; trying again in {Interval}", options.Value.SilenceSweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // Returns the silences this sweep noticed (and announced).
    public async Task<IReadOnlyList<UnitSilentNotice>> SweepAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - options.Value.StaleAfter;
        var horizon = cutoff - options.Value.SilenceLookback;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var noticed = await db.Database.SqlQuery<SilentRow>($"""
            WITH noticed AS (
                INSERT INTO unit_silences (unit_id, last_fix_at, noticed_at)
                SELECT p.unit_id, p.fix_time, {now} FROM unit_positions p
                WHERE p.fix_time < {cutoff} AND p.fix_time >= {horizon}
                ON CONFLICT DO NOTHING
                RETURNING unit_id, last_fix_at)
            SELECT n.unit_id, u.callsign, n.last_fix_at FROM noticed n JOIN patrol_units u ON u.id = n.unit_id ORDER BY n.unit_id
            """).ToListAsync(ct);
        var notices = noticed.Select(r => new UnitSilentNotice(r.UnitId, r.Callsign, r.LastFixAt)).ToList();
        foreach (var notice in notices)
        {
            await LiveEventStore.AppendAsync(db, Stream, Silent, notice, ct);
            logger.LogWarning("Unit {Callsign} ({UnitId}) is silent: no fix since {LastFix:O}", notice.Callsign, notice.UnitId, notice.LastFixAt);
        }
        await tx.CommitAsync(ct);
        return notices;
    }
}
