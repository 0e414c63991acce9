using System.Diagnostics;
using System.Threading.Channels;
using CommandCenter.Domain.Patrols;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Features.Patrols;

public sealed record FixToStore(long UnitId, PositionFix Fix);

// Group commit: concurrent requests queue their fixes; each of Patrol:Writers loops takes what is
// queued and, on its own long-lived connection, writes it in one transaction. A large group is
// binary COPYd straight into the history, optimistically: repeats are rare, and if one is there
// the unique key fails the COPY, the transaction rolls back and the group goes the careful way —
// COPY into a temp table, then INSERT … ON CONFLICT DO NOTHING RETURNING — so a repeat still
// stores nothing. A small group (single OsmAnd fixes) skips COPY's round trips: the careful
// statements run as one prepared batch over arrays. WriteAsync completes when the fixes are
// committed (an OsmAnd request may be answered before: ADR 0007).
//
// Whichever of the three ways a group goes, the same two things hold:
// - received_at is this writer's clock (TimeProvider), read once per transaction and passed to
//   every statement and to the COPY rows; never the database's now(), so one clock stamps all.
// - each unit's newest fix of the group is upserted into unit_positions in the same transaction,
//   unless this instance upserted that unit less than Patrol:LatestMinInterval ago: then the fix
//   waits (only the newest per unit) and a flush loop upserts it, stamped when it does, once the
//   unit is due. The map reads that table a few times a second, so more frequent upserts show
//   nothing; under a flood of fixes they would cost as much as the history itself. A unit
//   reporting every few seconds is never held.
public sealed class PositionWriter(
    NpgsqlDataSource dataSource,
    PositionHistory history,
    IOptions<PatrolOptions> options,
    PatrolMetrics metrics,
    TimeProvider clock,
    ILogger<PositionWriter> logger) : BackgroundService
{
    // Awaited: the caller waits for the commit (false once the request has been answered).
    private sealed record Pending(IReadOnlyList<FixToStore> Fixes, TaskCompletionSource<int> Done, bool Awaited);

    private const string CreateStaging = """
        CREATE TEMP TABLE IF NOT EXISTS fix_in (
            unit_id bigint, fix_time timestamptz, lat float8, lon float8,
            speed real, heading real, accuracy real, altitude real, battery real
        ) ON COMMIT DELETE ROWS
        """;

    private const string CopyStaging =
        "COPY fix_in (unit_id, fix_time, lat, lon, speed, heading, accuracy, altitude, battery) FROM STDIN (FORMAT BINARY)";

    private const string InsertHistory = """
        INSERT INTO positions (unit_id, fix_time, location, speed, heading, accuracy, altitude, battery, received_at)
        SELECT unit_id, fix_time, ST_SetSRID(ST_MakePoint(lon, lat), 4326), speed, heading, accuracy, altitude, battery, @received_at
        FROM fix_in
        ORDER BY unit_id, fix_time -- one lock order for every writer: concurrent repeats cannot deadlock
        ON CONFLICT DO NOTHING
        RETURNING unit_id, fix_time
        """;

    // Only a newer fix replaces the latest; within min_move of it, the position stays (jitter).
    private const string UpsertLatest = """
        INSERT INTO unit_positions AS u (unit_id, fix_time, location, speed, heading, accuracy, altitude, battery, received_at, tx)
        SELECT DISTINCT ON (unit_id) unit_id, fix_time, ST_SetSRID(ST_MakePoint(lon, lat), 4326),
               speed, heading, accuracy, altitude, battery, @received_at, txid_current()
        FROM fix_in
        ORDER BY unit_id, fix_time DESC
        ON CONFLICT (unit_id) DO UPDATE SET
            fix_time = excluded.fix_time,
            location = CASE WHEN ST_DistanceSphere(u.location, excluded.location) < @min_move THEN u.location ELSE excluded.location END,
            speed = excluded.speed, heading = excluded.heading, accuracy = excluded.accuracy,
            altitude = excluded.altitude, battery = excluded.battery,
            received_at = excluded.received_at, tx = excluded.tx
        WHERE u.fix_time < excluded.fix_time
        """;

    private const string FixArrays = """
        fix_in AS (
            SELECT * FROM unnest(@unit_id, @fix_time, @lat, @lon, @speed, @heading, @accuracy, @altitude, @battery)
                AS f(unit_id, fix_time, lat, lon, speed, heading, accuracy, altitude, battery))
        """;

    // The history insert over unnest()ed arrays; fix_in is a CTE here.
    private const string InsertHistoryOfArrays = $"WITH {FixArrays} {InsertHistory}";

    // The optimistic path: the history straight from a raw binary COPY (PositionCopyRows).
    private const string CopyHistory = $"COPY positions ({PositionCopyRows.Columns}) FROM STDIN (FORMAT BINARY)";

    // …and, on every path, the latest upsert over arrays holding only each due unit's newest fix.
    private const string UpsertLatestOfArrays = $"WITH {FixArrays} {UpsertLatest}";

    // Bounded: a full queue refuses (503) rather than holding answered requests without end.
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
    });

    // The write loops' own stop: on shutdown they first drain what is queued (within DrainGrace),
    // then stop; the host's stopping token would cancel fixes already answered.
    private readonly CancellationTokenSource _writeStop = new();
    private Task _loops = Task.CompletedTask;

    public static readonly ServiceUnavailableException QueueFull = new("The position queue is full.");
    public static readonly ServiceUnavailableException ShuttingDown = new("This instance is shutting down.");

    // False from a failed write until the next one succeeds: queued acknowledgement stops then,
    // so that devices keep their fixes and resend them while the database is away.
    public bool Healthy => Volatile.Read(ref _healthy);

    private bool _healthy = true;

    // Completes with the number of fixes newly stored (a repeat of a stored fix is not).
    // answered: the request was already answered (a queued ack), so the write may gather.
    public Task<int> WriteAsync(IReadOnlyList<FixToStore> fixes, CancellationToken ct, bool answered = false) =>
        Queue(fixes, answered).WaitAsync(ct);

    // Queues the fixes at once or throws ServiceUnavailableException (full, or shutting down), so a
    // request is never answered for a fix that was not queued; the task completes at the commit.
    public Task<int> Queue(IReadOnlyList<FixToStore> fixes, bool answered)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        if (fixes.Count == 0) return Task.FromResult(0);
        var pending = new Pending(fixes, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously), !answered);
        if (_queue.Writer.TryWrite(pending)) return pending.Done.Task;
        metrics.Refused(fixes.Count);
        throw _queue.Reader.Completion.IsCompleted || _writeStop.IsCancellationRequested || _stopping ? ShuttingDown : QueueFull;
    }

    private volatile bool _stopping;

    // True from the start of a normal shutdown: new fixes are refused, the queue is being written.
    public bool Stopping => _stopping;

    // A normal shutdown: refuse new fixes, write what was queued (answered ones included) within
    // Patrol:DrainGrace, and only then stop the loops. A crash loses what is queued (ADR 0007).
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may stop a disposed writer (stopped twice, or a second host on one container).
        if (_disposed) return;
        _stopping = true;
        _queue.Writer.TryComplete();
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(options.Value.DrainGrace);
        try
        {
            await _loops.WaitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Position queue not drained within {Grace}; {Count} requests left unwritten", options.Value.DrainGrace, _queue.Reader.Count);
        }
        try
        {
            await _writeStop.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            return; // disposed while it drained: the loops are gone with it
        }
        await base.StopAsync(cancellationToken);
    }

    private volatile bool _disposed;

    public override void Dispose()
    {
        _disposed = true;
        _writeStop.Dispose();
        base.Dispose();
    }

    private readonly LatestThrottle _latest = new(options.Value.LatestMinInterval);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writeStop = _writeStop.Token;
        _loops = Task.WhenAll(Enumerable.Range(0, options.Value.Writers).Select(_ => Task.Run(() => WriteLoopAsync(writeStop), CancellationToken.None)));
        try
        {
            await Task.WhenAll(_loops, Task.Run(() => FlushHeldLoopAsync(stoppingToken), stoppingToken));
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var p)) p.Done.TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        NpgsqlConnection? conn = null;
        var group = new List<Pending>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                var count = Drain(group, 0);
                if (group.Count == 0) continue; // another writer took it
                // Fixes already answered (OsmAnd, queued acks) wait a moment for more to share their
                // transaction, instead of one each; a request that waits for its commit is never held.
                if (count < options.Value.CopyFrom && options.Value.WriteGather > TimeSpan.Zero && !group.Exists(p => p.Awaited))
                {
                    await Task.Delay(options.Value.WriteGather, stoppingToken);
                    count = Drain(group, count);
                }
                try
                {
                    conn ??= await OpenAsync(stoppingToken);
                    try
                    {
                        await WriteGroupAsync(conn, group, count, stoppingToken);
                        Volatile.Write(ref _healthy, true);
                    }
                    catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                    {
                        logger.LogInformation("Position write hit {SqlState}; retrying once", ex.SqlState);
                        await WriteGroupAsync(conn, group, count, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Infrastructure.BackgroundFailures.Count("position-writer");
                    Volatile.Write(ref _healthy, false);
                    logger.LogError(ex, "Writing {Count} position fixes failed; their requests get an error", count);
                    foreach (var p in group) p.Done.TrySetException(ex);
                    if (conn is not null) await conn.DisposeAsync();
                    conn = null;
                    history.Forget();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            foreach (var p in group) p.Done.TrySetCanceled(stoppingToken);
            if (conn is not null) await conn.DisposeAsync();
        }
    }

    // Adds what is queued to the group until it holds MaxWriteBatch fixes; returns its fix count.
    private int Drain(List<Pending> group, int count)
    {
        while (count < options.Value.MaxWriteBatch && _queue.Reader.TryRead(out var pending))
        {
            group.Add(pending);
            count += pending.Fixes.Count;
        }
        return count;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        await using var create = new NpgsqlCommand(CreateStaging, conn);
        await create.ExecuteNonQueryAsync(ct);
        return conn;
    }

    private async Task WriteGroupAsync(NpgsqlConnection conn, List<Pending> group, int count, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await history.EnsureDaysAsync(conn, DaysOf(group), ct);
        var receivedAt = clock.GetUtcNow();

        if (count >= options.Value.CopyFrom && await TryCopyAllAsync(conn, group, receivedAt, ct))
        {
            metrics.Written(count, Stopwatch.GetElapsedTime(started));
            foreach (var p in group) p.Done.TrySetResult(p.Fixes.Count);
            return;
        }

        var stored = count < options.Value.CopyFrom
            ? await WriteSmallAsync(conn, group, receivedAt, ct)
            : await CopyAsync(conn, group, receivedAt, ct);
        metrics.Written(count, Stopwatch.GetElapsedTime(started));

        foreach (var p in group)
        {
            // Each stored row is credited once, to the first request that carried it.
            var n = p.Fixes.Count(f => stored.Remove((f.UnitId, StoredTime(f.Fix.Time))));
            p.Done.TrySetResult(n);
        }
    }

    // Nearly always one day: skip the set for runs of the same day.
    private static HashSet<DateOnly> DaysOf(List<Pending> group)
    {
        var days = new HashSet<DateOnly>();
        var last = DateOnly.MinValue;
        foreach (var p in group)
        {
            foreach (var f in p.Fixes)
            {
                var day = PositionHistory.DayOf(f.Fix.Time);
                if (day != last) days.Add(last = day);
            }
        }
        return days;
    }

    // True when every fix of the group was new and is now committed; false (nothing written)
    // when one was already stored, or is stored twice within the group.
    private async Task<bool> TryCopyAllAsync(NpgsqlConnection conn, List<Pending> group, DateTimeOffset receivedAt, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            // Disposing the stream ends the COPY: a repeat fails there, on the primary key.
            await using var copy = await conn.BeginRawBinaryCopyAsync(CopyHistory, ct);
            await PositionCopyRows.WriteAsync(copy, group.SelectMany(p => p.Fixes), receivedAt, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await tx.RollbackAsync(ct);
            metrics.Repeated();
            return false;
        }

        await UpsertLatestAndCommitAsync(conn, tx, group, receivedAt, ct);
        return true;
    }

    // The due units' newest fixes into unit_positions, then the commit. If either fails, the held
    // fixes this took are held again; the group's own rolled back with the history, and return.
    private async Task UpsertLatestAndCommitAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<Pending> group, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var due = _latest.TakeDue(group.SelectMany(p => p.Fixes), Environment.TickCount64, out var released);
        try
        {
            if (due.Count > 0)
            {
                await using var upsert = new NpgsqlCommand(UpsertLatestOfArrays, conn, tx);
                AddFixParameters(upsert.Parameters, due, receivedAt);
                await upsert.PrepareAsync(ct);
                await upsert.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        catch
        {
            _latest.Hold(released);
            throw;
        }
    }

    // Upserts held fixes once their unit is due, on its own connection.
    private async Task FlushHeldLoopAsync(CancellationToken stoppingToken)
    {
        NpgsqlConnection? conn = null;
        var interval = options.Value.LatestMinInterval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval / 4);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var due = _latest.TakeHeldDue(Environment.TickCount64);
                if (due.Count == 0) continue;
                try
                {
                    conn ??= await dataSource.OpenConnectionAsync(stoppingToken);
                    await using var upsert = new NpgsqlCommand(UpsertLatestOfArrays, conn);
                    AddFixParameters(upsert.Parameters, due, clock.GetUtcNow());
                    await upsert.PrepareAsync(stoppingToken);
                    await upsert.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Infrastructure.BackgroundFailures.Count("position-latest-flush");
                    logger.LogWarning(ex, "Upserting {Count} held latest positions failed; retrying on the next tick", due.Count);
                    _latest.Hold(due);
                    if (conn is not null) await conn.DisposeAsync();
                    conn = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down; held fixes are in the history, and the next fix of each unit moves it
        }
        finally
        {
            if (conn is not null) await conn.DisposeAsync();
        }
    }

    private async Task<HashSet<(long UnitId, DateTimeOffset Time)>> CopyAsync(NpgsqlConnection conn, List<Pending> group, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var stored = new HashSet<(long UnitId, DateTimeOffset Time)>();
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var copy = await conn.BeginBinaryImportAsync(CopyStaging, ct))
        {
            WriteStagingRows(copy, group);
            await copy.CompleteAsync(ct);
        }
        await using (var insert = new NpgsqlCommand(InsertHistory, conn, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("received_at", receivedAt));
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) stored.Add((reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }
        await UpsertLatestAndCommitAsync(conn, tx, group, receivedAt, ct);
        return stored;
    }

    // The history insert and the latest upsert sent as one batch: one round trip, and atomic
    // without BEGIN/COMMIT (a batch runs in one implicit transaction). Prepared once per connection.
    private async Task<HashSet<(long UnitId, DateTimeOffset Time)>> WriteSmallAsync(NpgsqlConnection conn, List<Pending> group, DateTimeOffset receivedAt, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn);
        var insert = new NpgsqlBatchCommand(InsertHistoryOfArrays);
        AddFixParameters(insert.Parameters, [.. group.SelectMany(p => p.Fixes)], receivedAt);
        batch.BatchCommands.Add(insert);
        var due = _latest.TakeDue(group.SelectMany(p => p.Fixes), Environment.TickCount64, out var released);
        if (due.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand(UpsertLatestOfArrays);
            AddFixParameters(upsert.Parameters, due, receivedAt);
            batch.BatchCommands.Add(upsert);
        }
        try
        {
            await batch.PrepareAsync(ct);
            var stored = new HashSet<(long UnitId, DateTimeOffset Time)>();
            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) stored.Add((reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)));
            while (await reader.NextResultAsync(ct))
            {
                // the upsert returns nothing; reading on surfaces its error, if any
            }
            return stored;
        }
        catch
        {
            _latest.Hold(released);
            throw;
        }
    }

    // The parameters of a statement over FixArrays.
    private void AddFixParameters(NpgsqlParameterCollection parameters, List<FixToStore> fixes, DateTimeOffset receivedAt)
    {
        parameters.Add(new NpgsqlParameter<long[]>("unit_id", [.. fixes.Select(f => f.UnitId)]));
        parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("fix_time", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            TypedValue = [.. fixes.Select(f => StoredTime(f.Fix.Time))],
        });
        parameters.Add(new NpgsqlParameter<double[]>("lat", [.. fixes.Select(f => f.Fix.Latitude)]));
        parameters.Add(new NpgsqlParameter<double[]>("lon", [.. fixes.Select(f => f.Fix.Longitude)]));
        parameters.Add(Reals("speed", fixes, f => f.Speed));
        parameters.Add(Reals("heading", fixes, f => f.Heading));
        parameters.Add(Reals("accuracy", fixes, f => f.Accuracy));
        parameters.Add(Reals("altitude", fixes, f => f.Altitude));
        parameters.Add(Reals("battery", fixes, f => f.Battery));
        parameters.Add(new NpgsqlParameter<double>("min_move", options.Value.MinMoveMeters));
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("received_at", receivedAt));
    }

    private static NpgsqlParameter<float?[]> Reals(string name, List<FixToStore> fixes, Func<PositionFix, double?> value) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Real) { TypedValue = [.. fixes.Select(f => value(f.Fix) is { } v ? (float?)v : null)] };

    // PostgreSQL keeps microseconds; compare and store at that precision.
    internal static DateTimeOffset StoredTime(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    // The careful path's staging rows (fix_in), through Npgsql's importer: it runs only for a repeat.
    // Synchronous: a write blocks only when a buffer goes to the socket, and only writer loops wait here.
    private static void WriteStagingRows(NpgsqlBinaryImporter copy, List<Pending> group)
    {
        foreach (var p in group)
        {
            foreach (var (unitId, fix) in p.Fixes)
            {
                copy.StartRow();
                copy.Write(unitId, NpgsqlDbType.Bigint);
                copy.Write(StoredTime(fix.Time), NpgsqlDbType.TimestampTz);
                copy.Write(fix.Latitude, NpgsqlDbType.Double);
                copy.Write(fix.Longitude, NpgsqlDbType.Double);
                WriteMeasurements(copy, fix);
            }
        }
    }

    // speed, heading, accuracy, altitude, battery: real, or NULL when the device did not send it.
    private static void WriteMeasurements(NpgsqlBinaryImporter copy, PositionFix fix)
    {
        foreach (var value in (ReadOnlySpan<double?>)[fix.Speed, fix.Heading, fix.Accuracy, fix.Altitude, fix.Battery])
        {
            if (value is { } v) copy.Write((float)v, NpgsqlDbType.Real);
            else copy.WriteNull();
        }
    }
}
