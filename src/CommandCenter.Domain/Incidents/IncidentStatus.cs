namespace CommandCenter.Domain.Incidents;

// The closed loop of a case (GB/T 30428): reported → dispatched → handling → resolved → closed.
// A case is closed only after verification, so Closed is reachable only from Resolved.
public enum IncidentStatus
{
    Reported,
    Dispatched,
    Handling,
    Resolved,
    Closed,
}

public static class IncidentLifecycle
{
    private static readonly Dictionary<IncidentStatus, IncidentStatus[]> Allowed = new()
    {
        [IncidentStatus.Reported] = [IncidentStatus.Dispatched, IncidentStatus.Resolved],
        [IncidentStatus.Dispatched] = [IncidentStatus.Handling, IncidentStatus.Resolved],
        [IncidentStatus.Handling] = [IncidentStatus.Resolved],
        [IncidentStatus.Resolved] = [IncidentStatus.Closed, IncidentStatus.Handling],
        [IncidentStatus.Closed] = [],
    };

    // What "open" means, once: queries use it as OpenStatuses.Contains(i.Status), which EF
    // translates to SQL (typed as a list, not an array, so C# binds Enumerable.Contains).
    public static readonly IReadOnlyList<IncidentStatus> OpenStatuses = [IncidentStatus.Reported, IncidentStatus.Dispatched, IncidentStatus.Handling];

    public static bool IsOpen(IncidentStatus status) => OpenStatuses.Contains(status);

    public static bool CanMove(IncidentStatus from, IncidentStatus to) => Allowed[from].Contains(to);

    public static IncidentStatus Move(IncidentStatus from, IncidentStatus to) =>
        CanMove(from, to)
            ? to
            : throw new InvalidOperationException($"An incident cannot go from {from} to {to}.");

    public static string ToCode(IncidentStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? code, out IncidentStatus status) =>
        Enum.TryParse(code, ignoreCase: true, out status) && Enum.IsDefined(status) && !int.TryParse(code, out _);
}
