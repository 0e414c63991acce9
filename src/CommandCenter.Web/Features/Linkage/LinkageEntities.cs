using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Linkage;

// A linkage unit (联动单位): an agency that takes 110 requests of some categories in an area.
// Its operators are the LinkageOperator accounts whose unit code is its Code.
public sealed class LinkageUnit
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string[] Categories { get; set; } = [];
    public required MultiPolygon Area { get; set; }
    public string? SupervisorName { get; set; }
    // The supervisor's account, when they have one: overdue and 督办 notices reach them in person.
    public string? SupervisorUserName { get; set; }
    // The subdistrict, community or grid codes the area was made from (empty: drawn or the district).
    public string[] AreaCodes { get; set; } = [];
    // The unit's own time limits, before the center's (AlertLadder.LimitsFor).
    public List<StepLimitRule> Limits { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
}

// A request forwarded by the 110 center, and where it stands on its time-limit ladder.
public sealed class LinkageAlert
{
    public long Id { get; set; }
    // The sender's own id for it (CAP: sender/identifier): a repeat is the same alert.
    public required string ExternalId { get; set; }
    public required string Source { get; set; }
    public required string Format { get; set; }
    public DateTimeOffset SentAt { get; set; }
    // CAP alerts: "sender,identifier,sent" as 110 sent it, for the references of our feedback.
    public string? CapReference { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Category { get; set; }
    public IncidentPriority Priority { get; set; }
    public required Point Location { get; set; }
    public string? Address { get; set; }
    public string? Description { get; set; }
    // Shown whole only to the operators of the unit it is routed to.
    public string? ReporterContact { get; set; }
    public AlertState State { get; set; }
    public bool OutOfArea { get; set; }
    public long? UnitId { get; set; }
    // The clock starts at the first routing and is kept through hand-backs and re-routing.
    public DateTimeOffset? RoutedAt { get; set; }
    public DateTimeOffset? AcknowledgeDueAt { get; set; }
    public DateTimeOffset? ArriveDueAt { get; set; }
    public DateTimeOffset? FeedbackDueAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public DateTimeOffset? ArrivedAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public string? Feedback { get; set; }
    public int Misses { get; set; }
    public bool Overdue { get; set; }
    public bool Supervised { get; set; }
    public long? IncidentId { get; set; }
    public DateTimeOffset StateChangedAt { get; set; }
}

// One line of an alert's history, append-only like an incident's timeline.
public sealed class LinkageAlertEntry
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public required string ActorName { get; set; }
    public required string Text { get; set; }
}

// A deadline to check, persisted so that it fires after a restart, and claimed with
// FOR UPDATE SKIP LOCKED so that it fires once however many instances run (ADR 9).
public sealed class LinkageDeadline
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public AlertStep Step { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? FiredAt { get; set; }
    public bool? Missed { get; set; }
}
