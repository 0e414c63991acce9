using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Incidents;

// Gives a component a live IncidentBoard: subscribe first, then read the snapshot, so that
// nothing committed in between is lost; events at or below the snapshot are dropped by seq.
public sealed class IncidentFeed(IncidentService incidents, LiveBus bus)
{
    public async Task<BoardSubscription> OpenBoardAsync(Action<BoardState> changed, CancellationToken ct = default)
    {
        var subscription = new BoardSubscription(incidents, changed);
        subscription.Attach(bus.Subscribe(LiveStreams.Incidents, subscription.OnEvent));
        await subscription.ReloadAsync(ct);
        return subscription;
    }

    // An immutable picture of the board, safe to hand to a render on another thread.
    public sealed record BoardState(IReadOnlyList<IncidentView> Items, long LastSeq, DateTimeOffset? LastEventAt);

    public sealed class BoardSubscription(IncidentService incidents, Action<BoardState> changed) : IDisposable
    {
        private readonly IncidentBoard _board = new();
        private readonly List<LiveEvent> _early = [];
        private readonly Lock _gate = new();
        private IDisposable? _bus;
        private bool _loaded;

        internal void Attach(IDisposable bus) => _bus = bus;

        internal void OnEvent(LiveEvent e)
        {
            BoardState state;
            lock (_gate)
            {
                if (!_loaded)
                {
                    _early.Add(e);
                    return;
                }
                var applied = _board.Apply(e);
                if (_board.NeedsReload)
                {
                    _loaded = false;
                    _ = ReloadAsync(CancellationToken.None);
                    return;
                }
                if (!applied) return;
                state = StateOf(_board);
            }
            changed(state);
        }

        public async Task ReloadAsync(CancellationToken ct)
        {
            var snapshot = await incidents.OpenSnapshotAsync(ct: ct);
            BoardState state;
            lock (_gate)
            {
                _board.Load(snapshot);
                foreach (var e in _early) _board.Apply(e);
                _early.Clear();
                _loaded = true;
                state = StateOf(_board);
            }
            changed(state);
        }

        private static BoardState StateOf(IncidentBoard board) => new(board.Items, board.LastSeq, board.LastEventAt);

        public void Dispose() => _bus?.Dispose();
    }
}
