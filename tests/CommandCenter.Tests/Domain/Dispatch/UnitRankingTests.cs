using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Dispatch;

public sealed class UnitRankingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private const double Lat = 30.2420, Lon = 120.1700;

    // ~111 m per 0.001° of latitude.
    private static UnitCandidate Unit(long id, UnitKind kind, double northMeters, DutyStatus duty = DutyStatus.Available, int fixAgeSeconds = 10) =>
        new(id, $"U{id:00}", kind, duty, Lat + northMeters / 111_195, Lon, Now.AddSeconds(-fixAgeSeconds));

    [Fact]
    public void A_car_further_away_can_arrive_before_a_patrol_on_foot()
    {
        var ranked = UnitRanking.Rank(Lat, Lon, [Unit(1, UnitKind.StreetPatrol, 800), Unit(2, UnitKind.Vehicle, 2_000)], Now, new RankingOptions());

        Assert.Equal([2L, 1L], ranked.Select(r => r.UnitId));
        Assert.InRange(ranked[0].Eta.TotalSeconds, 300, 330);  // 2 km × 1.3 at 8.3 m/s
        Assert.InRange(ranked[1].Eta.TotalSeconds, 600, 620);  // 0.8 km × 1.3 at 1.7 m/s
        Assert.InRange(ranked[1].DistanceMeters, 795, 805);
    }

    [Fact]
    public void Silent_and_committed_units_are_not_recommended()
    {
        var ranked = UnitRanking.Rank(Lat, Lon,
        [
            Unit(1, UnitKind.StreetPatrol, 100, fixAgeSeconds: 180),
            Unit(2, UnitKind.StreetPatrol, 150, DutyStatus.EnRoute),
            Unit(3, UnitKind.StreetPatrol, 900),
        ], Now, new RankingOptions());

        var only = Assert.Single(ranked);
        Assert.Equal(3, only.UnitId);
        Assert.Equal(TimeSpan.FromSeconds(10), only.FixAge);
    }

    [Fact]
    public void A_kind_filter_keeps_only_that_kind_and_ties_go_to_the_nearer_then_by_callsign()
    {
        var ranked = UnitRanking.Rank(Lat, Lon,
        [
            Unit(4, UnitKind.Vehicle, 500),
            Unit(3, UnitKind.CommunityPatrol, 300),
            Unit(2, UnitKind.CommunityPatrol, 300),
        ], Now, new RankingOptions(), onlyKind: UnitKind.CommunityPatrol);

        Assert.Equal([2L, 3L], ranked.Select(r => r.UnitId));
    }
}
