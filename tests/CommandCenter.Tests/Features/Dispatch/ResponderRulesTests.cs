using System.Text.Json;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Rooms;
using CommandCenter.Web.Live;

namespace CommandCenter.Tests.Features.Dispatch;

public class ResponderRulesTests
{
    private static readonly DateTimeOffset At = ResponderPageTests.Now;

    [Theory]
    [InlineData(AssignmentStatus.Dispatched, AssignmentStep.Depart)]
    [InlineData(AssignmentStatus.EnRoute, AssignmentStep.Arrive)]
    [InlineData(AssignmentStatus.OnScene, AssignmentStep.Clear)]
    public void Each_stage_has_one_next_step_the_assignment_allows(AssignmentStatus status, AssignmentStep step)
    {
        Assert.Equal(step, ResponderRules.NextStep(status));
        Assert.True(new Assignment(1, 1, status, At).CanTake(step));
    }

    [Fact]
    public void A_cleared_assignment_has_no_next_step()
    {
        Assert.Null(ResponderRules.NextStep(AssignmentStatus.Cleared));
    }

    [Fact]
    public void Every_step_has_a_label_key()
    {
        Assert.Equal(["Step_depart", "Step_arrive", "Step_clear"], Enum.GetValues<AssignmentStep>().Select(ResponderRules.StepLabelKey));
    }

    [Fact]
    public void An_incident_that_sends_this_callsign_concerns_the_page_and_one_where_it_has_cleared_does_not()
    {
        var sent = Assignment("巡001", cleared: null);
        var gone = Assignment("巡001", cleared: At);
        var other = Assignment("巡002", cleared: null);

        Assert.True(ResponderRules.Concerns(Updated(50, sent), "巡001", null));
        Assert.False(ResponderRules.Concerns(Updated(50, gone), "巡001", null));
        Assert.False(ResponderRules.Concerns(Updated(50, other), "巡001", null));
    }

    [Fact]
    public void Any_change_to_the_incident_shown_or_to_its_room_concerns_the_page()
    {
        Assert.True(ResponderRules.Concerns(Updated(41), "巡001", 41));
        Assert.False(ResponderRules.Concerns(Updated(42), "巡001", 41));
        Assert.True(ResponderRules.Concerns(Room(41), "巡001", 41));
        Assert.False(ResponderRules.Concerns(Room(42), "巡001", 41));
        Assert.False(ResponderRules.Concerns(Room(41), "巡001", null));
    }

    [Fact]
    public void Only_instructions_addressed_to_responders_are_for_responders()
    {
        TimelineEntry Entry(string kind, string? to) => new() { Kind = kind, ActorName = "x", Text = "x", Addressee = to };

        Assert.True(ResponderRules.IsForResponders(Entry(TimelineKinds.Instruction, Roles.Responder)));
        Assert.False(ResponderRules.IsForResponders(Entry(TimelineKinds.Instruction, Roles.Dispatcher)));
        Assert.False(ResponderRules.IsForResponders(Entry(TimelineKinds.Note, Roles.Responder)));
    }

    private static AssignmentView Assignment(string callsign, DateTimeOffset? cleared) =>
        new(1, 50, 7, callsign, "street_patrol", cleared is null ? "dispatched" : "cleared", At, null, null, cleared, "调度员");

    private static LiveEvent Updated(long id, params AssignmentView[] units) =>
        new(LiveStreams.Incidents, 1, IncidentEvents.Updated,
            JsonSerializer.SerializeToElement(IncidentBoardTests.Incident(id) with { Assignments = units }, LiveEventStore.Json), At);

    private static LiveEvent Room(long id) =>
        new(LiveStreams.Incidents, 1, IncidentEvents.RoomChanged, JsonSerializer.SerializeToElement(new { incidentId = id }, LiveEventStore.Json), At);
}
