using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Domain.Dispatch;

// How assignments and the case's closed loop move each other. Each rule answers with the reason
// a dispatcher sees when it refuses.
// Why a dispatch command was refused: a code the screens translate, and the English sentence the
// API's problem details carry.
public sealed record Refusal(string Code, string Message)
{
    public override string ToString() => Message;
}

public static class DispatchRules
{
    // A unit goes to one incident at a time, and only to an open one.
    public static Refusal? WhyNotAssign(IncidentStatus incident, DutyStatus unitDuty, bool unitSilent)
    {
        if (!IncidentLifecycle.IsOpen(incident)) return new("incident_not_open", $"The incident is {IncidentLifecycle.ToCode(incident)}: reopen it before sending units.");
        if (unitDuty != DutyStatus.Available) return new("unit_busy", $"The unit is {PatrolCodes.ToCode(unitDuty)} elsewhere: clear it there first.");
        if (unitSilent) return new("unit_silent", "The unit has gone silent: its position is not known.");
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
    public static Refusal? WhyNotResolve(IncidentStatus incident, string? outcome) =>
        !IncidentLifecycle.CanMove(incident, IncidentStatus.Resolved) ? new("cannot_resolve", $"An incident that is {IncidentLifecycle.ToCode(incident)} cannot be resolved.")
        : string.IsNullOrWhiteSpace(outcome) ? new("outcome_missing", "Say what was done (the outcome).")
        : null;

    public static Refusal? WhyNotClose(IncidentStatus incident, string? verification, IEnumerable<Assignment> assignments) =>
        incident != IncidentStatus.Resolved ? new("cannot_close", "Only a resolved incident can be closed.")
        : string.IsNullOrWhiteSpace(verification) ? new("verification_missing", "Closing needs a verification note (核查结案).")
        : assignments.Any(a => a.Status == AssignmentStatus.OnScene) ? new("unit_on_scene", "A unit is still on scene: clear it first.")
        : null;
}
