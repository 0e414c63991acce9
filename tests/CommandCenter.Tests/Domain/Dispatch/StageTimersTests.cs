using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;

namespace CommandCenter.Tests.Domain.Dispatch;

public class StageTimersTests
{
    private static readonly StageTimerOptions Options = new();

    [Theory]
    [InlineData(IncidentStatus.Reported, 60, TimerLevel.Normal)]
    [InlineData(IncidentStatus.Reported, 150, TimerLevel.Amber)]
    [InlineData(IncidentStatus.Reported, 301, TimerLevel.Red)]
    [InlineData(IncidentStatus.Dispatched, 301, TimerLevel.Normal)]
    [InlineData(IncidentStatus.Dispatched, 900, TimerLevel.Red)]
    [InlineData(IncidentStatus.Handling, 3000, TimerLevel.Amber)]
    [InlineData(IncidentStatus.Resolved, 99999, TimerLevel.Normal)]
    public void An_incident_waits_turn_amber_then_red_by_its_stage(IncidentStatus status, int seconds, TimerLevel level) =>
        Assert.Equal(level, StageTimers.Level(StageTimers.LimitFor(status, Options), TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_unit_on_its_way_is_held_to_the_response_limit_and_on_scene_to_the_handling_one()
    {
        Assert.Equal(Options.Responding, StageTimers.LimitFor(AssignmentStatus.EnRoute, Options));
        Assert.Equal(Options.Handling, StageTimers.LimitFor(AssignmentStatus.OnScene, Options));
        Assert.Null(StageTimers.LimitFor(AssignmentStatus.Cleared, Options));
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(247, "4:07")]
    [InlineData(3750, "1:02:30")]
    public void A_timer_reads_at_a_glance(int seconds, string text) =>
        Assert.Equal(text, StageTimers.Format(TimeSpan.FromSeconds(seconds)));
}
