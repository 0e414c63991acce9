using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Wall;

namespace CommandCenter.Tests.Features.Wall;

public class WallKpisTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public void Open_incidents_are_counted_in_total_and_by_priority()
    {
        var open = new[]
        {
            IncidentBoardTests.Incident(1, "critical", 1), IncidentBoardTests.Incident(2, "critical", 1),
            IncidentBoardTests.Incident(3, "high", 2), IncidentBoardTests.Incident(4, "low", 4), IncidentBoardTests.Incident(5, "low", 4),
        };

        var kpis = WallKpis.From(open, new WallCounts(ReportedLastHour: 9, ResolvedToday: 30));

        Assert.Equal(new WallKpis(Open: 5, Critical: 2, High: 1, Medium: 0, Low: 2, NewLastHour: 9, ResolvedToday: 30), kpis);
    }

    [Fact]
    public void Nothing_is_made_up_before_the_board_and_the_counts_have_loaded()
    {
        Assert.Equal(WallKpis.Unknown, WallKpis.From(null, null));
        Assert.Null(WallKpis.From(null, null).Open);
    }

    [Fact]
    public void Counts_still_unknown_leave_their_tiles_unknown_while_the_board_is_shown()
    {
        var kpis = WallKpis.From([IncidentBoardTests.Incident(1)], counts: null);

        Assert.Equal((1, (int?)null, (int?)null), (kpis.Open!.Value, kpis.NewLastHour, kpis.ResolvedToday));
    }

    [Fact]
    public void An_empty_board_is_a_real_zero()
    {
        Assert.Equal(0, WallKpis.From([], new WallCounts(0, 0)).Open);
    }

    [Fact]
    public void The_day_starts_at_midnight_in_the_center_time_zone_not_in_utc()
    {
        // 17:30 UTC on the 27th is 01:30 on the 28th in Shanghai: "today" began at 16:00 UTC.
        var windows = WallWindows.At(new DateTimeOffset(2026, 11, 27, 17, 30, 0, TimeSpan.Zero), Shanghai);

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero), windows.StartOfDay);
    }

    [Fact]
    public void Just_before_midnight_in_the_center_today_is_still_the_previous_day()
    {
        var windows = WallWindows.At(new DateTimeOffset(2026, 11, 27, 15, 59, 59, TimeSpan.Zero), Shanghai);

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 16, 0, 0, TimeSpan.Zero), windows.StartOfDay);
    }

    [Fact]
    public void The_recent_window_is_the_hour_before_now()
    {
        var now = new DateTimeOffset(2026, 11, 27, 10, 15, 0, TimeSpan.Zero);

        Assert.Equal(now.AddHours(-1), WallWindows.At(now, Shanghai).HourAgo);
    }
}
