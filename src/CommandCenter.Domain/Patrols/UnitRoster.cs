namespace CommandCenter.Domain.Patrols;

// What the duty officer narrows the unit list to; null means any.
public sealed record UnitRosterFilter(UnitKind? Kind = null, UnitStatus? Status = null, string? SubdistrictCode = null)
{
    // The "busy" shortcut: every status that means the unit is committed to an incident.
    public bool BusyOnly { get; init; }

    public bool IsEmpty => Kind is null && Status is null && SubdistrictCode is null && !BusyOnly;

    public bool Matches(UnitMarker unit) =>
        (Kind is null || unit.Kind == Kind)
        && (Status is null || unit.Status == Status)
        && (!BusyOnly || UnitRoster.IsBusy(unit.Status))
        && (SubdistrictCode is null || unit.SubdistrictCode == SubdistrictCode);
}

// The at-a-glance count: available, busy (assigned, en route, on scene) and silent.
public sealed record UnitRosterSummary(int Available, int Busy, int Silent)
{
    public int Total => Available + Busy + Silent;
}

// The unit list beside the map: which units a filter keeps, in the order a duty officer scans
// them — silent first (they need a call), then busy, then available; by callsign within each.
public static class UnitRoster
{
    public static bool IsBusy(UnitStatus status) => status is UnitStatus.Assigned or UnitStatus.EnRoute or UnitStatus.OnScene;

    public static IReadOnlyList<UnitMarker> Select(IEnumerable<UnitMarker> units, UnitRosterFilter filter) =>
        [.. units.Where(filter.Matches).OrderBy(u => Rank(u.Status)).ThenBy(u => u.Callsign, StringComparer.Ordinal).ThenBy(u => u.Id)];

    public static UnitRosterSummary Summarize(IEnumerable<UnitMarker> units)
    {
        int available = 0, busy = 0, silent = 0;
        foreach (var unit in units)
        {
            if (unit.Status == UnitStatus.Silent) silent++;
            else if (IsBusy(unit.Status)) busy++;
            else available++;
        }
        return new UnitRosterSummary(available, busy, silent);
    }

    private static int Rank(UnitStatus status) => status switch
    {
        UnitStatus.Silent => 0,
        UnitStatus.OnScene => 1,
        UnitStatus.EnRoute => 2,
        UnitStatus.Assigned => 3,
        _ => 4,
    };
}
