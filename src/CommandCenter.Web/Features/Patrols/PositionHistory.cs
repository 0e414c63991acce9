using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Web.Features.Patrols;

// The day partitions of `positions` (UTC days, named positions_yyyyMMdd): created ahead of time,
// created on demand for a late or early fix, and dropped whole once past the retention.
public sealed class PositionHistory(NpgsqlDataSource dataSource, IOptions<PatrolOptions> options, ILogger<PositionHistory> logger)
{
    // DDL on the partitioned table waits this long for its lock, then fails (and is tried later):
    // a DROP queued behind a long replay would otherwise queue every insert behind itself.
    private async Task LimitLockWaitAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var ms = (long)options.Value.DdlLockTimeout.TotalMilliseconds;
        await using var set = new NpgsqlCommand($"SET LOCAL lock_timeout = {ms}", conn, tx);
        await set.ExecuteNonQueryAsync(ct);
    }

    public const string Table = "positions";

    // Serialises partition DDL across instances.
    private const long PartitionLockKey = 0x706f_7369_7469_6f6e;

    private readonly ConcurrentDictionary<DateOnly, byte> _known = new();

    public static string PartitionName(DateOnly day) => $"{Table}_{day:yyyyMMdd}";

    public static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);

    // Cheap when the days are known: the writer calls this before every COPY.
    // limitLockWait: the maintainer's creations ahead give up after DdlLockTimeout (and try again
    // later); the writer's own, for a fix it is writing, wait as long as it takes.
    public async Task EnsureDaysAsync(NpgsqlConnection conn, IEnumerable<DateOnly> days, CancellationToken ct, bool limitLockWait = false)
    {
        var missing = days.Where(d => !_known.ContainsKey(d)).Distinct().Order().ToList();
        if (missing.Count == 0) return;
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PartitionLockKey})", conn, tx))
            await lockCmd.ExecuteNonQueryAsync(ct);
        if (limitLockWait) await LimitLockWaitAsync(conn, tx, ct);
        foreach (var day in missing)
        {
            var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await using var create = new NpgsqlCommand(
                $"CREATE TABLE IF NOT EXISTS {PartitionName(day)} PARTITION OF {Table} FOR VALUES FROM ('{from} 00:00:00+00') TO ('{to} 00:00:00+00')",
                conn, tx);
            await create.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        foreach (var day in missing) _known.TryAdd(day, 0);
    }

    public async Task EnsureRangeAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays);
        await EnsureDaysAsync(conn, days, ct, limitLockWait: true);
    }

    // Another instance may have dropped a partition this one still believes in.
    public void Forget() => _known.Clear();

    public async Task<IReadOnlyList<DateOnly>> PartitionDaysAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = '{Table}'::regclass ORDER BY c.relname
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var days = new List<DateOnly>();
        while (await reader.ReadAsync(ct))
        {
            if (DateOnly.TryParseExact(reader.GetString(0)[(Table.Length + 1)..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                days.Add(day);
        }
        return days;
    }

    // Drops every partition whose whole day is older than the cut-off: no DELETE, no bloat.
    public async Task<IReadOnlyList<DateOnly>> DropOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var expired = (await PartitionDaysAsync(ct)).Where(d => d.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) <= cutoff.UtcDateTime).ToList();
        if (expired.Count == 0) return expired;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PartitionLockKey})", conn, tx))
            await lockCmd.ExecuteNonQueryAsync(ct);
        await LimitLockWaitAsync(conn, tx, ct);
        foreach (var day in expired)
        {
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {PartitionName(day)}", conn, tx);
            await drop.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        foreach (var day in expired) _known.TryRemove(day, out _);
        logger.LogInformation("Dropped position history partitions {Days}, older than {Cutoff:O}",
            string.Join(", ", expired.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))), cutoff);
        return expired;
    }
}

// Keeps partitions from today to PartitionsAhead days ahead, and drops those past the retention.
public sealed class PositionPartitionMaintainer(
    PositionHistory history, IOptions<PatrolOptions> options, TimeProvider clock, ILogger<PositionPartitionMaintainer> logger) : BackgroundService
{
    private readonly TaskCompletionSource _firstRun = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task FirstRun => _firstRun.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                _firstRun.TrySetResult();
                // Real time between runs: the work itself reads `clock`, which tests may fake.
                await Task.Delay(options.Value.PartitionMaintenanceEvery, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Infrastructure.BackgroundFailures.Count("partition-maintainer");
                var retry = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond * 30, options.Value.PartitionMaintenanceEvery.Ticks));
                logger.LogWarning(ex, "Position partition maintenance failed; retrying in {Retry}", retry);
                await Task.Delay(retry, stoppingToken);
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = PositionHistory.DayOf(now);
        await history.EnsureRangeAsync(today, today.AddDays(options.Value.PartitionsAhead), ct);
        await history.DropOlderThanAsync(now - options.Value.Retention, ct);
    }
}
