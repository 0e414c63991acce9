namespace CommandCenter.Web.Live;

// One event of a stream, as stored: the outbox every instance reads after a NOTIFY and
// every reconnecting client reads to catch up. Seq is gap-free and in commit order per stream.
public sealed class LiveEventRecord
{
    public required string Stream { get; set; }
    public long Seq { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class LiveStreamCounter
{
    public required string Stream { get; set; }
    public long LastSeq { get; set; }
}
