using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Incidents;

// Gives a component a live IncidentBoard: subscribe first, then read the snapshot, so that
// nothing committed in between is lost; events at or below the snapshot are dropped by seq.
public sealed class IncidentFeed(IncidentService incidents, LiveBus bus, ILogger<IncidentFeed> logger)
{
    public async Task<BoardSubscription> OpenBoardAsync(Action<BoardState> changed, CancellationToken ct = default)
    {
        var subscription = new BoardSubscription(incidents, changed, logger);
        subscription.Attach(bus.Subscribe(LiveStreams.Incidents, subscription.OnEvent));
        try
        {
            await subscription.ReloadAsync(ct);
        }
        catch
        {
            // Not handed out, so nobody else would unsubscribe it from the bus.
            subscription.Dispose();
            throw;
        }
        return subscription;
    }

    // An immutable picture of the board, safe to hand to a render on another thread. Changed is
    // the incident the event behind this state was about; null when the board was (re)loaded.
    public sealed record BoardState(IReadOnlyList<IncidentView> Items, long LastSeq, DateTimeOffset? LastEventAt, IncidentView? Changed = null);

    public sealed class BoardSubscription(IncidentService incidents, Action<BoardState> changed, ILogger logger) : IDisposable
    {
        // Events kept while a reload runs; beyond this the reload's snapshot is behind anyway and
        // the next event's gap asks for another reload.
        private const int MaxEarlyEvents = 10_000;
        private readonly IncidentBoard _board = new();
        private readonly List<LiveEvent> _early = [];
        private readonly Lock _gate = new();
        private IDisposable? _bus;
        private bool _loaded;
        private volatile bool _disposed;

        internal void Attach(IDisposable bus) => _bus = bus;

        internal void OnEvent(LiveEvent e)
        {
            BoardState state;
            lock (_gate)
            {
                if (!_loaded)
                {
                    if (_early.Count >= MaxEarlyEvents) _early.Clear();
                    _early.Add(e);
                    return;
                }
                var applied = _board.Apply(e);
                if (_board.NeedsReload)
                {
                    _loaded = false;
                    _ = ReloadUntilDoneAsync();
                    return;
                }
                if (!applied) return;
                state = StateOf(_board) with { Changed = _board.LastChanged };
            }
            changed(state);
        }

        // A screen left alone (the wall) must not stay frozen because one reload hit a database blip.
        private async Task ReloadUntilDoneAsync()
        {
            for (var delay = TimeSpan.FromSeconds(1); !_disposed; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond * 30)))
            {
                try
                {
                    await ReloadAsync(CancellationToken.None);
                    return;
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Reloading the incident board failed; retrying in {Delay}", delay);
                }
                await Task.Delay(delay);
            }
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

        public void Dispose()
        {
            _disposed = true;
            _bus?.Dispose();
        }
    }
}
