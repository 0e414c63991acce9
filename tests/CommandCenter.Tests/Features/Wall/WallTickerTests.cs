using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Wall;

namespace CommandCenter.Tests.Features.Wall;

public class WallTickerTests
{
    [Fact]
    public void It_keeps_only_the_newest_incidents_however_many_arrive()
    {
        var ticker = new WallTicker(3);

        for (var id = 1; id <= 1000; id++) ticker.Apply(IncidentBoardTests.Incident(id));

        Assert.Equal([1000L, 999L, 998L], ticker.Items.Select(i => i.Id));
    }

    [Fact]
    public void An_event_about_an_incident_already_shown_updates_it_in_place()
    {
        var ticker = new WallTicker(3);
        ticker.Reset([IncidentBoardTests.Incident(1), IncidentBoardTests.Incident(2), IncidentBoardTests.Incident(3)]);

        ticker.Apply(IncidentBoardTests.Incident(2, open: false));

        Assert.Equal([3L, 2L, 1L], ticker.Items.Select(i => i.Id));
        Assert.False(ticker.Items[1].IsOpen);
    }

    [Fact]
    public void Resolving_an_older_incident_does_not_push_out_newer_ones()
    {
        var ticker = new WallTicker(2);
        ticker.Reset([IncidentBoardTests.Incident(5), IncidentBoardTests.Incident(6)]);

        ticker.Apply(IncidentBoardTests.Incident(1, open: false));

        Assert.Equal([6L, 5L], ticker.Items.Select(i => i.Id));
    }

    [Fact]
    public void A_reset_takes_the_newest_reported_from_the_board_whatever_their_priority()
    {
        var ticker = new WallTicker(2);

        ticker.Reset([IncidentBoardTests.Incident(1, "critical", 1), IncidentBoardTests.Incident(7, "low", 4), IncidentBoardTests.Incident(4)]);

        Assert.Equal([7L, 4L], ticker.Items.Select(i => i.Id));
    }

    [Fact]
    public void Items_handed_to_a_render_do_not_change_under_it()
    {
        var ticker = new WallTicker(3);
        ticker.Apply(IncidentBoardTests.Incident(1));
        var shown = ticker.Items;

        ticker.Apply(IncidentBoardTests.Incident(2));

        Assert.Equal([1L], shown.Select(i => i.Id));
    }
}
