using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Web.Live;

// Each instance LISTENs on the outbox channel and publishes every committed event, in seq
// order, to its own LiveBus. A NOTIFY only says "stream X moved"; the events are read from
// the table, so a lost or coalesced notification (reconnect, restart) costs latency, never data.
public sealed class OutboxListener(
    NpgsqlDataSource dataSource,
    LiveEventStore store,
    LiveBus bus,
    IOptions<LiveOptions> options,
    ILogger<OutboxListener> logger) : BackgroundService
{
    private readonly Dictionary<string, long> _published = new(StringComparer.Ordinal);
    // Set once the first connection took its starting point: every later connection resumes from
    // what was published, even when nothing was (no stream existed at start).
    private bool _started;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completes once this instance listens, so events committed after it are never missed.
    public Task Ready => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Infrastructure.BackgroundFailures.Count("outbox-listener");
                logger.LogWarning(ex, "Live outbox listener lost its connection; reconnecting in {Delay}", backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var pending = new HashSet<string>(StringComparer.Ordinal);
        conn.Notification += (_, e) => { lock (pending) pending.Add(e.Payload); };
        await using (var listen = new NpgsqlCommand($"LISTEN {LiveHubContract.NotifyChannel}", conn))
            await listen.ExecuteNonQueryAsync(ct);

        if (!_started)
        {
            // A fresh instance starts at the present: history is for clients that ask for it.
            foreach (var (stream, seq) in await store.LastSeqsAsync(ct))
            {
                _published[stream] = seq;
                bus.SetStartingPoint(stream, seq);
            }
            logger.LogInformation("Live outbox listener started at {Positions}", string.Join(", ", _published.Select(p => $"{p.Key}#{p.Value}")));
            _started = true;
        }
        else
        {
            // Catch up what the outage hid, on every stream, those born meanwhile included.
            var seqs = await store.LastSeqsAsync(ct);
            await PublishNewAsync([.. seqs.Where(s => s.Value > _published.GetValueOrDefault(s.Key)).Select(s => s.Key)], ct);
        }
        _ready.TrySetResult();

        var lastPoll = DateTimeOffset.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            var notified = await conn.WaitAsync(options.Value.PollInterval, ct);
            List<string> streams;
            lock (pending)
            {
                streams = [.. pending];
                pending.Clear();
            }
            if (!notified || DateTimeOffset.UtcNow - lastPoll >= options.Value.PollInterval)
            {
                lastPoll = DateTimeOffset.UtcNow;
                var seqs = await store.LastSeqsAsync(ct);
                streams.AddRange(seqs.Where(s => s.Value > _published.GetValueOrDefault(s.Key)).Select(s => s.Key));
            }
            await PublishNewAsync(streams.Distinct().ToList(), ct);
        }
    }

    private async Task PublishNewAsync(IReadOnlyList<string> streams, CancellationToken ct)
    {
        foreach (var stream in streams)
        {
            while (true)
            {
                var after = _published.GetValueOrDefault(stream);
                var events = await store.ReadAfterAsync(stream, after, 500, ct);
                foreach (var e in events)
                {
                    bus.Publish(e);
                    _published[stream] = e.Seq;
                }
                if (events.Count < 500) break;
            }
        }
    }
}

// Trims the outbox so it keeps only what a reconnecting client could still need.
public sealed class OutboxTrimmer(LiveEventStore store, IOptions<LiveOptions> options, TimeProvider clock, ILogger<OutboxTrimmer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TrimEvery, clock);
        do
        {
            try
            {
                var removed = await store.TrimAsync(clock.GetUtcNow() - options.Value.Retention, stoppingToken);
                if (removed > 0) logger.LogInformation("Trimmed {Count} live events older than {Retention}", removed, options.Value.Retention);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("outbox-trimmer");
                logger.LogWarning(ex, "Trimming the live outbox failed; will retry");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
