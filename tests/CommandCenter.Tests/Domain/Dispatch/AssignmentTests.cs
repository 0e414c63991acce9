using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Dispatch;

public sealed class AssignmentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_unit_goes_dispatched_en_route_on_scene_cleared_with_each_time_stamped()
    {
        var a = Assignment.Dispatch(1, 7, T0)
            .Take(AssignmentStep.Depart, T0.AddMinutes(1))
            .Take(AssignmentStep.Arrive, T0.AddMinutes(6))
            .Take(AssignmentStep.Clear, T0.AddMinutes(40));

        Assert.Equal(AssignmentStatus.Cleared, a.Status);
        Assert.Equal((T0, T0.AddMinutes(1), T0.AddMinutes(6), T0.AddMinutes(40)), (a.DispatchedAt, a.EnRouteAt!.Value, a.OnSceneAt!.Value, a.ClearedAt!.Value));
        Assert.False(a.IsActive);
    }

    [Fact]
    public void A_patrol_beside_the_scene_may_arrive_without_an_en_route_step()
    {
        var a = Assignment.Dispatch(1, 7, T0).Take(AssignmentStep.Arrive, T0.AddSeconds(30));

        Assert.Equal(AssignmentStatus.OnScene, a.Status);
        Assert.Null(a.EnRouteAt);
    }

    [Fact]
    public void Nothing_moves_a_cleared_assignment_and_on_scene_cannot_go_back_en_route()
    {
        var cleared = Assignment.Dispatch(1, 7, T0).Take(AssignmentStep.Clear, T0);
        var onScene = Assignment.Dispatch(1, 7, T0).Take(AssignmentStep.Arrive, T0);

        var refused = Assert.Throws<DispatchRuleException>(() => cleared.Take(AssignmentStep.Arrive, T0));
        Assert.Equal("A unit that is cleared cannot arrive.", refused.Message);
        Assert.False(onScene.CanTake(AssignmentStep.Depart));
        Assert.Throws<DispatchRuleException>(() => onScene.Take(AssignmentStep.Depart, T0));
    }

    [Theory]
    [InlineData(IncidentStatus.Reported, DutyStatus.Available, false, null)]
    [InlineData(IncidentStatus.Handling, DutyStatus.Available, false, null)]
    [InlineData(IncidentStatus.Reported, DutyStatus.EnRoute, false, "The unit is en_route elsewhere: clear it there first.")]
    [InlineData(IncidentStatus.Reported, DutyStatus.Available, true, "The unit has gone silent: its position is not known.")]
    [InlineData(IncidentStatus.Closed, DutyStatus.Available, false, "The incident is closed: reopen it before sending units.")]
    public void A_unit_is_sent_only_when_free_reporting_and_the_case_is_open(IncidentStatus incident, DutyStatus duty, bool silent, string? why) =>
        Assert.Equal(why, DispatchRules.WhyNotAssign(incident, duty, silent)?.Message);

    [Theory]
    [InlineData(IncidentStatus.Reported, AssignmentStatus.Dispatched, IncidentStatus.Dispatched)]
    [InlineData(IncidentStatus.Dispatched, AssignmentStatus.EnRoute, IncidentStatus.Dispatched)]
    [InlineData(IncidentStatus.Dispatched, AssignmentStatus.OnScene, IncidentStatus.Handling)]
    [InlineData(IncidentStatus.Reported, AssignmentStatus.OnScene, IncidentStatus.Handling)]
    [InlineData(IncidentStatus.Handling, AssignmentStatus.Cleared, IncidentStatus.Handling)]
    [InlineData(IncidentStatus.Resolved, AssignmentStatus.Cleared, IncidentStatus.Resolved)]
    public void Assignments_move_the_case_forward_and_never_back(IncidentStatus before, AssignmentStatus assignment, IncidentStatus after) =>
        Assert.Equal(after, DispatchRules.IncidentAfter(before, assignment));

    [Fact]
    public void Closing_needs_a_resolved_case_a_verification_note_and_no_unit_on_scene()
    {
        var onScene = Assignment.Dispatch(1, 7, T0).Take(AssignmentStep.Arrive, T0);
        var cleared = onScene.Take(AssignmentStep.Clear, T0.AddMinutes(5));

        Assert.Equal("Only a resolved incident can be closed.", DispatchRules.WhyNotClose(IncidentStatus.Handling, "核查属实", [cleared])?.Message);
        Assert.Equal("Closing needs a verification note (核查结案).", DispatchRules.WhyNotClose(IncidentStatus.Resolved, " ", [cleared])?.Message);
        Assert.Equal("A unit is still on scene: clear it first.", DispatchRules.WhyNotClose(IncidentStatus.Resolved, "核查属实", [onScene])?.Message);
        Assert.Null(DispatchRules.WhyNotClose(IncidentStatus.Resolved, "核查属实", [cleared])?.Message);
    }

    [Fact]
    public void Resolving_records_an_outcome()
    {
        Assert.Equal("Say what was done (the outcome).", DispatchRules.WhyNotResolve(IncidentStatus.Handling, "")?.Message);
        Assert.Null(DispatchRules.WhyNotResolve(IncidentStatus.Handling, "已处置，道路恢复通行")?.Message);
        Assert.Equal("An incident that is closed cannot be resolved.", DispatchRules.WhyNotResolve(IncidentStatus.Closed, "x")?.Message);
    }
}
