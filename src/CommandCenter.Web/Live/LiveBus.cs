using System.Collections.Immutable;

namespace CommandCenter.Web.Live;

// In-process fan-out of committed events to this instance's subscribers (Blazor circuits,
// the hub relay). Fed only by the outbox listener, so every instance sees the same sequence.
public sealed class LiveBus(ILogger<LiveBus> logger)
{
    private ImmutableList<Subscription> _subscriptions = [];
    private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IDisposable Subscribe(string? stream, Action<LiveEvent> handler)
    {
        // Handlers run in the subscriber's execution context, not the publisher's: a circuit
        // subscribed in zh-CN must render live updates in zh-CN (culture is an async-local).
        var context = ExecutionContext.Capture();
        Action<LiveEvent> run = context is null ? handler : e => ExecutionContext.Run(context, _ => handler(e), null);
        var subscription = new Subscription(this, stream, run);
        ImmutableInterlocked.Update(ref _subscriptions, list => list.Add(subscription));
        return subscription;
    }

    public long LastSeq(string stream)
    {
        lock (_gate) return _lastSeq.GetValueOrDefault(stream);
    }

    public void Publish(LiveEvent liveEvent)
    {
        lock (_gate) _lastSeq[liveEvent.Stream] = liveEvent.Seq;
        foreach (var s in _subscriptions)
        {
            if (s.Stream is not null && s.Stream != liveEvent.Stream) continue;
            try
            {
                s.Handler(liveEvent);
            }
            catch (Exception ex)
            {
                // One broken subscriber must not starve the others.
                logger.LogError(ex, "A live subscriber failed on {Stream}#{Seq}", liveEvent.Stream, liveEvent.Seq);
            }
        }
    }

    internal void SetStartingPoint(string stream, long seq)
    {
        lock (_gate) _lastSeq[stream] = seq;
    }

    private sealed class Subscription(LiveBus bus, string? stream, Action<LiveEvent> handler) : IDisposable
    {
        public string? Stream { get; } = stream;
        public Action<LiveEvent> Handler { get; } = handler;

        public void Dispose() => ImmutableInterlocked.Update(ref bus._subscriptions, list => list.Remove(this));
    }
}
