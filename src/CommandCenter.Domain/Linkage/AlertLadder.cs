using CommandCenter.Domain.Dispatch;
using Stateless;

namespace CommandCenter.Domain.Linkage;

// Where a 110 linkage alert stands. Unrouted: in the duty officer's queue (no unit matched, out of
// area, or handed back). Routed: with a linkage unit, waiting for its acknowledgement (签收).
public enum AlertState
{
    Unrouted,
    Routed,
    Acknowledged,
    OnScene,
    Done,
    Cancelled,
}

// The three steps a linkage unit owes, each with its own deadline: 签收, 到场, 反馈.
public enum AlertStep
{
    Acknowledge,
    Arrive,
    Feedback,
}

// How long a unit has for each step, counted from when the alert was first routed to a unit.
public sealed record StepLimits(TimeSpan Acknowledge, TimeSpan Arrive, TimeSpan Feedback)
{
    public static readonly StepLimits Default = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));

    public TimeSpan For(AlertStep step) => step switch
    {
        AlertStep.Acknowledge => Acknowledge,
        AlertStep.Arrive => Arrive,
        _ => Feedback,
    };
}

// A limit rule: the most specific matching rule wins (category and priority, then either, then none).
public sealed record StepLimitRule(string? Category, string? Priority, StepLimits Limits);

public static class AlertLadder
{
    public const int MissesBeforeSupervision = 2;

    // A unit's own limits (its directory entry) come before the center's: the most specific of the
    // unit's matching rules, else the most specific of the center's, else the defaults.
    public static StepLimits LimitsFor(string category, string priority, IEnumerable<StepLimitRule> unitRules, IEnumerable<StepLimitRule> centerRules)
    {
        ArgumentNullException.ThrowIfNull(unitRules);
        var own = unitRules.Where(r => (r.Category is null || r.Category == category) && (r.Priority is null || r.Priority == priority)).ToList();
        return LimitsFor(category, priority, own.Count > 0 ? own : centerRules);
    }

    public static StepLimits LimitsFor(string category, string priority, IEnumerable<StepLimitRule> rules) =>
        rules.Where(r => (r.Category is null || r.Category == category) && (r.Priority is null || r.Priority == priority))
            .OrderByDescending(r => (r.Category is null ? 0 : 2) + (r.Priority is null ? 0 : 1))
            .Select(r => r.Limits)
            .FirstOrDefault() ?? StepLimits.Default;

    // The step whose deadline is "met" once the alert has reached this state.
    public static bool HasDone(AlertState state, AlertStep step) => step switch
    {
        AlertStep.Acknowledge => state is AlertState.Acknowledged or AlertState.OnScene or AlertState.Done,
        AlertStep.Arrive => state is AlertState.OnScene or AlertState.Done,
        _ => state is AlertState.Done,
    };

    // A deadline reached: missed unless the step was done or the alert was cancelled. Each miss
    // notifies the unit's supervisor; the second puts the alert under supervision (督办).
    public static bool IsMissed(AlertState state, AlertStep step) => state != AlertState.Cancelled && !HasDone(state, step);

    public static bool Supervise(int misses) => misses >= MissesBeforeSupervision;

    public static bool CanTake(AlertState state, AlertStep step) => Machine(state).CanFire(step);

    public static AlertState Take(AlertState state, AlertStep step)
    {
        var machine = Machine(state);
        if (!machine.CanFire(step))
            throw new DispatchRuleException(new("step_not_allowed", $"An alert that is {Codes.ToCode(state)} cannot {Codes.ToCode(step)}."));
        machine.Fire(step);
        return machine.State;
    }

    // 退单: the unit hands the alert back with a reason; it goes to the duty officer, clock kept.
    public static bool CanHandBack(AlertState state) => state is AlertState.Routed or AlertState.Acknowledged;

    public static bool IsOpen(AlertState state) => state is not (AlertState.Done or AlertState.Cancelled);

    private static StateMachine<AlertState, AlertStep> Machine(AlertState state)
    {
        var m = new StateMachine<AlertState, AlertStep>(state);
        m.Configure(AlertState.Routed).Permit(AlertStep.Acknowledge, AlertState.Acknowledged);
        m.Configure(AlertState.Acknowledged).Permit(AlertStep.Arrive, AlertState.OnScene);
        m.Configure(AlertState.OnScene).Permit(AlertStep.Feedback, AlertState.Done);
        return m;
    }

    public static class Codes
    {
        public static string ToCode(AlertState state) => state switch
        {
            AlertState.Unrouted => "unrouted",
            AlertState.Routed => "routed",
            AlertState.Acknowledged => "acknowledged",
            AlertState.OnScene => "on_scene",
            AlertState.Done => "done",
            _ => "cancelled",
        };

        public static AlertState ParseState(string code) => code switch
        {
            "unrouted" => AlertState.Unrouted,
            "routed" => AlertState.Routed,
            "acknowledged" => AlertState.Acknowledged,
            "on_scene" => AlertState.OnScene,
            "done" => AlertState.Done,
            "cancelled" => AlertState.Cancelled,
            _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown alert state."),
        };

        public static string ToCode(AlertStep step) => step switch
        {
            AlertStep.Acknowledge => "acknowledge",
            AlertStep.Arrive => "arrive",
            _ => "feedback",
        };

        public static bool TryParseStep(string? code, out AlertStep step)
        {
            (var ok, step) = code switch
            {
                "acknowledge" => (true, AlertStep.Acknowledge),
                "arrive" => (true, AlertStep.Arrive),
                "feedback" => (true, AlertStep.Feedback),
                _ => (false, default),
            };
            return ok;
        }
    }
}
