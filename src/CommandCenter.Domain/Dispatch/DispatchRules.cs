using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Domain.Dispatch;

// How assignments and the case's closed loop move each other. Each rule answers with the reason
// a dispatcher sees when it refuses.
public static class DispatchRules
{
    // A unit goes to one incident at a time, and only to an open one.
    public static string? WhyNotAssign(IncidentStatus incident, DutyStatus unitDuty, bool unitSilent)
    {
        if (!IncidentLifecycle.IsOpen(incident)) return $"The incident is {IncidentLifecycle.ToCode(incident)}: reopen it before sending units.";
        if (unitDuty != DutyStatus.Available) return $"The unit is {PatrolCodes.ToCode(unitDuty)} elsewhere: clear it there first.";
        if (unitSilent) return "The unit has gone silent: its position is not known.";
        return null;
    }

    // The first unit sent makes a reported case dispatched; the first on scene makes it handled.
    public static IncidentStatus IncidentAfter(IncidentStatus incident, AssignmentStatus assignment) => (incident, assignment) switch
    {
        (IncidentStatus.Reported, AssignmentStatus.Dispatched or AssignmentStatus.EnRoute) => IncidentStatus.Dispatched,
        (IncidentStatus.Reported or IncidentStatus.Dispatched, AssignmentStatus.OnScene) => IncidentStatus.Handling,
        _ => incident,
    };

    // The duty a unit shows on the map while it carries an assignment.
    public static DutyStatus DutyFor(AssignmentStatus assignment) => assignment switch
    {
        AssignmentStatus.Dispatched => DutyStatus.Assigned,
        AssignmentStatus.EnRoute => DutyStatus.EnRoute,
        AssignmentStatus.OnScene => DutyStatus.OnScene,
        _ => DutyStatus.Available,
    };

    // Resolving records what was done; closing (核查结案) needs a verification note and no unit
    // still on scene.
    public static string? WhyNotResolve(IncidentStatus incident, string? outcome) =>
        !IncidentLifecycle.CanMove(incident, IncidentStatus.Resolved) ? $"An incident that is {IncidentLifecycle.ToCode(incident)} cannot be resolved."
        : string.IsNullOrWhiteSpace(outcome) ? "Say what was done (the outcome)."
        : null;

    public static string? WhyNotClose(IncidentStatus incident, string? verification, IEnumerable<Assignment> assignments) =>
        incident != IncidentStatus.Resolved ? "Only a resolved incident can be closed."
        : string.IsNullOrWhiteSpace(verification) ? "Closing needs a verification note (核查结案)."
        : assignments.Any(a => a.Status == AssignmentStatus.OnScene) ? "A unit is still on scene: clear it first."
        : null;
}
