namespace CommandCenter.Web.Features.Rooms;

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
