using CommandCenter.Domain.Incidents;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Incidents;

public sealed class Incident
{
    public long Id { get; set; }
    public IncidentType Type { get; set; }
    public IncidentPriority Priority { get; set; }
    public IncidentStatus Status { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public string? Address { get; set; }
    public required Point Location { get; set; }
    public string? GridCode { get; set; }
    public required string Source { get; set; }
    // The reporter's own id for the case (110 case number, idempotency key): a repeat is not a new incident.
    public string? ExternalId { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    // When the status last changed: the board's timer for the current stage.
    public DateTimeOffset StatusChangedAt { get; set; }
    // What was done (recorded on resolving) and how it was verified (核查, required to close).
    public string? Outcome { get; set; }
    public string? Verification { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    // The caller's callback number: shown only inside the incident, masked in every list.
    public string? CallbackNumber { get; set; }
    // 领导包案: the leader who personally owns the case.
    public string? LeadUserId { get; set; }
    public string? LeadName { get; set; }
    // Reported injured and dead, as the caller or the scene gives them: emergency plans' casualty
    // rules read it. A count, never names.
    public int Casualties { get; set; }
    // 挂牌督办: the case is under named, tracked supervision.
    public bool UnderSupervision { get; set; }
}
