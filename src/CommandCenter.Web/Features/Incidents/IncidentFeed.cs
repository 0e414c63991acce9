using System.Collections.Immutable;
using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Incidents;

// One live board of open incidents per instance, shared by every screen: the stream is applied
// once and every subscriber gets the same immutable state. Each circuit keeping its own board
// cost every board, wall and leader's screen a copy of the open incidents, a sort per event and a
// database read on every reload; with hundreds of screens that was most of an instance's work.
// Subscribe first, then read the snapshot, so that nothing committed in between is lost; events
// at or below the snapshot are dropped by seq, and a gap reloads the shared board once.
public sealed class IncidentFeed(IncidentService incidents, LiveBus bus, ILogger<IncidentFeed> logger) : IDisposable
{
    // Events kept while a load runs; beyond this the load's snapshot is behind anyway and the
    // next event's gap asks for another load.
    private const int MaxEarlyEvents = 10_000;
    private readonly IncidentBoard _board = new();
    private readonly List<LiveEvent> _early = [];
    private readonly Lock _gate = new();
    private ImmutableArray<BoardSubscription> _subscribers = [];
    private IDisposable? _bus;
    private Task? _loading;
    private bool _loaded;
    private BoardState? _state;
    private long _version;
    private long _generation;
    private volatile bool _disposed;

    public async Task<BoardSubscription> OpenBoardAsync(Action<BoardState> changed, CancellationToken ct = default)
    {
        var subscription = new BoardSubscription(this, changed, logger);
        Task loading;
        lock (_gate)
        {
            if (_bus is null)
            {
                // The first screen after none: listen again and read a fresh snapshot (what was
                // kept may be stale, e.g. a database restored or reset meanwhile).
                _bus = bus.Subscribe(LiveStreams.Incidents, OnEvent);
                _generation++;
                _loaded = false;
                _loading = null;
                _early.Clear();
            }
            _subscribers = _subscribers.Add(subscription);
            loading = _loaded ? Task.CompletedTask : _loading ??= LoadOnceAsync(_generation);
        }
        try
        {
            await loading.WaitAsync(ct);
        }
        catch
        {
            // Not handed out, so nobody else would unsubscribe it.
            subscription.Dispose();
            throw;
        }
        BoardState current;
        lock (_gate) current = _state!;
        subscription.DeliverNow(current);
        return subscription;
    }

    // How far the shared board has read the incidents stream: what other shared lists key on.
    public long LastSeq
    {
        get
        {
            lock (_gate) return _board.LastSeq;
        }
    }

    private void OnEvent(LiveEvent e)
    {
        BoardState state;
        ImmutableArray<BoardSubscription> subscribers;
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
                _loading ??= ReloadUntilDoneAsync(_generation);
                return;
            }
            if (!applied) return;
            state = Publish(_board.LastChanged);
            subscribers = _subscribers;
        }
        foreach (var s in subscribers) s.Deliver(state);
    }

    // The first screen's open waits for this and sees its failure (the page says so).
    private async Task LoadOnceAsync(long generation)
    {
        try
        {
            await LoadAsync(generation);
        }
        finally
        {
            lock (_gate)
                if (generation == _generation) _loading = null;
        }
    }

    // After a gap nobody waits: a screen left alone (the wall) must not stay frozen because one
    // reload hit a database blip.
    private async Task ReloadUntilDoneAsync(long generation)
    {
        for (var delay = TimeSpan.FromSeconds(1); !_disposed; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond * 30)))
        {
            try
            {
                await LoadAsync(generation);
                lock (_gate)
                    if (generation == _generation) _loading = null;
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Reloading the incident board failed; retrying in {Delay}", delay);
            }
            await Task.Delay(delay);
        }
    }

    // A load begun before the last screen left and another came is of an older generation: its
    // snapshot may predate the new subscription to the stream, so it is dropped.
    private async Task LoadAsync(long generation)
    {
        var snapshot = await incidents.OpenSnapshotAsync(ct: CancellationToken.None);
        BoardState state;
        ImmutableArray<BoardSubscription> subscribers;
        lock (_gate)
        {
            if (generation != _generation) return;
            _board.Load(snapshot);
            foreach (var e in _early) _board.Apply(e);
            _early.Clear();
            _loaded = true;
            state = Publish(changed: null);
            subscribers = _subscribers;
        }
        foreach (var s in subscribers) s.Deliver(state);
    }

    // Under the gate: each state is numbered, so a subscriber never goes back to an older one.
    private BoardState Publish(IncidentView? changed) =>
        _state = new BoardState(_board.Items, _board.LastSeq, _board.LastEventAt, changed) { Version = ++_version };

    // With no screen left the board stops listening; the next screen loads it afresh.
    private void Remove(BoardSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Remove(subscription);
            if (!_subscribers.IsEmpty) return;
            _bus?.Dispose();
            _bus = null;
            _loaded = false;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _bus?.Dispose();
    }

    // An immutable picture of the board, safe to hand to a render on another thread. Changed is
    // the incident the event behind this state was about; null when the board was (re)loaded.
    public sealed record BoardState(IReadOnlyList<IncidentView> Items, long LastSeq, DateTimeOffset? LastEventAt, IncidentView? Changed = null)
    {
        internal long Version { get; init; }
    }

    // A screen's handler runs off the stream's thread and sees only the latest state: Blazor runs
    // a circuit's work inline when the circuit is idle, so calling hundreds of screens from the
    // outbox listener's thread rendered every board there, one after another, and held back every
    // later event, the hub's included. A screen busy rendering skips the states it was too slow for.
    public sealed class BoardSubscription(IncidentFeed feed, Action<BoardState> changed, ILogger logger) : IDisposable
    {
        private readonly Lock _gate = new();
        // The opener's context (a circuit's culture, zh-CN or en-US): the handler may render there
        // and then, and a pool thread carries none of it.
        private readonly ExecutionContext? _context = ExecutionContext.Capture();
        private BoardState? _latest;
        private long _delivered;
        private bool _scheduled;
        private volatile bool _disposed;

        internal void Deliver(BoardState state)
        {
            lock (_gate)
            {
                if (_disposed || state.Version <= (_latest?.Version ?? 0)) return;
                _latest = state;
                if (_scheduled) return;
                _scheduled = true;
            }
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.FlushInContext(), this, preferLocal: false);
        }

        private void FlushInContext()
        {
            if (_context is null) Flush();
            else ExecutionContext.Run(_context, static s => ((BoardSubscription)s!).Flush(), this);
        }

        // The opener's first state, on the opener's own thread, before OpenBoardAsync returns.
        internal void DeliverNow(BoardState state)
        {
            lock (_gate)
            {
                if (_disposed || state.Version <= _delivered) return;
                if (_latest is null || state.Version > _latest.Version) _latest = state;
                _delivered = state.Version;
                Invoke(state);
            }
        }

        // One flush at a time per screen, so states reach it in order and never backwards.
        private void Flush()
        {
            while (true)
            {
                BoardState state;
                lock (_gate)
                {
                    if (_disposed || _latest is null || _latest.Version <= _delivered)
                    {
                        _scheduled = false;
                        return;
                    }
                    state = _latest;
                    _delivered = state.Version;
                }
                Invoke(state);
            }
        }

        private void Invoke(BoardState state)
        {
            try
            {
                changed(state);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "A screen's incident board handler failed");
            }
        }

        public void Dispose()
        {
            _disposed = true;
            feed.Remove(this);
        }
    }
}
