namespace CommandCenter.Web.Features.Incidents;

// An incident as the API, the live stream and the UI show it: with its place in the grid chain.
public sealed record IncidentView(
    long Id,
    string Type,
    string Priority,
    int PriorityLevel,
    string Status,
    bool IsOpen,
    string Title,
    string? Description,
    string? Address,
    double Latitude,
    double Longitude,
    string? GridCode,
    string? GridName,
    string? CommunityName,
    string? SubdistrictName,
    string Source,
    string? ExternalId,
    DateTimeOffset ReportedAt,
    DateTimeOffset? ResolvedAt,
    string? LeadName = null,
    bool UnderSupervision = false,
    DateTimeOffset? StatusChangedAt = null,
    string? Outcome = null,
    int LinkedReports = 0,
    IReadOnlyList<Dispatch.AssignmentView>? Assignments = null,
    int Casualties = 0)
{
    // The units sent, in the order they were sent; cleared ones stay listed for the record.
    public IReadOnlyList<Dispatch.AssignmentView> Units => Assignments ?? [];

    public DateTimeOffset StageSince => StatusChangedAt ?? ReportedAt;
}

public sealed record IncidentSnapshot(long LastSeq, IReadOnlyList<IncidentView> Items);

public static class IncidentEvents
{
    public const string Created = "incident.created";
    public const string Updated = "incident.updated";
    // The room of one incident changed (timeline, tasks, who is present): payload { incidentId }.
    public const string RoomChanged = "incident.room";
}
