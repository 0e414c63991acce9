using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Web.Features.Patrols;

public sealed record PatrolOptions
{
    public const string Section = "Patrol";

    // No fix for this long: the unit shows as silent and the duty officer gets one notice.
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(2);

    // How often each instance sweeps for units gone silent (the notice is sent once system-wide),
    // and how far back a silence is still noticed (one that began while every instance was down).
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SilenceSweepInterval { get; init; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SilenceLookback { get; init; } = TimeSpan.FromHours(1);

    // A newer fix closer than this to the shown position is GPS jitter, not movement.
    [Range(0, 1000)]
    public double MinMoveMeters { get; init; } = 10;

    // How often the map gets a batch of the units that changed (and the latest-position table is
    // read). A fix waits up to this long for its batch: 100 ms keeps the hub's p99 under 150 ms.
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan MapFlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    // History older than this is dropped a whole day-partition at a time.
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    // Day partitions created ahead of time, so a write never waits for DDL.
    [Range(1, 60)]
    public int PartitionsAhead { get; init; } = 3;

    [Range(1, 100_000)]
    public int MaxBatchFixes { get; init; } = 5_000;

    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxBatchBytes { get; init; } = 2 * 1024 * 1024;

    // A fix stamped further ahead than this is refused (a phone with a wrong clock).
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(2);

    // How long a device lookup (or a miss) is cached; a removed device may report this long.
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DeviceCacheTtl { get; init; } = TimeSpan.FromSeconds(10);

    // Device ids looked up and not found are remembered (for DeviceCacheTtl) up to this many
    // and this many bytes, so a flood of made-up ids cannot grow memory; the oldest go first.
    [Range(0, 1_000_000)]
    public int MaxUnknownDevices { get; init; } = 10_000;

    [Range(0, 256 * 1024 * 1024)]
    public int MaxUnknownDeviceBytes { get; init; } = 1024 * 1024;

    // At most one "unknown device" log line per interval, with the count of those left out.
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan UnknownDeviceLogInterval { get; init; } = TimeSpan.FromSeconds(10);

    // Devices registered without a token (before tokens were required) may report. For labs
    // only: Production refuses to start with it.
    public bool AllowDevicesWithoutToken { get; init; }

    // A writer stops adding queued requests to its group once it holds this many fixes. Sharing a
    // transaction pays off for single fixes; a gateway's batch already fills a COPY, and taking
    // every queued batch into one group left the other writer, and the parsing of the next
    // batches, idle meanwhile: 0.66x of raw COPY against 0.71x with 500 (bench/, 4 runs each).
    [Range(1, 1_000_000)]
    public int MaxWriteBatch { get; init; } = 500;

    // Requests (a single fix or a batch each) waiting for the writer; beyond it, 503 + Retry-After.
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; init; } = 10_000;

    // Trail and replay queries running at once per instance (more wait up to 2 s, then 503), and
    // the time one may take.
    [Range(1, 64)]
    public int HistoryConcurrency { get; init; } = 4;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HistoryQueryTimeout { get; init; } = TimeSpan.FromSeconds(20);

    // Retention and partition DDL wait at most this long for their table lock, then try again
    // later, instead of making ingest queue behind them.
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan DdlLockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    // Partitions are created ahead and old ones dropped this often; after a failed run, again
    // 30 s (or this, if shorter).
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan PartitionMaintenanceEvery { get; init; } = TimeSpan.FromHours(1);

    // On a normal shutdown the queue is written out for at most this long (new fixes get 503).
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DrainGrace { get; init; } = TimeSpan.FromSeconds(10);

    // Groups of at least this many fixes go through binary COPY; smaller ones (single OsmAnd
    // fixes) through one prepared statement, which saves COPY's extra round trips.
    [Range(1, 1_000_000)]
    public int CopyFrom { get; init; } = 64;

    // A writer holding fewer than CopyFrom fixes, all already answered (OsmAnd queued acks),
    // waits this long for more: single fixes from many phones then share a transaction instead
    // of paying for one each. Requests that wait for their commit are never held. Zero: never.
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan WriteGather { get; init; } = TimeSpan.FromMilliseconds(5);

    // A unit's latest-position row is upserted at most this often by one instance; a newer fix
    // that comes sooner waits (the newest one per unit) until then. Zero upserts every fix at once.
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan LatestMinInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    // When an OsmAnd fix is answered: Committed (after its transaction commits) or Queued (once
    // validated and queued for the writer, while the writer is healthy). ADR 0007.
    public FixAck OsmAndAck { get; init; } = FixAck.Queued;

    // Writer loops, each with its own connection: PostgreSQL works on one group while another
    // commits. Upserts go in unit order, so two loops never deadlock on unit rows.
    [Range(1, 16)]
    public int Writers { get; init; } = 2;
}

public enum FixAck
{
    Committed,
    Queued,
}
