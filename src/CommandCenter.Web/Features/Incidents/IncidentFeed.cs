using System.Collections.Immutable;
using CommandCenter.Web.Live;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Incidents;

// One live board of open incidents per instance, shared by every screen: the stream is applied
// once and every subscriber gets the same immutable state. Each circuit keeping its own board
// cost every board, wall and leader's screen a copy of the open incidents, a sort per event and a
// database read on every reload; with hundreds of screens that was most of an instance's work.
// Subscribe first, then read the snapshot, so that nothing committed in between is lost; events
// at or below the snapshot are dropped by seq, and a gap reloads the shared board once.
public sealed class IncidentFeed(
    IncidentService incidents,
    LiveBus bus,
    IOptions<IncidentFeedOptions> options,
    TimeProvider clock,
    ILogger<IncidentFeed> logger) : IDisposable
{
    // Events kept while a load runs; beyond this the load's snapshot is behind anyway and the
    // next event's gap asks for another load.
    private const int MaxEarlyEvents = 10_000;
    // The changes a state remembers, so that a screen that skipped states still learns each one.
    public const int RecentChanges = 64;
    private readonly TimeSpan _tellEvery = options.Value.TellEvery;
    private readonly IncidentBoard _board = new();
    private readonly List<LiveEvent> _early = [];
    private readonly Lock _gate = new();
    private ImmutableArray<BoardSubscription> _subscribers = [];
    private IDisposable? _bus;
    private Task? _loading;
    private bool _loaded;
    private BoardState? _state;
    private long _version;
    private long _recentFrom;
    private ImmutableArray<BoardChange> _recent = [];
    private ITimer? _tellTimer;
    private long _toldAt;
    private bool _tellPending;
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
            if (!TellNow()) return;
            subscribers = _subscribers;
        }
        foreach (var s in subscribers) s.Deliver(state);
    }

    // Under the gate. True: tell the screens now (the last telling was long enough ago); false: a
    // timer tells them the latest state when it is due.
    private bool TellNow()
    {
        if (_tellPending) return false;
        var now = clock.GetTimestamp();
        var wait = _toldAt == 0 ? TimeSpan.Zero : _tellEvery - clock.GetElapsedTime(_toldAt, now);
        if (wait <= TimeSpan.Zero)
        {
            _toldAt = now;
            return true;
        }
        _tellPending = true;
        _tellTimer ??= clock.CreateTimer(static f => ((IncidentFeed)f!).TellDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _tellTimer.Change(wait, Timeout.InfiniteTimeSpan);
        return false;
    }

    private void TellDue()
    {
        BoardState? state;
        ImmutableArray<BoardSubscription> subscribers;
        lock (_gate)
        {
            _tellPending = false;
            _toldAt = clock.GetTimestamp();
            state = _state;
            subscribers = _subscribers;
        }
        if (state is null) return;
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
            state = Publish(changed: null, load: true);
            _toldAt = clock.GetTimestamp();
            subscribers = _subscribers;
        }
        foreach (var s in subscribers) s.Deliver(state);
    }

    // Under the gate: each state is numbered, so a subscriber never goes back to an older one. A
    // load (no change) starts the record of changes afresh: what happened before it is not known
    // event by event.
    private BoardState Publish(IncidentView? changed, bool load = false)
    {
        var version = ++_version;
        if (load)
        {
            _recent = [];
            _recentFrom = version;
        }
        else if (changed is not null)
        {
            if (_recent.Length == RecentChanges)
            {
                _recentFrom = _recent[0].Version;
                _recent = _recent.RemoveAt(0);
            }
            _recent = _recent.Add(new BoardChange(version, changed));
        }
        return _state = new BoardState(_board.Items, _board.LastSeq, _board.LastEventAt) { Version = version, RecentFrom = _recentFrom, Recent = _recent };
    }

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
        _tellTimer?.Dispose();
    }

    public readonly record struct BoardChange(long Version, IncidentView Incident);

    // An immutable picture of the board, safe to hand to a render on another thread. Recent holds
    // the changes of the versions after RecentFrom (the last load, or as far back as kept), oldest first.
    public sealed record BoardState(IReadOnlyList<IncidentView> Items, long LastSeq, DateTimeOffset? LastEventAt)
    {
        public long Version { get; init; }

        public long RecentFrom { get; init; }

        public ImmutableArray<BoardChange> Recent { get; init; } = [];

        // The incidents changed after the given version, oldest first; null when this state does
        // not know them all (the board was reloaded since, or the screen is too far behind):
        // the screen then takes Items as they are.
        public IEnumerable<IncidentView>? ChangesSince(long version)
        {
            if (version < RecentFrom || version > Version) return null;
            return Recent.Where(c => c.Version > version).Select(c => c.Incident);
        }
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
