using CommandCenter.Tests.Features.Wall;
using CommandCenter.Web.Features.Linkage;

namespace CommandCenter.Tests.Features.Linkage;

public class LinkageBoardTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void The_map_gets_only_the_alerts_that_changed_and_the_ids_that_left()
    {
        var before = new[] { LinkageWallTests.Alert(1), LinkageWallTests.Alert(2), LinkageWallTests.Alert(3) };
        var after = new[] { LinkageWallTests.Alert(1), LinkageWallTests.Alert(2, state: "acknowledged"), LinkageWallTests.Alert(4) };

        var update = LinkageBoard.Difference(before, after, 7)!;

        Assert.Equal(7, update.Seq);
        Assert.False(update.Snapshot);
        Assert.Equal([2L, 4L], update.Alerts.Select(a => a.Id));
        Assert.Equal([3L], update.Removed);
    }

    [Fact]
    public void Nothing_changed_sends_nothing()
    {
        var alerts = new[] { LinkageWallTests.Alert(1) };

        Assert.Null(LinkageBoard.Difference(alerts, [LinkageWallTests.Alert(1)], 2));
    }

    [Fact]
    public void An_alert_is_overdue_since_the_first_deadline_whose_step_is_not_done()
    {
        DateTimeOffset ack = T0.AddMinutes(5), arrive = T0.AddMinutes(30), feedback = T0.AddHours(24);

        Assert.Equal(ack, LinkageBoardQueries.OverdueSince(ack, null, arrive, null, feedback, null));
        Assert.Equal(arrive, LinkageBoardQueries.OverdueSince(ack, T0.AddMinutes(7), arrive, null, feedback, null));
        Assert.Equal(feedback, LinkageBoardQueries.OverdueSince(ack, T0.AddMinutes(1), arrive, T0.AddMinutes(40), feedback, null));
        Assert.Null(LinkageBoardQueries.OverdueSince(null, null, null, null, null, null));
    }

    [Fact]
    public void Supervised_alerts_are_listed_longest_overdue_first()
    {
        var board = new LinkageBoardSnapshot(
        [
            LinkageWallTests.Alert(1, overdue: true, supervised: true, overdueSince: T0.AddMinutes(20)),
            LinkageWallTests.Alert(2, overdue: true, overdueSince: T0),
            LinkageWallTests.Alert(3, overdue: true, supervised: true, overdueSince: T0.AddMinutes(5)),
        ], [], T0);

        Assert.Equal([3L, 1L], board.Supervised.Select(a => a.Id));
        Assert.Equal(3, board.Overdue);
        Assert.Equal(3, board.Open);
    }
}
