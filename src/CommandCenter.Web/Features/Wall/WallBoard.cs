using CommandCenter.Web.Features.Incidents;

namespace CommandCenter.Web.Features.Wall;

// What the wall draws from the live board, fixed at one moment. Open is null until the board
// has loaded.
public sealed record WallSnapshot(IReadOnlyList<IncidentView>? Open, IReadOnlyList<IncidentView> Ticker, DateTimeOffset? LastEventAt)
{
    public static readonly WallSnapshot Empty = new(null, [], null);
}

// Coalesces live board states between renders: events are applied as they come (on the bus's
// thread), the wall takes at most one snapshot per tick however fast they come. Holds only the
// latest board and a bounded ticker; nothing grows per event.
public sealed class WallBoard(int tickerLength)
{
    private readonly Lock _gate = new();
    private readonly WallTicker _ticker = new(tickerLength);
    private WallSnapshot _current = WallSnapshot.Empty;
    private long _seenSeq = -1;
    private long _seenVersion = -1;
    private bool _changed;

    public void Apply(IncidentFeed.BoardState state, DateTimeOffset receivedAt)
    {
        lock (_gate)
        {
            // A (re)load replaces the ticker: what happened during a gap is not known event by event.
            if (state.ChangesSince(_seenVersion) is { } changes)
                foreach (var incident in changes) _ticker.Apply(incident);
            else _ticker.Reset(state.Items);
            _seenVersion = state.Version;
            var eventArrived = state.LastEventAt is not null && state.LastSeq != _seenSeq;
            _seenSeq = state.LastSeq;
            _current = new WallSnapshot(state.Items, _ticker.Items, eventArrived ? receivedAt : _current.LastEventAt);
            _changed = true;
        }
    }

    public bool TryTake(out WallSnapshot snapshot)
    {
        lock (_gate)
        {
            snapshot = _current;
            if (!_changed) return false;
            _changed = false;
            return true;
        }
    }
}
