using System.Text.Json;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Live;

namespace CommandCenter.Tests.Features.Incidents;

public class IncidentBoardTests
{
    internal static IncidentView Incident(long id, string priority = "medium", int level = 3, bool open = true, string? grid = "33010200100101") =>
        new(id, "fire", priority, level, open ? "reported" : "resolved", open, $"事件{id}", null, null, 30.24, 120.17,
            grid, grid is null ? null : "第01网格", grid is null ? null : "清波第1社区", grid is null ? null : "清波街道",
            "test", null, DateTimeOffset.UnixEpoch.AddMinutes(id), open ? null : DateTimeOffset.UnixEpoch);

    private static LiveEvent Event(long seq, IncidentView incident, string type = IncidentEvents.Created) =>
        new(LiveStreams.Incidents, seq, type, JsonSerializer.SerializeToElement(incident, LiveEventStore.Json), DateTimeOffset.UnixEpoch);

    [Fact]
    public void Events_after_the_snapshot_add_and_remove_incidents()
    {
        var board = new IncidentBoard();
        board.Load(new IncidentSnapshot(10, [Incident(1)]));

        Assert.True(board.Apply(Event(11, Incident(2))));
        Assert.True(board.Apply(Event(12, Incident(1, open: false), IncidentEvents.Updated)));

        Assert.Equal([2L], board.Items.Select(i => i.Id));
        Assert.Equal(12, board.LastSeq);
    }

    [Fact]
    public void The_board_names_the_incident_the_last_event_changed_and_forgets_it_on_reload()
    {
        var board = new IncidentBoard();
        board.Load(new IncidentSnapshot(10, [Incident(1)]));

        board.Apply(Event(11, Incident(1, open: false), IncidentEvents.Updated));
        Assert.Equal((1L, false), (board.LastChanged?.Id, board.LastChanged?.IsOpen));

        board.Load(new IncidentSnapshot(11, []));
        Assert.Null(board.LastChanged);
    }

    [Fact]
    public void Events_already_in_the_snapshot_are_ignored()
    {
        var board = new IncidentBoard();
        board.Load(new IncidentSnapshot(10, [Incident(1)]));

        Assert.False(board.Apply(Event(10, Incident(1, open: false))));
        Assert.Single(board.Items);
    }

    [Fact]
    public void A_gap_in_the_sequence_asks_for_a_reload_instead_of_showing_a_wrong_picture()
    {
        var board = new IncidentBoard();
        board.Load(new IncidentSnapshot(10, []));

        Assert.False(board.Apply(Event(12, Incident(5))));
        Assert.True(board.NeedsReload);
        Assert.Empty(board.Items);
    }

    [Fact]
    public void The_most_urgent_incidents_come_first_then_the_newest()
    {
        var board = new IncidentBoard();
        board.Load(new IncidentSnapshot(0, [Incident(1, "low", 4), Incident(2, "critical", 1), Incident(3, "low", 4)]));

        Assert.Equal([2L, 3L, 1L], board.Items.Select(i => i.Id));
    }
}
