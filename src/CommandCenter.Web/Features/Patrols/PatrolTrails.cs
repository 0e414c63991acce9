using System.Globalization;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using Npgsql;

namespace CommandCenter.Web.Features.Patrols;

// A unit's trail as one GeoJSON Feature: a LineString made in PostGIS from its fixes in time order
// and simplified there (Douglas-Peucker), so a long window sends a few hundred vertices, not every fix.
public sealed record UnitTrail(long UnitId, string Callsign, HistoryWindow Window, long Fixes, int Vertices, double ToleranceMeters,
    DateTimeOffset? FirstFixAt, DateTimeOffset? LastFixAt, LineString? Line)
{
    public Feature ToFeature()
    {
        var properties = new AttributesTable
        {
            { "unitId", UnitId },
            { "callsign", Callsign },
            { "from", Iso(Window.From) },
            { "to", Iso(Window.To) },
            { "fixes", Fixes },
            { "vertices", Vertices },
            { "toleranceMeters", ToleranceMeters },
            { "firstFixAt", FirstFixAt is { } first ? Iso(first) : null },
            { "lastFixAt", LastFixAt is { } last ? Iso(last) : null },
        };
        return new Feature(Line, properties);
    }

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}

// Replay data for a window: every unit that reported in it, its track decimated to one fix per
// time bucket (plus its last fix), each vertex [epoch ms, lat, lon, heading, speed]; and the incidents
// whose life overlaps the window.
public sealed record ReplayData(DateTimeOffset From, DateTimeOffset To, int BucketSeconds, int StaleAfterSeconds,
    IReadOnlyList<ReplayTrack> Units, IReadOnlyList<ReplayIncident> Incidents, bool IncidentsTruncated);

public sealed record ReplayTrack(long Id, string Callsign, string Kind, string Duty, IReadOnlyList<double?[]> Track);

public sealed record ReplayIncident(long Id, string Type, string Priority, string Title, double Lat, double Lon,
    DateTimeOffset ReportedAt, DateTimeOffset? ResolvedAt);

public sealed class PatrolTrails(NpgsqlDataSource dataSource, IDbContextFactory<CommandCenterDb> dbFactory, IOptions<PatrolOptions> options) : IDisposable
{
    public const int MaxReplayIncidents = 5000;

    // History reads are the heaviest queries: a few at a time per instance, each with a time
    // limit, so that a burst of replays cannot starve ingest or hold the retention's DDL behind it.
    private readonly SemaphoreSlim _slots = new(options.Value.HistoryConcurrency);

    public static readonly Infrastructure.ServiceUnavailableException Busy = new("Too many trail and replay queries are running.");

    private async Task<IDisposable> SlotAsync(CancellationToken ct)
    {
        if (!await _slots.WaitAsync(TimeSpan.FromSeconds(2), ct)) throw Busy;
        return new Release(_slots);
    }

    private sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }

    public void Dispose() => _slots.Dispose();

    private int Timeout => (int)Math.Ceiling(options.Value.HistoryQueryTimeout.TotalSeconds);

    // Metres to degrees of latitude; a degree of longitude is ~15% shorter here, close enough for a tolerance.
    private const double MetersPerDegree = 111_320;

    // The primary key (unit_id, fix_time) serves the range; fix_time prunes the day partitions.
    private const string TrailSql = """
        WITH line AS (
            SELECT count(*) AS fixes, min(fix_time) AS first, max(fix_time) AS last,
                   ST_MakeLine(location ORDER BY fix_time) AS geom
            FROM positions
            WHERE unit_id = $1 AND fix_time >= $2 AND fix_time <= $3
        )
        SELECT fixes, first, last,
               CASE WHEN fixes = 1 THEN ST_MakeLine(ST_StartPoint(geom), ST_StartPoint(geom))
                    WHEN fixes > 1 THEN ST_Simplify(geom, $4, true) END
        FROM line
        """;

    // One index probe per unit and time bucket (the first fix in it) and one for the unit's last fix:
    // the work follows the size of the answer, not the number of fixes in the window.
    private const string ReplaySql = """
        WITH active AS (
            SELECT u.id, u.callsign, u.kind, u.duty FROM patrol_units u
            WHERE EXISTS (SELECT 1 FROM positions p WHERE p.unit_id = u.id AND p.fix_time >= $1 AND p.fix_time <= $2)
        ), buckets AS (
            SELECT $1 + b * $3 AS start FROM generate_series(0, $4 - 1) AS b
        ), picked AS (
            SELECT a.id, f.* FROM active a CROSS JOIN buckets k
            CROSS JOIN LATERAL (
                SELECT p.fix_time, ST_Y(p.location) AS lat, ST_X(p.location) AS lon, p.heading, p.speed FROM positions p
                WHERE p.unit_id = a.id AND p.fix_time >= k.start AND p.fix_time < k.start + $3 AND p.fix_time <= $2
                ORDER BY p.fix_time LIMIT 1) f
            UNION
            SELECT a.id, f.* FROM active a
            CROSS JOIN LATERAL (
                SELECT p.fix_time, ST_Y(p.location), ST_X(p.location), p.heading, p.speed FROM positions p
                WHERE p.unit_id = a.id AND p.fix_time >= $1 AND p.fix_time <= $2
                ORDER BY p.fix_time DESC LIMIT 1) f
        )
        SELECT a.id, a.callsign, a.kind, a.duty, p.fix_time, p.lat, p.lon, p.heading, p.speed
        FROM picked p JOIN active a ON a.id = p.id
        ORDER BY a.id, p.fix_time
        """;

    // Null when there is no such unit.
    public async Task<UnitTrail?> TrailAsync(long unitId, HistoryWindow window, CancellationToken ct)
    {
        using var slot = await SlotAsync(ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        string? callsign;
        await using (var unit = new NpgsqlCommand("SELECT callsign FROM patrol_units WHERE id = $1", conn) { Parameters = { new() { Value = unitId } } })
            callsign = (string?)await unit.ExecuteScalarAsync(ct);
        if (callsign is null) return null;

        var tolerance = window.TrailToleranceMeters;
        await using var cmd = new NpgsqlCommand(TrailSql, conn)
        {
            CommandTimeout = Timeout,
            Parameters =
            {
                new() { Value = unitId },
                new() { Value = window.From },
                new() { Value = window.To },
                new() { Value = tolerance / MetersPerDegree },
            },
        };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var fixes = reader.GetInt64(0);
        var line = reader.IsDBNull(3) ? null : reader.GetFieldValue<LineString>(3);
        return new UnitTrail(unitId, callsign, window, fixes, line?.NumPoints ?? 0, tolerance,
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            line);
    }

    public async Task<ReplayData> ReplayAsync(HistoryWindow window, CancellationToken ct)
    {
        var bucket = window.ReplayBucket;
        var buckets = (int)Math.Ceiling(window.Length / bucket);
        var units = new List<ReplayTrack>();
        using var slot = await SlotAsync(ct);
        await using (var cmd = dataSource.CreateCommand(ReplaySql))
        {
            cmd.CommandTimeout = Timeout;
            cmd.Parameters.Add(new() { Value = window.From });
            cmd.Parameters.Add(new() { Value = window.To });
            cmd.Parameters.Add(new() { Value = bucket });
            cmd.Parameters.Add(new() { Value = buckets });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            List<double?[]>? track = null;
            long current = -1;
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                if (id != current)
                {
                    current = id;
                    track = [];
                    units.Add(new ReplayTrack(id, reader.GetString(1), reader.GetString(2), reader.GetString(3), track));
                }
                track!.Add([
                    reader.GetFieldValue<DateTimeOffset>(4).ToUnixTimeMilliseconds(),
                    Math.Round(reader.GetDouble(5), 6),
                    Math.Round(reader.GetDouble(6), 6),
                    reader.IsDBNull(7) ? null : Math.Round(reader.GetFloat(7)),
                    reader.IsDBNull(8) ? null : Math.Round(reader.GetFloat(8), 1),
                ]);
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Incidents.AsNoTracking()
            .Where(i => i.ReportedAt <= window.To && (i.ResolvedAt == null || i.ResolvedAt >= window.From))
            .OrderByDescending(i => i.ReportedAt)
            .Take(MaxReplayIncidents + 1)
            .Select(i => new { i.Id, i.Type, i.Priority, i.Title, i.Location, i.ReportedAt, i.ResolvedAt })
            .ToListAsync(ct);
        var incidents = rows.Take(MaxReplayIncidents).OrderBy(i => i.ReportedAt)
            .Select(i => new ReplayIncident(i.Id, IncidentCodes.ToCode(i.Type), IncidentCodes.ToCode(i.Priority), i.Title,
                Math.Round(i.Location.Y, 6), Math.Round(i.Location.X, 6), i.ReportedAt, i.ResolvedAt))
            .ToList();

        return new ReplayData(window.From, window.To, (int)bucket.TotalSeconds, (int)options.Value.StaleAfter.TotalSeconds,
            units, incidents, rows.Count > MaxReplayIncidents);
    }
}
