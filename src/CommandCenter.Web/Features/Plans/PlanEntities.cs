using CommandCenter.Domain.Plans;

namespace CommandCenter.Web.Features.Plans;

// One version of a plan document as saved; a saved version is never changed, an edit is a new
// version, and a run keeps the version it started with.
public sealed class PlanVersion
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public int Version { get; set; }
    public required string Name { get; set; }
    public required string Document { get; set; }
    public required string SavedBy { get; set; }
    public DateTimeOffset SavedAt { get; set; }
}

// A plan running on an incident (PlanRun in the domain), with what the engine needs to find due
// work after a restart: when the pending approval's current leader runs out of time.
public sealed class PlanRunRecord
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string PlanCode { get; set; }
    public int PlanVersion { get; set; }
    public PlanRunState State { get; set; }
    public ResponseLevel? Level { get; set; }
    public ResponseLevel? Pending { get; set; }
    public string? PendingReason { get; set; }
    public string? RequestedBy { get; set; }
    public string[] ApproversAsked { get; set; } = [];
    public DateTimeOffset? ApprovalDueAt { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

// A checklist task of a level in force, with its deadline counted from the level's activation.
public sealed class PlanTaskRecord
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public ResponseLevel Level { get; set; }
    public required string Code { get; set; }
    public required string Title { get; set; }
    public required string OwnerRole { get; set; }
    public bool Critical { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public string? DoneBy { get; set; }
    // Set once the engine has acted on the missed deadline (task_overdue rules), so it acts once.
    public DateTimeOffset? OverdueNotedAt { get; set; }
}

// What the rule engine asked for, once per incident, plan and level: a proposal a leader rejected
// is not asked again, and two instances evaluating at once ask once (the unique key decides).
public sealed class PlanRuleFiring
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string PlanCode { get; set; }
    public ResponseLevel Level { get; set; }
    public required string RuleKind { get; set; }
    public required string Reason { get; set; }
    public long? RunId { get; set; }
    // Null when the request went through; the refusal's code when the run had moved on meanwhile.
    public string? Refused { get; set; }
    public DateTimeOffset FiredAt { get; set; }
}
