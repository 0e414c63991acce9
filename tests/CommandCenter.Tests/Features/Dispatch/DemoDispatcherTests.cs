using CommandCenter.Domain.Dispatch;
using CommandCenter.Web.Features.Dispatch;

namespace CommandCenter.Tests.Features.Dispatch;

public class DemoDispatcherTests
{
    [Theory]
    [InlineData(AssignmentStatus.Dispatched, 5, null)]
    [InlineData(AssignmentStatus.Dispatched, 15, AssignmentStep.Depart)]
    [InlineData(AssignmentStatus.EnRoute, 39, null)]
    [InlineData(AssignmentStatus.EnRoute, 40, AssignmentStep.Arrive)]
    [InlineData(AssignmentStatus.OnScene, 50, AssignmentStep.Clear)]
    [InlineData(AssignmentStatus.Cleared, 999, null)]
    public void The_demo_moves_each_of_its_units_on_after_a_stage_long_enough_to_watch(AssignmentStatus status, int seconds, AssignmentStep? step) =>
        Assert.Equal(step, DemoDispatcher.NextStep(status, TimeSpan.FromSeconds(seconds)));
}
