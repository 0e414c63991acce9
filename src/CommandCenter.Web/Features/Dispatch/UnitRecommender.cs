using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Patrols;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Web.Features.Dispatch;

// One line of the recommendation list, as the board and the API show it.
public sealed record Recommendation(long UnitId, string Callsign, string Kind, double DistanceMeters, int EtaSeconds, int FixAgeSeconds);

public sealed record Recommendations(long IncidentId, IReadOnlyList<Recommendation> Units);

// Candidates come from PostGIS: KNN (<->) over the latest positions (GiST-indexed), only available
// units with a fresh fix; the domain then ranks them by estimated arrival (UnitRanking).
public sealed class UnitRecommender(NpgsqlDataSource dataSource, IOptions<PatrolOptions> patrol, TimeProvider clock)
{
    // More candidates than shown: straight-line order is not arrival order (a car further away
    // can beat a patrol on foot).
    private const int CandidatesPerShown = 5;

    public async Task<Recommendations?> ForIncidentAsync(long incidentId, UnitKind? kind, int take, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var options = new RankingOptions { StaleAfter = patrol.Value.StaleAfter };
        await using var cmd = dataSource.CreateCommand("""
            SELECT ST_Y(i.location), ST_X(i.location), c.id, c.callsign, c.kind, c.duty, c.lat, c.lon, c.fix_time
            FROM incidents i
            LEFT JOIN LATERAL (
                SELECT u.id, u.callsign, u.kind, u.duty, ST_Y(p.location) AS lat, ST_X(p.location) AS lon, p.fix_time
                FROM unit_positions p JOIN patrol_units u ON u.id = p.unit_id
                WHERE u.duty = 'available' AND p.fix_time > $2 AND ($3::text IS NULL OR u.kind = $3)
                ORDER BY p.location <-> i.location
                LIMIT $4) c ON true
            WHERE i.id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = incidentId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.StaleAfter });
        cmd.Parameters.Add(new NpgsqlParameter { Value = kind is { } k ? PatrolCodes.ToCode(k) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(take, 1, 50) * CandidatesPerShown });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        double? lat = null, lon = null;
        var candidates = new List<UnitCandidate>();
        while (await reader.ReadAsync(ct))
        {
            (lat, lon) = (reader.GetDouble(0), reader.GetDouble(1));
            if (reader.IsDBNull(2) || !PatrolCodes.TryParseKind(reader.GetString(4), out var unitKind)) continue;
            candidates.Add(new UnitCandidate(reader.GetInt64(2), reader.GetString(3), unitKind, DutyStatus.Available,
                reader.GetDouble(6), reader.GetDouble(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }
        if (lat is null || lon is null) return null;
        var ranked = UnitRanking.Rank(lat.Value, lon.Value, candidates, now, options, kind);
        return new Recommendations(incidentId, [.. ranked.Take(Math.Clamp(take, 1, 50)).Select(r => new Recommendation(
            r.UnitId, r.Callsign, PatrolCodes.ToCode(r.Kind), Math.Round(r.DistanceMeters), (int)r.Eta.TotalSeconds, (int)r.FixAge.TotalSeconds))]);
    }
}
