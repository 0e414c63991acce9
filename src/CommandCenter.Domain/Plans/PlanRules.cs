using System.Globalization;
using CommandCenter.Domain.Incidents;

namespace CommandCenter.Domain.Plans;

// What the engine knows about one incident when it weighs a plan's entry rules. AreaCounts holds,
// per area rule of the plan, what the database counted around the incident: for a cluster rule, how
// many open incidents of the plan's types form the cluster this incident is in (ST_ClusterDBSCAN,
// or one community; 0: in none); for linkage_supervised, the open 督办 alerts within its meters.
public sealed record IncidentFacts(
    IncidentPriority Priority,
    int Casualties,
    int OverdueTasks,
    IReadOnlyDictionary<EntryRule, int> AreaCounts);

// A level the rules call for, and why, in words that go on the timeline and to the leader.
public sealed record PlanProposal(ResponseLevel Level, EntryRule Rule, string Reason);

public static class PlanRules
{
    // The gravest level whose entry rules are met and which is graver than what is in force or
    // already asked for; null when the rules call for nothing new. A run awaiting a leader's answer
    // gets nothing new until that answer: one open question per plan.
    public static PlanProposal? Propose(PlanDocument plan, PlanRun run, IncidentFacts facts)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(facts);
        if (run.State is PlanRunState.Awaiting or PlanRunState.Terminated) return null;
        foreach (var level in plan.Levels.OrderBy(l => l.Level))
        {
            if (run.Level is { } current && !ResponseLevels.IsGraver(level.Level, current)) break;
            foreach (var rule in level.Entry)
                if (Why(rule, run, facts) is { } why)
                    return new PlanProposal(level.Level, rule, $"规则：{why}，建议启动{ResponseLevels.ChineseName(level.Level)}响应");
        }
        return null;
    }

    // The rule's finding in a sentence, or null when it is not met.
    public static string? Why(EntryRule rule, PlanRun run, IncidentFacts facts)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(facts);
        var inv = CultureInfo.InvariantCulture;
        switch (rule.Kind)
        {
            case EntryRuleKinds.Priority:
                // Critical = 1 is the gravest: "at least High" means Critical or High.
                return IncidentCodes.TryParsePriority(rule.Priority ?? "", out var least) && facts.Priority <= least
                    ? $"警情等级为{PriorityName(facts.Priority)}" : null;
            case EntryRuleKinds.Casualties:
                return facts.Casualties >= Math.Max(1, rule.Count) ? string.Create(inv, $"伤亡{facts.Casualties}人") : null;
            case EntryRuleKinds.Cluster:
                var size = facts.AreaCounts.GetValueOrDefault(rule);
                return size >= Math.Max(2, rule.Count)
                    ? rule.Meters > 0
                        ? string.Create(inv, $"{rule.Minutes}分钟内{rule.Meters}米范围内同类警情{size}起")
                        : string.Create(inv, $"{rule.Minutes}分钟内同一社区同类警情{size}起")
                    : null;
            case EntryRuleKinds.LinkageSupervised:
                var supervised = facts.AreaCounts.GetValueOrDefault(rule);
                return supervised >= Math.Max(1, rule.Count) ? string.Create(inv, $"周边{supervised}条联动警情已督办") : null;
            case EntryRuleKinds.TaskOverdue:
                // Only a level in force has tasks that can be late.
                return run.State == PlanRunState.Active && facts.OverdueTasks >= Math.Max(1, rule.Count)
                    ? string.Create(inv, $"{facts.OverdueTasks}项处置任务超时") : null;
            default:
                return null;
        }
    }

    // How far around an incident a linkage_supervised rule looks when the rule names no meters.
    public const int DefaultSupervisedMeters = 3000;

    public static int SupervisedMeters(EntryRule rule) => rule?.Meters is > 0 ? rule.Meters : DefaultSupervisedMeters;

    private static string PriorityName(IncidentPriority priority) => priority switch
    {
        IncidentPriority.Critical => "特急",
        IncidentPriority.High => "紧急",
        IncidentPriority.Medium => "一般",
        _ => "较低",
    };
}
