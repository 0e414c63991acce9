using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Patrols;

public class PatrolBoardTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);
    private static readonly UnitInfo Unit = new(1, "巡01", UnitKind.StreetPatrol, DutyStatus.Available);

    private static PatrolBoard NewBoard() => new(StaleAfter, minMoveMeters: 10);

    private static PositionFix FixAt(DateTimeOffset time, double lat = 30.2420, double lon = 120.1700) => new(time, lat, lon, Heading: 90);

    [Fact]
    public void A_first_fix_puts_the_unit_on_the_board_as_its_duty_status()
    {
        var board = NewBoard();

        Assert.Equal(FixOutcome.First, board.Observe(Unit, FixAt(T0), T0));

        var marker = Assert.Single(board.TakeChanges());
        Assert.Equal(UnitStatus.Available, marker.Status);
        Assert.Empty(board.TakeChanges());
    }

    [Fact]
    public void A_fix_older_than_the_latest_never_moves_the_unit_backwards()
    {
        var board = NewBoard();
        board.Observe(Unit, FixAt(T0.AddSeconds(10), lat: 30.2500), T0.AddSeconds(10));
        board.TakeChanges();

        var outcome = board.Observe(Unit, FixAt(T0, lat: 30.2400), T0.AddSeconds(11));

        Assert.Equal(FixOutcome.Older, outcome);
        Assert.Empty(board.TakeChanges());
        Assert.Equal(30.2500, board.Find(1)!.Latitude);
    }

    [Fact]
    public void A_repeated_fix_with_the_same_time_is_older_too()
    {
        var board = NewBoard();
        board.Observe(Unit, FixAt(T0), T0);

        Assert.Equal(FixOutcome.Older, board.Observe(Unit, FixAt(T0, lat: 30.3), T0));
    }

    [Fact]
    public void Jitter_below_the_minimum_move_is_not_movement_but_keeps_the_unit_alive()
    {
        var board = NewBoard();
        board.Observe(Unit, FixAt(T0), T0);
        board.TakeChanges();
        var (lat, lon) = Geo.Offset(30.2420, 120.1700, 45, 6); // 6 m away

        var outcome = board.Observe(Unit, FixAt(T0.AddMinutes(1.5), lat, lon), T0.AddMinutes(1.5));

        Assert.Equal(FixOutcome.Stationary, outcome);
        Assert.Empty(board.TakeChanges());
        Assert.Equal(30.2420, board.Find(1)!.Latitude);
        Assert.Empty(board.Sweep(T0.AddMinutes(3))); // the jitter fix counts for staleness
    }

    [Fact]
    public void A_move_beyond_the_minimum_is_a_change()
    {
        var board = NewBoard();
        board.Observe(Unit, FixAt(T0), T0);
        board.TakeChanges();
        var (lat, lon) = Geo.Offset(30.2420, 120.1700, 0, 25);

        Assert.Equal(FixOutcome.Moved, board.Observe(Unit, FixAt(T0.AddSeconds(5), lat, lon), T0.AddSeconds(5)));
        Assert.Equal(lat, Assert.Single(board.TakeChanges()).Latitude);
    }

    [Fact]
    public void A_unit_goes_silent_once_after_the_stale_time_and_comes_back_with_its_next_fix()
    {
        var board = NewBoard();
        board.Observe(Unit, FixAt(T0), T0);
        board.TakeChanges();

        Assert.Empty(board.Sweep(T0 + StaleAfter));
        var silent = Assert.Single(board.Sweep(T0 + StaleAfter + TimeSpan.FromSeconds(1)));
        Assert.Equal(UnitStatus.Silent, silent.Status);
        Assert.Equal(T0, silent.LastFixAt);
        Assert.Empty(board.Sweep(T0 + StaleAfter + TimeSpan.FromSeconds(30))); // one notice, not one per sweep
        Assert.Equal(UnitStatus.Silent, Assert.Single(board.TakeChanges()).Status);

        board.Observe(Unit, FixAt(T0.AddMinutes(5)), T0.AddMinutes(5)); // same place: stationary, but alive again
        Assert.Equal(UnitStatus.Available, Assert.Single(board.TakeChanges()).Status);
    }

    [Fact]
    public void A_late_first_fix_shows_the_unit_silent_from_the_start()
    {
        var board = NewBoard();

        board.Observe(Unit, FixAt(T0), T0.AddMinutes(10));

        Assert.Equal(UnitStatus.Silent, board.Find(1)!.Status);
    }

    [Fact]
    public void A_duty_change_is_a_change_even_without_movement()
    {
        var board = NewBoard();
        board.Observe(Unit, FixAt(T0), T0);
        board.TakeChanges();

        board.Observe(Unit with { Duty = DutyStatus.EnRoute }, FixAt(T0), T0);

        Assert.Equal(UnitStatus.EnRoute, Assert.Single(board.TakeChanges()).Status);
    }

    [Theory]
    [InlineData(DutyStatus.Available, 60, UnitStatus.Available)]
    [InlineData(DutyStatus.OnScene, 119, UnitStatus.OnScene)]
    [InlineData(DutyStatus.OnScene, 121, UnitStatus.Silent)]
    public void Status_is_the_duty_unless_the_last_fix_is_stale(DutyStatus duty, int secondsSinceFix, UnitStatus expected)
    {
        Assert.Equal(expected, UnitStatusRules.Of(duty, T0, T0.AddSeconds(secondsSinceFix), StaleAfter));
        Assert.Equal(UnitStatus.Silent, UnitStatusRules.Of(duty, null, T0, StaleAfter));
    }

    [Fact]
    public void Distances_are_metres_on_the_sphere()
    {
        // One minute of latitude is a nautical mile, give or take the sphere.
        Assert.InRange(Geo.DistanceMeters(30, 120, 30 + 1.0 / 60, 120), 1850, 1855);
        var (lat, lon) = Geo.Offset(30.2420, 120.1700, 135, 500);
        Assert.Equal(500, Geo.DistanceMeters(30.2420, 120.1700, lat, lon), 0);
        Assert.Equal(135, Geo.BearingDegrees(30.2420, 120.1700, lat, lon), 0);
    }

    [Fact]
    public void Codes_round_trip()
    {
        Assert.True(PatrolCodes.TryParseKind("community_patrol", out var kind));
        Assert.Equal(UnitKind.CommunityPatrol, kind);
        Assert.True(PatrolCodes.TryParseDuty("en_route", out var duty));
        Assert.Equal("en_route", PatrolCodes.ToCode(duty));
        Assert.False(PatrolCodes.TryParseDuty("silent", out _));
    }

    [Fact]
    public void A_unit_takes_the_subdistrict_of_where_it_moved_to_not_of_a_jitter_fix()
    {
        var board = NewBoard();
        board.Observe(Unit, FixAt(T0), T0, "330102001");
        board.Observe(Unit, FixAt(T0.AddSeconds(5), lat: 30.2500), T0.AddSeconds(5), "330102002");
        Assert.Equal("330102002", board.Find(1)!.SubdistrictCode);

        // 1 m further on, a fix that would resolve elsewhere (an edge): jitter, the unit stays put.
        board.Observe(Unit, FixAt(T0.AddSeconds(10), lat: 30.25001), T0.AddSeconds(10), "330102003");

        Assert.Equal("330102002", board.Find(1)!.SubdistrictCode);
    }
}
