using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Web.Infrastructure;

// How a shared per-instance board (linkage alerts, plans) reads: changes are coalesced, at most one
// read per FlushInterval however many events arrive, and it reads again at least every
// RefreshEvery without an event, so that "today" and overdue times roll on a quiet night.
public abstract record BoardTiming
{
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan RefreshEvery { get; init; } = TimeSpan.FromMinutes(1);
}
