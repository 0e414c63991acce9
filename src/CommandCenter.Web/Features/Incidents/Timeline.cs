namespace CommandCenter.Web.Features.Incidents;

// One line of an incident's timeline: what happened, who did it, when. Append-only: the database
// refuses UPDATE and DELETE on it, and the app's role may only read and insert.
public sealed class TimelineEntry
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public required string ActorName { get; set; }
    public required string Text { get; set; }
    public string? Addressee { get; set; }
}

public static class TimelineKinds
{
    public const string Reported = "reported";
    public const string Status = "status";
    public const string Instruction = "instruction";
    public const string Lead = "lead";
    public const string Supervision = "supervision";
    public const string TaskDone = "task_done";
    // Dispatch: Text is the unit's callsign for the unit_* kinds.
    public const string UnitDispatched = "unit_dispatched";
    public const string UnitEnRoute = "unit_en_route";
    public const string UnitOnScene = "unit_on_scene";
    public const string UnitCleared = "unit_cleared";
    public const string LinkedReport = "linked_report";
    public const string Outcome = "outcome";
    public const string Verification = "verification";
    public const string Note = "note";
    public const string FromLinkageAlert = "from_linkage_alert";
    public const string Plan = "plan";
    public const string Casualties = "casualties";
}
