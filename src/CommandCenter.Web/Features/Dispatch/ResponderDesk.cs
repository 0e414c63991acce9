using System.Security.Claims;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Rooms;

namespace CommandCenter.Web.Features.Dispatch;

// What the responder's phone shows: their unit's assignment, its incident, and what the room
// said to responders (批示) and noted from the scene, oldest first.
public sealed record ResponderDuty(
    AssignmentView Assignment,
    IncidentView Incident,
    IReadOnlyList<TimelineEntry> Instructions,
    IReadOnlyList<TimelineEntry> Notes);

// The responder page's one seam: everything it reads and sends, so a test can stand in for the database.
public interface IResponderDesk
{
    Task<long?> UnitOfAsync(ClaimsPrincipal user, CancellationToken ct = default);

    Task<ResponderDuty?> CurrentAsync(long unitId, CancellationToken ct = default);

    Task<AssignmentView?> AdvanceAsync(long assignmentId, AssignmentStep move, Actor actor, long unitId, CancellationToken ct = default);

    Task AddNoteAsync(long incidentId, string text, Actor actor, long unitId, CancellationToken ct = default);
}

public sealed class ResponderDesk(DispatchService dispatch, IncidentService incidents) : IResponderDesk
{
    public Task<long?> UnitOfAsync(ClaimsPrincipal user, CancellationToken ct = default) => dispatch.UnitOfAsync(user, ct);

    public async Task<ResponderDuty?> CurrentAsync(long unitId, CancellationToken ct = default)
    {
        if (await dispatch.CurrentForUnitAsync(unitId, ct) is not { } assignment) return null;
        if (await incidents.GetAsync(assignment.IncidentId, ct) is not { } incident) return null;
        var timeline = await dispatch.TimelineAsync(assignment.IncidentId, ct);
        return new ResponderDuty(assignment, incident,
            [.. timeline.Where(ResponderRules.IsForResponders)],
            [.. timeline.Where(t => t.Kind == TimelineKinds.Note)]);
    }

    public Task<AssignmentView?> AdvanceAsync(long assignmentId, AssignmentStep move, Actor actor, long unitId, CancellationToken ct = default) =>
        dispatch.AdvanceAsync(assignmentId, move, actor, unitId, ct);

    public Task AddNoteAsync(long incidentId, string text, Actor actor, long unitId, CancellationToken ct = default) =>
        dispatch.AddNoteAsync(incidentId, text, actor, unitId, ct);
}
