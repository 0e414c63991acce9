using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Wall;

namespace CommandCenter.Tests.Features.Wall;

public class WallBoardTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    // States numbered by their seq, as the shared feed numbers them: a load knows no change before it.
    private static IncidentFeed.BoardState Loaded(long seq, params IncidentView[] open) =>
        new(open, seq, null) { Version = seq, RecentFrom = seq };

    private static IncidentFeed.BoardState AfterEvent(long seq, IncidentView changed, params IncidentView[] open) =>
        new(open, seq, T0) { Version = seq, RecentFrom = seq - 1, Recent = [new(seq, changed)] };

    [Fact]
    public void Nothing_is_taken_before_the_board_has_loaded_and_nothing_twice()
    {
        var wall = new WallBoard(5);
        Assert.False(wall.TryTake(out var empty));
        Assert.Null(empty.Open);

        wall.Apply(Loaded(10, IncidentBoardTests.Incident(1)), T0);

        Assert.True(wall.TryTake(out var first));
        Assert.Equal([1L], first.Open!.Select(i => i.Id));
        Assert.False(wall.TryTake(out _));
    }

    [Fact]
    public void Many_events_between_two_draws_are_taken_once_as_the_latest_state()
    {
        var wall = new WallBoard(3);
        wall.Apply(Loaded(10), T0);
        wall.TryTake(out _);

        var open = new List<IncidentView>();
        for (var id = 1; id <= 50; id++)
        {
            var incident = IncidentBoardTests.Incident(id);
            open.Add(incident);
            wall.Apply(AfterEvent(10 + id, incident, [.. open]), T0.AddSeconds(id));
        }

        Assert.True(wall.TryTake(out var snapshot));
        Assert.Equal(50, snapshot.Open!.Count);
        Assert.Equal([50L, 49L, 48L], snapshot.Ticker.Select(i => i.Id));
        Assert.Equal(T0.AddSeconds(50), snapshot.LastEventAt);
        Assert.False(wall.TryTake(out _));
    }

    [Fact]
    public void A_resolved_incident_leaves_the_board_but_stays_in_the_ticker_as_resolved()
    {
        var wall = new WallBoard(3);
        wall.Apply(Loaded(10, IncidentBoardTests.Incident(1)), T0);

        wall.Apply(AfterEvent(11, IncidentBoardTests.Incident(1, open: false)), T0.AddSeconds(1));

        wall.TryTake(out var snapshot);
        Assert.Empty(snapshot.Open!);
        Assert.False(Assert.Single(snapshot.Ticker).IsOpen);
    }

    [Fact]
    public void Loading_the_board_is_not_an_event_but_a_reload_after_a_gap_is()
    {
        var wall = new WallBoard(3);

        wall.Apply(Loaded(10, IncidentBoardTests.Incident(1)), T0);
        wall.TryTake(out var loaded);
        Assert.Null(loaded.LastEventAt);

        // A reload after a gap: the board has applied events before (LastEventAt) and moved on.
        wall.Apply(new IncidentFeed.BoardState([IncidentBoardTests.Incident(2)], 15, T0) { Version = 15, RecentFrom = 15 }, T0.AddMinutes(1));
        wall.TryTake(out var reloaded);
        Assert.Equal(T0.AddMinutes(1), reloaded.LastEventAt);
        Assert.Equal([2L], reloaded.Ticker.Select(i => i.Id));
    }

    [Fact]
    public void A_wall_that_skipped_states_still_puts_every_change_in_its_ticker()
    {
        var wall = new WallBoard(5);
        wall.Apply(Loaded(10), T0);
        var (one, two, three) = (IncidentBoardTests.Incident(1), IncidentBoardTests.Incident(2), IncidentBoardTests.Incident(3));
        wall.Apply(AfterEvent(11, one, one), T0);

        // States 12 and 13 were told as one: the second remembers both changes.
        wall.Apply(new IncidentFeed.BoardState([one, two, three], 13, T0)
        {
            Version = 13, RecentFrom = 10, Recent = [new(11, one), new(12, two), new(13, three)],
        }, T0);

        wall.TryTake(out var snapshot);
        Assert.Equal([3L, 2L, 1L], snapshot.Ticker.Select(i => i.Id));
    }

    [Fact]
    public void A_state_knows_the_changes_after_a_version_only_back_to_its_last_load()
    {
        var one = IncidentBoardTests.Incident(1);
        var two = IncidentBoardTests.Incident(2);
        var state = new IncidentFeed.BoardState([one, two], 22, T0) { Version = 22, RecentFrom = 20, Recent = [new(21, one), new(22, two)] };

        Assert.Equal([1L, 2L], state.ChangesSince(20)!.Select(i => i.Id));
        Assert.Equal([2L], state.ChangesSince(21)!.Select(i => i.Id));
        Assert.Empty(state.ChangesSince(22)!);
        Assert.Null(state.ChangesSince(19));
    }
}
