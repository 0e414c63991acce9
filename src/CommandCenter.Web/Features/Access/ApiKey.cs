namespace CommandCenter.Web.Features.Access;

// A machine client's key (110 gateway, GPS gateway, another system). Only a hash is stored;
// the prefix finds the row without scanning.
public sealed class ApiKey
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] Hash { get; set; }
    public required string[] Scopes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

// Append-only: who did what, when, from where. The database refuses UPDATE and DELETE.
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string ActorKind { get; set; }
    public required string ActorId { get; set; }
    public required string ActorName { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public string? Details { get; set; }
    public string? RemoteAddress { get; set; }
}
