using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Plans;
using static CommandCenter.Tests.Features.Plans.PlanRuns;

namespace CommandCenter.Tests.Features.Plans;

public class PlanBoardTests
{
    [Fact]
    public void A_task_falls_overdue_when_its_deadline_passes_and_the_snapshot_says_when_that_next_happens()
    {
        var run = Run(1, "III", tasks: [Todo(1, "III", "发布预警信息", 10), Todo(2, "III", "调集移动泵车", 25), Todo(3, "III", "巡查", 5, done: true)]);

        var before = PlanBoardSnapshot.From([run], Now);
        var after = PlanBoardSnapshot.From([run], Now.AddMinutes(10));

        Assert.Empty(before.Runs[0].Overdue);
        Assert.Equal(Now.AddMinutes(10), before.NextDueAt);
        Assert.Equal([new OverdueTask("发布预警信息", false)], after.Runs[0].Overdue);
        Assert.Equal(Now.AddMinutes(25), after.NextDueAt);
        Assert.Null(PlanBoardSnapshot.From([run], Now.AddHours(1)).NextDueAt);
    }

    [Fact]
    public void Runs_are_ordered_gravest_first_then_a_critical_overdue_then_the_oldest()
    {
        var calm = Run(1, "II", incidentId: 1);
        var late = Run(2, "II", incidentId: 2, tasks: [Todo(1, "II", "疏散", -1, critical: true)]);
        var grave = Run(3, "I", incidentId: 3);

        var board = PlanBoardSnapshot.From([calm, late, grave], Now);

        Assert.Equal([3L, 2L, 1L], board.Runs.Select(r => r.RunId));
        Assert.Equal(ResponseLevel.I, board.GravestActive);
    }

    [Fact]
    public void A_first_request_without_a_level_is_only_counted_as_waiting_and_ended_runs_not_at_all()
    {
        var ended = Run(4, "II") with { State = "Terminated" };

        var board = PlanBoardSnapshot.From([Run(1, null, pending: "II"), Run(2, "IV"), ended], Now);

        Assert.Equal((1, 1, ResponseLevel.II), (board.Active, board.Pending, board.GravestPending));
        Assert.Equal(2L, board.Runs.Single().RunId);
    }

    [Fact]
    public void Nothing_live_is_zero_not_unknown()
    {
        var board = PlanBoardSnapshot.From([], Now);

        Assert.Equal((0, 0), (board.Active, board.Pending));
        Assert.Null(board.GravestPending);
        Assert.Null(board.NextDueAt);
    }
}
