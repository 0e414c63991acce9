namespace CommandCenter.Domain.Plans;

// Response levels (响应级别) as the national framework numbers them: Ⅰ is the gravest. Stored and
// sent by code ("I".."IV"), never by ordinal.
public enum ResponseLevel
{
    I = 1,   // 特别重大, red
    II = 2,  // 重大, orange
    III = 3, // 较大, yellow
    IV = 4,  // 一般, blue
}

public static class ResponseLevels
{
    public static string ToCode(ResponseLevel level) => level.ToString();

    public static bool TryParse(string? code, out ResponseLevel level)
    {
        level = default;
        return code?.Trim() is "I" or "II" or "III" or "IV" && Enum.TryParse(code.Trim(), out level);
    }

    // Ⅱ and Ⅰ put leaders in command: nobody enters them without a leader's approval.
    public static bool NeedsLeaderApproval(ResponseLevel level) => level <= ResponseLevel.II;

    public static bool IsGraver(ResponseLevel candidate, ResponseLevel than) => candidate < than;

    public static string Colour(ResponseLevel level) => level switch
    {
        ResponseLevel.I => "red",
        ResponseLevel.II => "orange",
        ResponseLevel.III => "yellow",
        _ => "blue",
    };

    public static string ChineseName(ResponseLevel level) => level switch
    {
        ResponseLevel.I => "Ⅰ级（特别重大）",
        ResponseLevel.II => "Ⅱ级（重大）",
        ResponseLevel.III => "Ⅲ级（较大）",
        _ => "Ⅳ级（一般）",
    };
}

// An emergency plan (应急预案) as kept in the repository and edited by admins: versioned, and per
// level what starts it, who is told, what must be done by when, and who approves entering it.
public sealed record PlanDocument(
    string Code, int Version, string Name, IReadOnlyList<string> IncidentTypes, IReadOnlyList<PlanLevel> Levels)
{
    public PlanLevel? LevelOf(ResponseLevel level) => Levels.FirstOrDefault(l => l.Level == level);
}

public sealed record PlanLevel(
    ResponseLevel Level,
    IReadOnlyList<EntryRule> Entry,
    PlanNotify Notify,
    IReadOnlyList<PlanTask> Tasks,
    PlanApproval Approval,
    int MapRadiusMeters);

// Roles are told as roles; named leaders (by account) are asked in order for approval.
public sealed record PlanNotify(IReadOnlyList<string> Roles, IReadOnlyList<string> Leaders);

public sealed record PlanTask(string Code, string Title, string OwnerRole, TimeSpan Due, bool Critical);

// Who approves entering the level: any of these leaders, first in the list first; asked in turn
// when one does not answer within Timeout. No leaders: the duty officer's own decision (Ⅳ, Ⅲ).
public sealed record PlanApproval(IReadOnlyList<string> Leaders, TimeSpan Timeout);

// What proposes a level. Kinds: priority (an incident of at least this priority), casualties (at
// least Count reported), cluster (Count incidents of the plan's types within Minutes and Meters, or
// in one community when Meters is 0), linkage_supervised (Count linkage alerts under 督办 in the
// incident's area), task_overdue (a task of the running level past its deadline).
public sealed record EntryRule(string Kind, string? Priority = null, int Count = 0, int Minutes = 0, int Meters = 0);

public static class EntryRuleKinds
{
    public const string Priority = "priority";
    public const string Casualties = "casualties";
    public const string Cluster = "cluster";
    public const string LinkageSupervised = "linkage_supervised";
    public const string TaskOverdue = "task_overdue";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Priority, Casualties, Cluster, LinkageSupervised, TaskOverdue };
}
