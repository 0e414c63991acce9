using CommandCenter.Domain.Dispatch;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Dispatch;

// One unit sent to one incident. An assignment that is not cleared is active; the database holds
// at most one active assignment per unit (a partial unique index), so a unit is never in two places.
public sealed class AssignmentRecord
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public long UnitId { get; set; }
    public AssignmentStatus Status { get; set; }
    public DateTimeOffset DispatchedAt { get; set; }
    public DateTimeOffset? EnRouteAt { get; set; }
    public DateTimeOffset? OnSceneAt { get; set; }
    public DateTimeOffset? ClearedAt { get; set; }
    public required string DispatchedBy { get; set; }

    public Assignment ToDomain() => new(IncidentId, UnitId, Status, DispatchedAt, EnRouteAt, OnSceneAt, ClearedAt);

    public void CopyFrom(Assignment a)
    {
        Status = a.Status;
        EnRouteAt = a.EnRouteAt;
        OnSceneAt = a.OnSceneAt;
        ClearedAt = a.ClearedAt;
    }
}

// A further call about an incident already open (报警合并): kept with the incident, not a new case.
public sealed class LinkedReport
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
    public string? Description { get; set; }
    public string? CallbackNumber { get; set; }
    public required string TakenBy { get; set; }
}

// A named place the call-taker can search without an online geocoder: landmarks and addresses.
// Subdistricts, communities and grids are searched from their own tables.
public sealed class Place
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Kind { get; set; }
    public required Point Location { get; set; }
}
