using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Patrols;

namespace CommandCenter.Tests.Features.Patrols;

public class LatestThrottleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static FixToStore Fix(long unitId, int second) => new(unitId, new PositionFix(T0.AddSeconds(second), 30.24, 120.17));

    private static int[] Seconds(IEnumerable<FixToStore> fixes) => [.. fixes.OrderBy(f => f.UnitId).Select(f => (int)(f.Fix.Time - T0).TotalSeconds)];

    [Fact]
    public void A_unit_seen_for_the_first_time_is_due_with_its_newest_fix_of_the_group()
    {
        var throttle = new LatestThrottle(TimeSpan.FromMilliseconds(250));

        var due = throttle.TakeDue([Fix(1, 5), Fix(1, 9), Fix(1, 7), Fix(2, 3)], nowMs: 1_000, out _);

        Assert.Equal([9, 3], Seconds(due));
        Assert.Equal(0, throttle.HeldCount);
    }

    [Fact]
    public void A_unit_upserted_moments_ago_holds_its_newest_fix_until_its_turn()
    {
        var throttle = new LatestThrottle(TimeSpan.FromMilliseconds(250));
        throttle.TakeDue([Fix(1, 1)], nowMs: 1_000, out _);

        Assert.Empty(throttle.TakeDue([Fix(1, 3), Fix(1, 2)], nowMs: 1_100, out _));
        Assert.Empty(throttle.TakeDue([Fix(1, 4)], nowMs: 1_200, out _));
        Assert.Empty(throttle.TakeHeldDue(nowMs: 1_249));

        Assert.Equal([4], Seconds(throttle.TakeHeldDue(nowMs: 1_250)));
        Assert.Equal(0, throttle.HeldCount);
    }

    [Fact]
    public void A_late_fix_never_replaces_a_newer_held_one()
    {
        var throttle = new LatestThrottle(TimeSpan.FromMilliseconds(250));
        throttle.TakeDue([Fix(1, 1)], nowMs: 1_000, out _);
        throttle.TakeDue([Fix(1, 10)], nowMs: 1_100, out _);

        Assert.Equal([10], Seconds(throttle.TakeDue([Fix(1, 5)], nowMs: 1_300, out _)));
    }

    [Fact]
    public void When_the_write_fails_the_held_fixes_it_took_are_held_again_and_its_own_are_not()
    {
        var throttle = new LatestThrottle(TimeSpan.FromMilliseconds(250));
        throttle.TakeDue([Fix(1, 1), Fix(2, 1)], nowMs: 1_000, out _);
        throttle.TakeDue([Fix(1, 5), Fix(2, 6)], nowMs: 1_100, out _); // both held

        var due = throttle.TakeDue([Fix(1, 9), Fix(2, 2)], nowMs: 1_300, out var released);
        Assert.Equal([9, 6], Seconds(due));
        throttle.Hold(released); // the transaction rolled back: fix 9 of unit 1 was never stored

        Assert.Equal([5, 6], Seconds(throttle.TakeHeldDue(nowMs: 1_550)));
    }

    [Fact]
    public void With_no_interval_every_group_upserts_at_once()
    {
        var throttle = new LatestThrottle(TimeSpan.Zero);
        throttle.TakeDue([Fix(1, 1)], nowMs: 1_000, out _);

        Assert.Equal([2], Seconds(throttle.TakeDue([Fix(1, 2)], nowMs: 1_000, out _)));
    }
}
