using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Patrols;

public class HistoryWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, 2)]
    [InlineData("", 2)]
    [InlineData("0.5", 0.5)]
    [InlineData("24", 24)]
    public void A_trail_reaches_back_the_hours_asked_for_or_two(string? hours, double expected)
    {
        var window = HistoryWindow.Trail(hours, Now, out var error);

        Assert.Null(error);
        Assert.Equal(new HistoryWindow(Now.AddHours(-expected), Now), window);
    }

    [Theory]
    [InlineData("two")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("24.5")]
    [InlineData("Infinity")]
    public void Hours_outside_0_to_24_are_refused_with_a_reason(string hours)
    {
        Assert.Null(HistoryWindow.Trail(hours, Now, out var error));
        Assert.Contains("hours", error);
    }

    [Fact]
    public void A_replay_without_times_is_the_last_hour_and_times_without_offset_are_UTC()
    {
        Assert.Equal(new HistoryWindow(Now.AddHours(-1), Now), HistoryWindow.Replay(null, null, Now, out _));
        Assert.Equal(new HistoryWindow(Now.AddHours(-3), Now.AddHours(-2)),
            HistoryWindow.Replay("2026-11-27T07:00:00", "2026-11-27T16:00:00+08:00", Now, out _));
    }

    [Theory]
    [InlineData("soon", null, "from")]
    [InlineData(null, "later", "to")]
    [InlineData("2026-11-27T09:00:00Z", "2026-11-27T09:00:00Z", "from")]
    [InlineData("2026-11-26T08:59:59Z", "2026-11-27T09:00:00Z", "to")]
    public void A_bad_replay_window_names_the_field(string? from, string? to, string field)
    {
        Assert.Null(HistoryWindow.Replay(from, to, Now, out var error));
        Assert.Equal(field, error!.Value.Field);
    }

    [Fact]
    public void Longer_windows_are_sent_coarser()
    {
        var hour = new HistoryWindow(Now.AddHours(-1), Now);
        var day = new HistoryWindow(Now.AddHours(-24), Now);
        var minute = new HistoryWindow(Now.AddMinutes(-1), Now);

        Assert.Equal((12, 288, 1), ((int)hour.ReplayBucket.TotalSeconds, (int)day.ReplayBucket.TotalSeconds, (int)minute.ReplayBucket.TotalSeconds));
        Assert.True(day.Length / day.ReplayBucket <= HistoryWindow.MaxReplayVertices);
        Assert.Equal((2.5, 30, 2), (hour.TrailToleranceMeters, day.TrailToleranceMeters, minute.TrailToleranceMeters));
    }

    [Fact]
    public void An_incident_is_replayed_from_half_an_hour_before_its_report_to_its_resolution_or_now()
    {
        var reported = Now.AddHours(-3);

        Assert.Equal(new HistoryWindow(reported.AddMinutes(-30), reported.AddHours(1)), HistoryWindow.AroundIncident(reported, reported.AddHours(1), Now));
        Assert.Equal(new HistoryWindow(reported.AddMinutes(-30), Now), HistoryWindow.AroundIncident(reported, null, Now));
        Assert.Equal(HistoryWindow.MaxLength, HistoryWindow.AroundIncident(Now.AddDays(-3), null, Now).Length);
    }
}
