using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Features.Wall;

namespace CommandCenter.Tests.Features.Wall;

public class WallFreshnessTests
{
    private static readonly DateTimeOffset Opened = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_live_map_with_a_recent_event_is_live_and_needs_no_banner()
    {
        var f = WallFreshness.Of(MapLiveStatus.Live, Opened.AddMinutes(5), Opened, Opened.AddMinutes(6), StaleAfter);

        Assert.Equal(WallFreshnessState.Live, f.State);
        Assert.False(f.NeedsBanner);
    }

    [Fact]
    public void No_event_for_the_configured_time_is_stale_and_says_since_when()
    {
        var last = Opened.AddMinutes(5);

        var f = WallFreshness.Of(MapLiveStatus.Live, last, Opened, last + StaleAfter, StaleAfter);

        Assert.Equal(WallFreshnessState.Stale, f.State);
        Assert.Equal(last, f.QuietSince);
        Assert.True(f.NeedsBanner);
    }

    [Fact]
    public void Without_any_event_yet_the_quiet_time_counts_from_when_the_wall_opened()
    {
        Assert.Equal(WallFreshnessState.Live, WallFreshness.Of(MapLiveStatus.Live, null, Opened, Opened.AddSeconds(119), StaleAfter).State);
        Assert.Equal(WallFreshnessState.Stale, WallFreshness.Of(MapLiveStatus.Live, null, Opened, Opened.AddSeconds(120), StaleAfter).State);
    }

    [Fact]
    public void A_lost_live_connection_is_down_even_if_an_event_just_arrived()
    {
        var f = WallFreshness.Of(MapLiveStatus.Down, Opened, Opened, Opened.AddSeconds(1), StaleAfter);

        Assert.Equal(WallFreshnessState.Down, f.State);
        Assert.True(f.NeedsBanner);
    }

    [Fact]
    public void While_the_map_first_connects_the_wall_says_so_without_a_banner()
    {
        var f = WallFreshness.Of(MapLiveStatus.Connecting, null, Opened, Opened.AddSeconds(3), StaleAfter);

        Assert.Equal(WallFreshnessState.Connecting, f.State);
        Assert.False(f.NeedsBanner);
    }
}
