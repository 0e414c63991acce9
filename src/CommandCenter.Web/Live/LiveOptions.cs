using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Web.Live;

public sealed record LiveOptions
{
    public const string Section = "Live";

    // How long events stay in the outbox for reconnecting clients to catch up.
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    // The outbox is trimmed of events older than Retention this often.
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan TrimEvery { get; init; } = TimeSpan.FromMinutes(10);

    // A client further behind than this reloads its snapshot instead of replaying.
    [Range(1, 100_000)]
    public int MaxCatchUpEvents { get; init; } = 2_000;

    // A NOTIFY can be lost while the listener reconnects; poll this often as a safety net.
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
