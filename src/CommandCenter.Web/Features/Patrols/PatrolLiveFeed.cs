using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Web.Features.Patrols;

// A unit as the map receives it (JSON, camelCase).
public sealed record UnitMarkerView(long Id, string Callsign, string Kind, string Status, double Lat, double Lon, double? Heading, double? Speed, DateTimeOffset FixAt)
{
    public static UnitMarkerView Of(UnitMarker m) => new(m.Id, m.Callsign, PatrolCodes.ToCode(m.Kind), PatrolCodes.ToCode(m.Status),
        Math.Round(m.Latitude, 6), Math.Round(m.Longitude, 6), m.Heading is { } h ? Math.Round(h) : null, m.Speed is { } s ? Math.Round(s, 1) : null, m.LastFixAt);
}

// A batch of changed units (or, from JoinPositions, all of them). Seq orders the batches of one
// instance: a client drops batches at or below the snapshot's seq and re-joins on a gap.
[JsonConverter(typeof(PatrolUpdateJson))]
public sealed record PatrolUpdate(long Seq, bool Snapshot, IReadOnlyList<UnitMarkerView> Units);

// The live units as a circuit reads them (the unit list beside the map): all of them, then the
// units that changed at each flush — the same coalesced stream the map gets.
public interface IPatrolUnitSource
{
    // False until the first read of the latest positions: no units yet means "not known", not zero.
    bool IsLive { get; }

    IReadOnlyList<UnitMarker> Units();

    IDisposable OnUnitsChanged(Action<IReadOnlyList<UnitMarker>> handler);
}

// On the wire each unit is an array, [id, callsign, kind, status, lat, lon, heading, speed,
// fixAt as Unix ms]: half the bytes of named properties, and less for every client to parse.
// The batch is serialised once per send, whatever the number of clients.
public sealed class PatrolUpdateJson : JsonConverter<PatrolUpdate>
{
    public override void Write(Utf8JsonWriter writer, PatrolUpdate value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seq", value.Seq);
        writer.WriteBoolean("snapshot", value.Snapshot);
        writer.WriteStartArray("units");
        foreach (var u in value.Units)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(u.Id);
            writer.WriteStringValue(u.Callsign);
            writer.WriteStringValue(u.Kind);
            writer.WriteStringValue(u.Status);
            writer.WriteNumberValue(u.Lat);
            writer.WriteNumberValue(u.Lon);
            if (u.Heading is { } heading) writer.WriteNumberValue(heading); else writer.WriteNullValue();
            if (u.Speed is { } speed) writer.WriteNumberValue(speed); else writer.WriteNullValue();
            writer.WriteNumberValue(u.FixAt.ToUnixTimeMilliseconds());
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    // For .NET hub clients (tests, the bench).
    public override PatrolUpdate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var units = root.GetProperty("units").EnumerateArray().Select(u => new UnitMarkerView(
            u[0].GetInt64(), u[1].GetString()!, u[2].GetString()!, u[3].GetString()!, u[4].GetDouble(), u[5].GetDouble(),
            u[6].ValueKind == JsonValueKind.Null ? null : u[6].GetDouble(), u[7].ValueKind == JsonValueKind.Null ? null : u[7].GetDouble(),
            DateTimeOffset.FromUnixTimeMilliseconds(u[8].GetInt64()))).ToList();
        return new PatrolUpdate(root.GetProperty("seq").GetInt64(), root.GetProperty("snapshot").GetBoolean(), units);
    }
}

// The positions path to the map (ADR 0005). Every MapFlushInterval each instance reads the
// latest-position rows written since its last read — by transaction id, so a row committed late
// is never skipped — applies them to its PatrolBoard (never backwards, jitter, silence), and
// sends the units that changed, once, to its own hub group. The table is the transport between
// instances: it has one row per unit, so the read is small whatever the fix rate.
public sealed class PatrolLiveFeed(
    NpgsqlDataSource dataSource,
    IHubContext<LiveHub, ILiveClient> hub,
    IOptions<PatrolOptions> options,
    TimeProvider clock,
    ILogger<PatrolLiveFeed> logger) : BackgroundService, IPatrolUnitSource
{
    // The subdistrict by the same rule as incidents: the covering grid, lowest code on an edge.
    // Rows this feed has already applied (the same unit at the same tx) come back while their
    // transaction is still above the horizon, and on every read while a long transaction (a
    // replay) holds the horizon back: they are left out before the grid lookup (~0.1 ms a row),
    // so such a transaction no longer makes every read look up every unit again.
    private const string Poll = """
        WITH changed AS MATERIALIZED (
            SELECT p.* FROM unit_positions p
            WHERE p.tx >= @horizon
              AND NOT EXISTS (SELECT 1 FROM unnest(@seen_units, @seen_txs) k(unit_id, tx) WHERE k.unit_id = p.unit_id AND k.tx = p.tx))
        SELECT p.unit_id, p.fix_time, ST_Y(p.location), ST_X(p.location), p.speed, p.heading, u.callsign, u.kind, u.duty, s.subdistrict_code, p.tx
        FROM changed p JOIN patrol_units u ON u.id = p.unit_id
        LEFT JOIN LATERAL (
            SELECT c.subdistrict_code FROM grids g JOIN communities c ON c.code = g.community_code
            WHERE ST_Covers(g.boundary, p.location) ORDER BY g.code LIMIT 1) s ON true
        """;

    private readonly PatrolBoard _board = new(options.Value.StaleAfter, options.Value.MinMoveMeters);
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _seq;
    private long _horizon;
    // The unit rows applied whose tx is still at or above the horizon: unit id → tx.
    private readonly Dictionary<long, long> _seen = [];
    private readonly Subscribers<UnitMarkerView> _silenceHandlers = new();
    private readonly Subscribers<IReadOnlyList<UnitMarker>> _changeHandlers = new();

    public Task Ready => _ready.Task;

    public PatrolBoard Board => _board;

    public PatrolUpdate Snapshot()
    {
        lock (_gate) return new PatrolUpdate(_seq, true, [.. _board.Snapshot().Select(UnitMarkerView.Of)]);
    }

    // One call per unit that goes silent (not one per sweep), on this instance. Handlers run in
    // the subscriber's execution context (a circuit's culture), like LiveBus subscriptions.
    public IDisposable OnUnitSilent(Action<UnitMarkerView> handler) => _silenceHandlers.Add(handler);

    public bool IsLive => _ready.Task.IsCompleted;

    public IReadOnlyList<UnitMarker> Units() => _board.Snapshot();

    // Called after each flush that changed something, on the feed's thread: a handler hands the
    // work to its circuit (InvokeAsync) and returns.
    public IDisposable OnUnitsChanged(Action<IReadOnlyList<UnitMarker>> handler) => _changeHandlers.Add(handler);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MapFlushInterval);
        var failures = 0;
        do
        {
            try
            {
                await StepAsync(stoppingToken);
                _ready.TrySetResult();
                failures = 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("patrol-live-feed");
                if (failures++ % 40 == 0) logger.LogWarning(ex, "Patrol live feed step failed ({Failures} in a row); retrying", failures);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task StepAsync(CancellationToken ct)
    {
        await ReadChangesAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var unit in _board.Sweep(now))
        {
            // The system-wide notice (and its log line) is SilenceNotices'; this is the map's state.
            logger.LogDebug("Unit {Callsign} ({UnitId}) is silent on this instance's map: no fix since {LastFix:O} ({Age:0} s)",
                unit.Callsign, unit.Id, unit.LastFixAt, (now - unit.LastFixAt).TotalSeconds);
            _silenceHandlers.Publish(UnitMarkerView.Of(unit), ex => logger.LogError(ex, "A silence subscriber failed for unit {UnitId}", unit.Id));
        }
        PatrolUpdate update;
        IReadOnlyList<UnitMarker> changes;
        lock (_gate)
        {
            changes = _board.TakeChanges();
            if (changes.Count == 0) return;
            update = new PatrolUpdate(++_seq, false, [.. changes.Select(UnitMarkerView.Of)]);
        }
        await hub.Clients.Group(LiveHub.GroupName(LiveHubContract.PositionsGroup)).ReceivePositions(update);
        _changeHandlers.Publish(changes, ex => logger.LogError(ex, "A unit-list subscriber failed"));
    }

    private async Task ReadChangesAsync(CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        // The horizon first: any transaction not yet visible to the second read is still running
        // now, so its id is at least this snapshot's xmin and the next read will see its rows.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT txid_snapshot_xmin(txid_current_snapshot())"));
        var poll = new NpgsqlBatchCommand(Poll);
        poll.Parameters.AddWithValue("horizon", _horizon);
        poll.Parameters.AddWithValue("seen_units", _seen.Keys.ToArray());
        poll.Parameters.AddWithValue("seen_txs", _seen.Values.ToArray());
        batch.BatchCommands.Add(poll);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var horizon = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var now = clock.GetUtcNow();
        var applied = new List<(long Unit, long Tx)>();
        while (await reader.ReadAsync(ct))
        {
            // Codes are written by PatrolAdmin; an unknown one falls back to the defaults.
            var kind = PatrolCodes.TryParseKind(reader.GetString(7), out var k) ? k : UnitKind.StreetPatrol;
            var duty = PatrolCodes.TryParseDuty(reader.GetString(8), out var d) ? d : DutyStatus.Available;
            var info = new UnitInfo(reader.GetInt64(0), reader.GetString(6), kind, duty);
            var fix = new PositionFix(reader.GetFieldValue<DateTimeOffset>(1), reader.GetDouble(2), reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetFloat(4), reader.IsDBNull(5) ? null : reader.GetFloat(5));
            _board.Observe(info, fix, now, reader.IsDBNull(9) ? null : reader.GetString(9));
            applied.Add((info.Id, reader.GetInt64(10)));
        }
        // Only once the whole read is applied: a read that failed halfway is read again in full.
        foreach (var (unit, tx) in applied) _seen[unit] = tx;
        foreach (var unit in _seen.Where(s => s.Value < horizon).Select(s => s.Key).ToList()) _seen.Remove(unit);
        _horizon = horizon;
    }
}
