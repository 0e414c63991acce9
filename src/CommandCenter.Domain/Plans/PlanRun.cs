using CommandCenter.Domain.Dispatch;
using Stateless;

namespace CommandCenter.Domain.Plans;

// A plan running on one incident. Idle: nothing in force yet (new, or its first request rejected).
// Awaiting: a level that needs a leader's approval was asked for (the first activation, or an
// escalation while the earlier level stays in force). Active: a level is in force. Terminated: over.
public enum PlanRunState
{
    Idle,
    Awaiting,
    Active,
    Terminated,
}

public enum PlanMove
{
    Request,
    Approve,
    Reject,
    Deescalate,
    Terminate,
}

// Who asks, with what: the level, the reason (every transition but a plain first activation needs
// one), and whether the actor is a leader (approvals, and terminating over open critical tasks).
public sealed record PlanMoveRequest(PlanMove Move, string Actor, bool ActorIsLeader, ResponseLevel? Level = null, string? Reason = null);

public sealed record PlanRun(PlanRunState State, ResponseLevel? Level, ResponseLevel? Pending, IReadOnlyList<string> ApproversAsked)
{
    public static readonly PlanRun New = new(PlanRunState.Idle, null, null, []);

    public static readonly Refusal ReasonMissing = new("plan_reason_missing", "Say why: every escalation, de-escalation, rejection and termination carries its reason.");
    public static readonly Refusal NotALeader = new("plan_not_leader", "Only a leader may approve or reject entering this level.");
    public static readonly Refusal NotGraver = new("plan_not_graver", "An escalation goes to a graver level than the one in force.");
    public static readonly Refusal NotLighter = new("plan_not_lighter", "A de-escalation goes to a lighter level than the one in force.");
    public static readonly Refusal OpenCriticalTasks = new("plan_open_critical_tasks", "Critical tasks are still open: only a leader, with a reason, may terminate over them.");
    public static readonly Refusal NotAllowed = new("plan_move_not_allowed", "This step is not open to the plan as it stands.");
    public static readonly Refusal NoSuchLevel = new("plan_no_such_level", "The plan has no such level.");

    // Applies one move under the plan's rules; returns the run after it, or refuses with a reason
    // a person can read. openCriticalTasks counts the running level's critical tasks not done.
    public PlanRun Apply(PlanMoveRequest request, PlanDocument plan, int openCriticalTasks)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(plan);
        if (!Machine(State).CanFire(request.Move)) throw new DispatchRuleException(NotAllowed);
        var reason = request.Reason?.Trim();
        switch (request.Move)
        {
            case PlanMove.Request:
                var level = request.Level ?? throw new DispatchRuleException(NoSuchLevel);
                if (plan.LevelOf(level) is null) throw new DispatchRuleException(NoSuchLevel);
                if (Level is { } current)
                {
                    if (!ResponseLevels.IsGraver(level, current)) throw new DispatchRuleException(NotGraver);
                    if (string.IsNullOrEmpty(reason)) throw new DispatchRuleException(ReasonMissing);
                }
                // No skipping approval: a level that needs a leader waits for one.
                return ResponseLevels.NeedsLeaderApproval(level)
                    ? this with { State = PlanRunState.Awaiting, Pending = level, ApproversAsked = [] }
                    : this with { State = PlanRunState.Active, Level = level, Pending = null };
            case PlanMove.Approve:
                if (!request.ActorIsLeader) throw new DispatchRuleException(NotALeader);
                return this with { State = PlanRunState.Active, Level = Pending, Pending = null };
            case PlanMove.Reject:
                if (!request.ActorIsLeader) throw new DispatchRuleException(NotALeader);
                if (string.IsNullOrEmpty(reason)) throw new DispatchRuleException(ReasonMissing);
                // A rejected escalation leaves the level in force; a rejected first request, nothing.
                return this with { State = Level is null ? PlanRunState.Idle : PlanRunState.Active, Pending = null };
            case PlanMove.Deescalate:
                var lighter = request.Level ?? throw new DispatchRuleException(NoSuchLevel);
                if (plan.LevelOf(lighter) is null) throw new DispatchRuleException(NoSuchLevel);
                if (!ResponseLevels.IsGraver(Level!.Value, lighter)) throw new DispatchRuleException(NotLighter);
                if (string.IsNullOrEmpty(reason)) throw new DispatchRuleException(ReasonMissing);
                return this with { Level = lighter };
            default:
                if (string.IsNullOrEmpty(reason)) throw new DispatchRuleException(ReasonMissing);
                if (openCriticalTasks > 0 && !request.ActorIsLeader) throw new DispatchRuleException(OpenCriticalTasks);
                return this with { State = PlanRunState.Terminated, Pending = null };
        }
    }

    public bool CanMove(PlanMove move) => Machine(State).CanFire(move);

    // Which leader to ask next for a pending level: the first of the level's list not yet asked;
    // null when every one has been asked (the request stays with the last, and the wall shows it).
    public static string? NextApprover(PlanLevel level, IReadOnlyList<string> asked)
    {
        ArgumentNullException.ThrowIfNull(level);
        return level.Approval.Leaders.FirstOrDefault(l => !asked.Contains(l, StringComparer.Ordinal));
    }

    private static StateMachine<PlanRunState, PlanMove> Machine(PlanRunState state)
    {
        // Targets here only say which moves each state permits; Apply decides where a move lands
        // (a request lands in Awaiting or Active by the level's approval rule).
        var machine = new StateMachine<PlanRunState, PlanMove>(state);
        machine.Configure(PlanRunState.Idle).Permit(PlanMove.Request, PlanRunState.Active);
        machine.Configure(PlanRunState.Awaiting)
            .Permit(PlanMove.Approve, PlanRunState.Active)
            .Permit(PlanMove.Reject, PlanRunState.Active)
            .Permit(PlanMove.Terminate, PlanRunState.Terminated);
        machine.Configure(PlanRunState.Active)
            .Permit(PlanMove.Request, PlanRunState.Awaiting)
            .PermitReentry(PlanMove.Deescalate)
            .Permit(PlanMove.Terminate, PlanRunState.Terminated);
        return machine;
    }
}
