namespace CommandCenter.Web.Features.Rooms;

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

// Work that follows from an instruction (批示): addressed to a role or a named person.
public sealed class IncidentTask
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public long? InstructionId { get; set; }
    public required string Title { get; set; }
    public required string Addressee { get; set; }
    public bool Done { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
}

// Who has an incident room open right now, on any instance. Rows are heartbeats: a row not
// refreshed for PresenceTimeout is someone whose tablet slept or whose circuit died.
public sealed class RoomPresence
{
    public required string SessionId { get; set; }
    public long IncidentId { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public required string Role { get; set; }
    public DateTimeOffset LastSeen { get; set; }
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
}
