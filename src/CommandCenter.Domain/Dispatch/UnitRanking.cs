using CommandCenter.Domain.Patrols;

namespace CommandCenter.Domain.Dispatch;

// A unit PostGIS found near the incident (KNN over the latest positions), with what ranking needs.
public sealed record UnitCandidate(long UnitId, string Callsign, UnitKind Kind, DutyStatus Duty, double Latitude, double Longitude, DateTimeOffset FixAt);

// One line of the recommendation list: every number the dispatcher's explanation shows.
public sealed record RankedUnit(long UnitId, string Callsign, UnitKind Kind, double DistanceMeters, TimeSpan Eta, TimeSpan FixAge);

public sealed record RankingOptions
{
    // Streets are not straight lines: the distance a unit covers is about this much longer.
    public double RouteFactor { get; init; } = 1.3;

    // Response speeds, m/s: patrols on foot hurry (~6 km/h), vehicles in town traffic (~30 km/h).
    public IReadOnlyDictionary<UnitKind, double> SpeedByKind { get; init; } = new Dictionary<UnitKind, double>
    {
        [UnitKind.StreetPatrol] = 1.7,
        [UnitKind.CommunityPatrol] = 1.5,
        [UnitKind.Checkpoint] = 1.5,
        [UnitKind.Vehicle] = 8.3,
    };

    // A unit without a fix for this long is silent: where it is, is not known.
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(2);
}

public static class UnitRanking
{
    // Available, reporting units by estimated arrival; silent and committed units are left out,
    // because sending them is refused anyway (DispatchRules).
    public static IReadOnlyList<RankedUnit> Rank(
        double latitude, double longitude, IEnumerable<UnitCandidate> candidates, DateTimeOffset now, RankingOptions options, UnitKind? onlyKind = null) =>
        [.. candidates
            .Where(c => c.Duty == DutyStatus.Available && now - c.FixAt <= options.StaleAfter && (onlyKind is null || c.Kind == onlyKind))
            .Select(c =>
            {
                var distance = Geo.DistanceMeters(latitude, longitude, c.Latitude, c.Longitude);
                var speed = options.SpeedByKind.TryGetValue(c.Kind, out var s) && s > 0 ? s : 1.5;
                var eta = TimeSpan.FromSeconds(Math.Round(distance * options.RouteFactor / speed));
                return new RankedUnit(c.UnitId, c.Callsign, c.Kind, distance, eta, now - c.FixAt);
            })
            .OrderBy(r => r.Eta).ThenBy(r => r.DistanceMeters).ThenBy(r => r.Callsign, StringComparer.Ordinal)];
}
