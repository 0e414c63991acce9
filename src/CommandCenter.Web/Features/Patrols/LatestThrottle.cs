namespace CommandCenter.Web.Features.Patrols;

// Which units' newest fix PositionWriter upserts into unit_positions now, and which it holds:
// a unit upserted less than `minInterval` ago waits for its turn, keeping only its newest fix.
// Times are milliseconds of a monotonic clock (Environment.TickCount64), passed in for tests.
public sealed class LatestThrottle(TimeSpan minInterval)
{
    private readonly long _spacing = (long)minInterval.TotalMilliseconds;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, long> _upsertedAt = [];
    private readonly Dictionary<long, FixToStore> _held = [];

    public int HeldCount
    {
        get
        {
            lock (_gate) return _held.Count;
        }
    }

    // Each unit's newest fix among `fixes` (or the newer one held for it), if the unit is due.
    // `released`: the held fixes this took out, to Hold again if the write fails.
    public List<FixToStore> TakeDue(IEnumerable<FixToStore> fixes, long nowMs, out List<FixToStore> released)
    {
        released = [];
        var newest = new Dictionary<long, FixToStore>();
        foreach (var f in fixes)
        {
            if (!newest.TryGetValue(f.UnitId, out var seen) || seen.Fix.Time < f.Fix.Time) newest[f.UnitId] = f;
        }
        var due = new List<FixToStore>(newest.Count);
        lock (_gate)
        {
            foreach (var (unitId, fix) in newest)
            {
                var f = fix;
                if (_held.Remove(unitId, out var held))
                {
                    released.Add(held);
                    if (held.Fix.Time > fix.Fix.Time) f = held;
                }
                if (IsDue(unitId, nowMs))
                {
                    due.Add(f);
                    _upsertedAt[unitId] = nowMs;
                }
                else _held[unitId] = f;
            }
        }
        return due;
    }

    // The held fixes whose unit is now due.
    public List<FixToStore> TakeHeldDue(long nowMs)
    {
        var due = new List<FixToStore>();
        lock (_gate)
        {
            foreach (var (unitId, fix) in _held)
            {
                if (!IsDue(unitId, nowMs)) continue;
                due.Add(fix);
                _upsertedAt[unitId] = nowMs;
            }
            foreach (var f in due) _held.Remove(f.UnitId);
        }
        return due;
    }

    // Held fixes taken but not written (the write failed): held again unless a newer one is.
    public void Hold(IEnumerable<FixToStore> fixes)
    {
        lock (_gate)
        {
            foreach (var f in fixes)
            {
                if (!_held.TryGetValue(f.UnitId, out var held) || held.Fix.Time < f.Fix.Time) _held[f.UnitId] = f;
            }
        }
    }

    private bool IsDue(long unitId, long nowMs) => !_upsertedAt.TryGetValue(unitId, out var at) || nowMs - at >= _spacing;
}
