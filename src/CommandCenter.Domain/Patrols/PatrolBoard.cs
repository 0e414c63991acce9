namespace CommandCenter.Domain.Patrols;

public sealed record UnitInfo(long Id, string Callsign, UnitKind Kind, DutyStatus Duty);

// A unit as the map draws it. Position is where it last moved to; LastFixAt is its latest fix,
// moved or not (a parked unit is not silent). SubdistrictCode is the subdistrict (街道) covering
// that position, null outside the district.
public sealed record UnitMarker(
    long Id,
    string Callsign,
    UnitKind Kind,
    UnitStatus Status,
    double Latitude,
    double Longitude,
    double? Heading,
    double? Speed,
    DateTimeOffset LastFixAt,
    string? SubdistrictCode = null);

public enum FixOutcome
{
    First,
    Moved,
    // Newer, but within MinMoveMeters of the shown position: GPS jitter, not movement.
    Stationary,
    // Not newer than the latest fix: kept in history, never moves the unit backwards.
    Older,
}

public static class LatestPositionRules
{
    public static FixOutcome Classify(PositionFix? latest, DateTimeOffset? latestFixAt, PositionFix fix, double minMoveMeters)
    {
        if (latest is null) return FixOutcome.First;
        if (fix.Time <= (latestFixAt ?? latest.Time)) return FixOutcome.Older;
        return Geo.DistanceMeters(latest.Latitude, latest.Longitude, fix.Latitude, fix.Longitude) < minMoveMeters
            ? FixOutcome.Stationary
            : FixOutcome.Moved;
    }
}

// The live picture of all units on one instance: fixes in any order, a clock sweep for silence,
// and the set of units whose marker changed since the map was last sent a batch.
public sealed class PatrolBoard(TimeSpan staleAfter, double minMoveMeters)
{
    private sealed class Entry(UnitInfo info, PositionFix shown, string? subdistrict)
    {
        public UnitInfo Info { get; set; } = info;
        public PositionFix Shown { get; set; } = shown;
        public string? Subdistrict { get; set; } = subdistrict;
        public DateTimeOffset LastFixAt { get; set; } = shown.Time;
        public bool Silent { get; set; }
    }

    private readonly Dictionary<long, Entry> _units = [];
    private readonly HashSet<long> _changed = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get { lock (_gate) return _units.Count; }
    }

    // subdistrictCode: where the fix lies, resolved by the caller (the feed asks PostGIS).
    public FixOutcome Observe(UnitInfo info, PositionFix fix, DateTimeOffset now, string? subdistrictCode = null)
    {
        lock (_gate)
        {
            if (!_units.TryGetValue(info.Id, out var entry))
            {
                _units[info.Id] = new Entry(info, fix, subdistrictCode) { Silent = UnitStatusRules.IsSilent(fix.Time, now, staleAfter) };
                _changed.Add(info.Id);
                return FixOutcome.First;
            }
            if (entry.Info != info)
            {
                entry.Info = info;
                _changed.Add(info.Id);
            }
            var outcome = LatestPositionRules.Classify(entry.Shown, entry.LastFixAt, fix, minMoveMeters);
            if (outcome == FixOutcome.Older) return outcome;
            entry.LastFixAt = fix.Time;
            if (outcome == FixOutcome.Moved)
            {
                entry.Shown = fix;
                entry.Subdistrict = subdistrictCode;
                _changed.Add(info.Id);
            }
            var silent = UnitStatusRules.IsSilent(entry.LastFixAt, now, staleAfter);
            if (silent != entry.Silent)
            {
                entry.Silent = silent;
                _changed.Add(info.Id);
            }
            return outcome;
        }
    }

    // Marks units whose last fix is older than staleAfter as silent; returns only the units that
    // went silent in this sweep, so each gets one notice, not one per sweep.
    public IReadOnlyList<UnitMarker> Sweep(DateTimeOffset now)
    {
        lock (_gate)
        {
            List<UnitMarker>? newlySilent = null;
            foreach (var (id, entry) in _units)
            {
                if (entry.Silent || !UnitStatusRules.IsSilent(entry.LastFixAt, now, staleAfter)) continue;
                entry.Silent = true;
                _changed.Add(id);
                (newlySilent ??= []).Add(MarkerOf(entry));
            }
            return newlySilent ?? (IReadOnlyList<UnitMarker>)[];
        }
    }

    public IReadOnlyList<UnitMarker> TakeChanges()
    {
        lock (_gate)
        {
            if (_changed.Count == 0) return [];
            var changes = _changed.Select(id => MarkerOf(_units[id])).ToList();
            _changed.Clear();
            return changes;
        }
    }

    public IReadOnlyList<UnitMarker> Snapshot()
    {
        lock (_gate) return [.. _units.Values.Select(MarkerOf)];
    }

    public UnitMarker? Find(long id)
    {
        lock (_gate) return _units.TryGetValue(id, out var entry) ? MarkerOf(entry) : null;
    }

    private static UnitMarker MarkerOf(Entry e) => new(
        e.Info.Id,
        e.Info.Callsign,
        e.Info.Kind,
        e.Silent ? UnitStatus.Silent : PatrolCodes.ToStatus(e.Info.Duty),
        e.Shown.Latitude,
        e.Shown.Longitude,
        e.Shown.Heading,
        e.Shown.Speed,
        e.LastFixAt,
        e.Subdistrict);
}
