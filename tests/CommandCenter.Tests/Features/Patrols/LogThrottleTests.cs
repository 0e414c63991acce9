using CommandCenter.Web.Features.Patrols;

namespace CommandCenter.Tests.Features.Patrols;

public class LogThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void One_line_per_interval_and_the_next_counts_those_left_out()
    {
        var clock = new ManualClock();
        var throttle = new LogThrottle(TimeSpan.FromSeconds(10), clock);

        Assert.True(throttle.TryEnter(out var first));
        var during = Enumerable.Range(0, 500).Count(_ => throttle.TryEnter(out _));
        clock.Now += TimeSpan.FromSeconds(10);
        Assert.True(throttle.TryEnter(out var next));

        Assert.Equal(0, first);
        Assert.Equal(0, during);
        Assert.Equal(500, next);
    }
}
