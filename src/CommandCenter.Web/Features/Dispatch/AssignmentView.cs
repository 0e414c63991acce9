using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Data;

namespace CommandCenter.Web.Features.Dispatch;

// A unit sent to an incident, as the board, the room and the responder's phone show it.
public sealed record AssignmentView(
    long Id,
    long IncidentId,
    long UnitId,
    string Callsign,
    string UnitKind,
    string Status,
    DateTimeOffset DispatchedAt,
    DateTimeOffset? EnRouteAt,
    DateTimeOffset? OnSceneAt,
    DateTimeOffset? ClearedAt,
    string DispatchedBy)
{
    public bool IsActive => ClearedAt is null;

    // When the unit entered the stage it is in: the start of its timer.
    public DateTimeOffset StageSince => ClearedAt ?? OnSceneAt ?? EnRouteAt ?? DispatchedAt;

    public AssignmentStatus StatusValue => AssignmentCodes.Parse(Status);

    // The steps the unit may take from where it is (the domain's state machine decides).
    public IEnumerable<AssignmentStep> NextSteps =>
        Enum.GetValues<AssignmentStep>().Where(new Assignment(IncidentId, UnitId, StatusValue, DispatchedAt).CanTake);

    internal static IQueryable<AssignmentView> Query(CommandCenterDb db, IQueryable<AssignmentRecord> assignments) =>
        from a in assignments
        join u in db.PatrolUnits on a.UnitId equals u.Id
        select new AssignmentView(a.Id, a.IncidentId, a.UnitId, u.Callsign, PatrolCodes.ToCode(u.Kind), AssignmentCodes.ToCode(a.Status),
            a.DispatchedAt, a.EnRouteAt, a.OnSceneAt, a.ClearedAt, a.DispatchedBy);
}
