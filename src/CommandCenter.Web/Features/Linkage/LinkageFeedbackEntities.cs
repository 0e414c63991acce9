namespace CommandCenter.Web.Features.Linkage;

// One report of a step back to the 110 system, queued in the same transaction as the step
// (an outbox): it exists if and only if the step committed, and waits here until the receiver
// takes it. The body is fixed when queued, so every retry sends the same bytes and signature.
public sealed class LinkageFeedbackDelivery
{
    // Also the X-CC-Delivery header and, in CAP form, our <identifier>: receivers dedupe by it.
    public Guid Id { get; set; }
    public long AlertId { get; set; }
    // The history entry it reports: one delivery per entry.
    public long EntryId { get; set; }
    public required string Step { get; set; }
    public required string Format { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    // Gave up after MaxAttempts; an admin may try it again.
    public DateTimeOffset? FailedAt { get; set; }
    public string? LastError { get; set; }
}

// Every HTTP try of a delivery, including the quick retries inside one claim. Append-only.
public sealed class LinkageFeedbackAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public DateTimeOffset At { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}
