using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Plans;

namespace CommandCenter.Tests.Domain.Plans;

public class PlanRunTests
{
    private static readonly PlanDocument Plan = PlanParser.Parse("""
        code: flood
        version: 1
        name: 防汛
        levels:
          - level: IV
          - level: III
          - level: II
            approval: { leaders: [leader, leader2] }
          - level: I
            approval: { leaders: [leader] }
        """, new HashSet<string> { "Leader" }).Plan!;

    private static PlanRun Do(PlanRun run, PlanMove move, ResponseLevel? level = null, string? reason = null, bool leader = false, int openCritical = 0) =>
        run.Apply(new PlanMoveRequest(move, leader ? "leader" : "duty", leader, level, reason), Plan, openCritical);

    private static string RefusalOf(Func<PlanRun> move) => Assert.Throws<DispatchRuleException>(() => move()).Refusal.Code;

    [Fact]
    public void A_duty_officer_activates_level_four_or_three_at_once()
    {
        var run = Do(PlanRun.New, PlanMove.Request, ResponseLevel.III);

        Assert.Equal(PlanRunState.Active, run.State);
        Assert.Equal(ResponseLevel.III, run.Level);
    }

    [Fact]
    public void Escalating_to_two_waits_for_a_leader_with_the_current_level_in_force_and_no_one_else_can_approve()
    {
        var three = Do(PlanRun.New, PlanMove.Request, ResponseLevel.III);
        var asked = Do(three, PlanMove.Request, ResponseLevel.II, "同一社区1小时内6起积水报警");

        Assert.Equal((PlanRunState.Awaiting, ResponseLevel.III, ResponseLevel.II), (asked.State, asked.Level, asked.Pending));
        Assert.Equal("plan_not_leader", RefusalOf(() => Do(asked, PlanMove.Approve)));
        var approved = Do(asked, PlanMove.Approve, leader: true);
        Assert.Equal((PlanRunState.Active, ResponseLevel.II, (ResponseLevel?)null), (approved.State, approved.Level, approved.Pending));
    }

    [Fact]
    public void A_first_request_for_two_is_not_in_force_until_approved_and_a_rejection_leaves_nothing()
    {
        var asked = Do(PlanRun.New, PlanMove.Request, ResponseLevel.II);

        Assert.Equal(PlanRunState.Awaiting, asked.State);
        Assert.Null(asked.Level);
        Assert.Equal("plan_reason_missing", RefusalOf(() => Do(asked, PlanMove.Reject, leader: true)));
        var rejected = Do(asked, PlanMove.Reject, reason: "现场已控制", leader: true);
        Assert.Equal((PlanRunState.Idle, (ResponseLevel?)null), (rejected.State, rejected.Level));
    }

    [Fact]
    public void Escalation_goes_graver_with_a_reason_and_de_escalation_lighter_with_a_reason()
    {
        var three = Do(PlanRun.New, PlanMove.Request, ResponseLevel.III);

        Assert.Equal("plan_not_graver", RefusalOf(() => Do(three, PlanMove.Request, ResponseLevel.IV, "x")));
        Assert.Equal("plan_reason_missing", RefusalOf(() => Do(three, PlanMove.Request, ResponseLevel.II)));
        Assert.Equal("plan_not_lighter", RefusalOf(() => Do(three, PlanMove.Deescalate, ResponseLevel.II, "x")));
        Assert.Equal("plan_reason_missing", RefusalOf(() => Do(three, PlanMove.Deescalate, ResponseLevel.IV)));
        Assert.Equal(ResponseLevel.IV, Do(three, PlanMove.Deescalate, ResponseLevel.IV, "积水已退").Level);
    }

    [Fact]
    public void Open_critical_tasks_stop_termination_unless_a_leader_overrides_with_a_reason()
    {
        var two = Do(Do(PlanRun.New, PlanMove.Request, ResponseLevel.II), PlanMove.Approve, leader: true);

        Assert.Equal("plan_open_critical_tasks", RefusalOf(() => Do(two, PlanMove.Terminate, reason: "结束", openCritical: 1)));
        Assert.Equal("plan_reason_missing", RefusalOf(() => Do(two, PlanMove.Terminate, leader: true, openCritical: 1)));
        var over = Do(two, PlanMove.Terminate, reason: "转入善后，任务移交街道", leader: true, openCritical: 1);
        Assert.Equal(PlanRunState.Terminated, over.State);
        Assert.Equal(PlanRunState.Terminated, Do(two, PlanMove.Terminate, reason: "处置完毕").State);
        Assert.Equal("plan_move_not_allowed", RefusalOf(() => Do(over, PlanMove.Request, ResponseLevel.IV)));
    }

    [Fact]
    public void No_approval_without_a_pending_level_and_no_level_the_plan_does_not_have()
    {
        var four = Do(PlanRun.New, PlanMove.Request, ResponseLevel.IV);
        var partial = PlanParser.Parse("code: p2\nversion: 1\nname: x\nlevels:\n  - level: IV\n", new HashSet<string>()).Plan!;

        Assert.Equal("plan_move_not_allowed", RefusalOf(() => Do(four, PlanMove.Approve, leader: true)));
        Assert.Equal("plan_no_such_level", Assert.Throws<DispatchRuleException>(() =>
            PlanRun.New.Apply(new PlanMoveRequest(PlanMove.Request, "duty", false, ResponseLevel.III), partial, 0)).Refusal.Code);
    }

    [Fact]
    public void An_unanswered_approval_goes_to_the_next_leader_in_the_list_then_stays_with_the_last()
    {
        var two = Plan.LevelOf(ResponseLevel.II)!;

        Assert.Equal("leader", PlanRun.NextApprover(two, []));
        Assert.Equal("leader2", PlanRun.NextApprover(two, ["leader"]));
        Assert.Null(PlanRun.NextApprover(two, ["leader", "leader2"]));
    }
}
