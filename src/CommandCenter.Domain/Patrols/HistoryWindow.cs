using System.Globalization;

namespace CommandCenter.Domain.Patrols;

// A time window over the position history (a unit's trail, a replay), validated from query
// parameters, and how much detail it is sent with: the longer the window, the coarser.
public readonly record struct HistoryWindow(DateTimeOffset From, DateTimeOffset To)
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(24);
    public const double DefaultTrailHours = 2;
    public static readonly TimeSpan DefaultReplayLength = TimeSpan.FromHours(1);

    // At most this many vertices per unit in a replay, whatever the window.
    public const int MaxReplayVertices = 300;

    public TimeSpan Length => To - From;

    // `hours` back from now: default 2, more than 0 and at most 24.
    public static HistoryWindow? Trail(string? hours, DateTimeOffset now, out string? error)
    {
        error = null;
        var value = DefaultTrailHours;
        if (!string.IsNullOrWhiteSpace(hours)
            && (!double.TryParse(hours, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value)))
        {
            error = $"hours must be a number of hours; got '{hours}'.";
            return null;
        }
        if (value <= 0 || value > MaxLength.TotalHours)
        {
            error = $"hours must be more than 0 and at most {MaxLength.TotalHours:0}; got {value.ToString(CultureInfo.InvariantCulture)}.";
            return null;
        }
        return new HistoryWindow(now - TimeSpan.FromHours(value), now);
    }

    // ISO-8601 times (an offset, or UTC if none). Missing `to`: now; missing `from`: an hour before `to`.
    public static HistoryWindow? Replay(string? from, string? to, DateTimeOffset now, out (string Field, string Message)? error)
    {
        error = null;
        var end = now;
        if (!string.IsNullOrWhiteSpace(to) && !TryParseTime(to, out end))
        {
            error = ("to", $"to must be an ISO-8601 time; got '{to}'.");
            return null;
        }
        var start = end - DefaultReplayLength;
        if (!string.IsNullOrWhiteSpace(from) && !TryParseTime(from, out start))
        {
            error = ("from", $"from must be an ISO-8601 time; got '{from}'.");
            return null;
        }
        if (start >= end)
        {
            error = ("from", "from must be before to.");
            return null;
        }
        if (end - start > MaxLength)
        {
            error = ("to", $"The window may be at most {MaxLength.TotalHours:0} hours long.");
            return null;
        }
        return new HistoryWindow(start, end);
    }

    // The window a leader replays after an incident: from half an hour before it was reported to
    // its resolution (or now), at most MaxLength.
    public static HistoryWindow AroundIncident(DateTimeOffset reportedAt, DateTimeOffset? resolvedAt, DateTimeOffset now)
    {
        var from = reportedAt - TimeSpan.FromMinutes(30);
        var to = resolvedAt ?? now;
        if (to <= from) to = from + DefaultReplayLength;
        return new HistoryWindow(from, to - from > MaxLength ? from + MaxLength : to);
    }

    // Douglas-Peucker tolerance for a trail: 2.5 m per hour of window, between 2 m and 30 m —
    // under a street's width, so the line stays on its street at the zoom the window is seen at.
    public double TrailToleranceMeters => Math.Clamp(Length.TotalHours * 2.5, 2, 30);

    // Replay decimation: one vertex per unit per bucket, at most MaxReplayVertices buckets, never
    // finer than a second.
    public TimeSpan ReplayBucket => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(Length.TotalSeconds / MaxReplayVertices)));

    private static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}
