using CommandCenter.Domain.Incidents;

namespace CommandCenter.Domain.Dispatch;

public enum TimerLevel
{
    Normal,
    Amber,
    Red,
}

// How long a stage may run before the board turns its timer amber, then red.
public sealed record StageLimit(TimeSpan Amber, TimeSpan Red);

public sealed record StageTimerOptions
{
    // Nobody sent yet: the call-taker's clock.
    public StageLimit Waiting { get; init; } = new(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5));

    // Sent, not yet on scene: the response time.
    public StageLimit Responding { get; init; } = new(TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(15));

    // On scene, not yet resolved.
    public StageLimit Handling { get; init; } = new(TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(90));
}

public static class StageTimers
{
    // The limit that applies to an incident's current status; none once it is resolved.
    public static StageLimit? LimitFor(IncidentStatus status, StageTimerOptions options) => status switch
    {
        IncidentStatus.Reported => options.Waiting,
        IncidentStatus.Dispatched => options.Responding,
        IncidentStatus.Handling => options.Handling,
        _ => null,
    };

    public static StageLimit? LimitFor(AssignmentStatus status, StageTimerOptions options) => status switch
    {
        AssignmentStatus.Dispatched or AssignmentStatus.EnRoute => options.Responding,
        AssignmentStatus.OnScene => options.Handling,
        _ => null,
    };

    public static TimerLevel Level(StageLimit? limit, TimeSpan elapsed) =>
        limit is null ? TimerLevel.Normal
        : elapsed >= limit.Red ? TimerLevel.Red
        : elapsed >= limit.Amber ? TimerLevel.Amber
        : TimerLevel.Normal;

    // 4:07, 1:02:30: a glance, not a calculation.
    public static string Format(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero) elapsed = TimeSpan.Zero;
        return elapsed.TotalHours >= 1
            ? $"{(int)elapsed.TotalHours}:{elapsed.Minutes:00}:{elapsed.Seconds:00}"
            : $"{elapsed.Minutes}:{elapsed.Seconds:00}";
    }
}
