using Stateless;

namespace CommandCenter.Domain.Dispatch;

// One unit sent to one incident: dispatched → en route → on scene → cleared. A walking patrol
// already beside the scene may report on scene without an en-route step; nothing comes before
// dispatched, and a cleared assignment is finished.
public enum AssignmentStatus
{
    Dispatched,
    EnRoute,
    OnScene,
    Cleared,
}

public enum AssignmentStep
{
    Depart,
    Arrive,
    Clear,
}

public sealed class DispatchRuleException(Refusal refusal) : InvalidOperationException(refusal.Message)
{
    public Refusal Refusal { get; } = refusal;
}

public sealed record Assignment(
    long IncidentId,
    long UnitId,
    AssignmentStatus Status,
    DateTimeOffset DispatchedAt,
    DateTimeOffset? EnRouteAt = null,
    DateTimeOffset? OnSceneAt = null,
    DateTimeOffset? ClearedAt = null)
{
    public bool IsActive => Status != AssignmentStatus.Cleared;

    public static Assignment Dispatch(long incidentId, long unitId, DateTimeOffset at) => new(incidentId, unitId, AssignmentStatus.Dispatched, at);

    public bool CanTake(AssignmentStep step) => Machine(Status).CanFire(step);

    // The next state with its time stamped; a step the state does not permit is refused with a
    // sentence a dispatcher can read.
    public Assignment Take(AssignmentStep step, DateTimeOffset at)
    {
        var machine = Machine(Status);
        if (!machine.CanFire(step))
            throw new DispatchRuleException(new("step_not_allowed", $"A unit that is {AssignmentCodes.ToCode(Status)} cannot {AssignmentCodes.ToCode(step)}."));
        machine.Fire(step);
        return machine.State switch
        {
            AssignmentStatus.EnRoute => this with { Status = AssignmentStatus.EnRoute, EnRouteAt = at },
            AssignmentStatus.OnScene => this with { Status = AssignmentStatus.OnScene, OnSceneAt = at },
            AssignmentStatus.Cleared => this with { Status = AssignmentStatus.Cleared, ClearedAt = at },
            _ => this,
        };
    }

    private static StateMachine<AssignmentStatus, AssignmentStep> Machine(AssignmentStatus state)
    {
        var machine = new StateMachine<AssignmentStatus, AssignmentStep>(state);
        machine.Configure(AssignmentStatus.Dispatched)
            .Permit(AssignmentStep.Depart, AssignmentStatus.EnRoute)
            .Permit(AssignmentStep.Arrive, AssignmentStatus.OnScene)
            .Permit(AssignmentStep.Clear, AssignmentStatus.Cleared);
        machine.Configure(AssignmentStatus.EnRoute)
            .Permit(AssignmentStep.Arrive, AssignmentStatus.OnScene)
            .Permit(AssignmentStep.Clear, AssignmentStatus.Cleared);
        machine.Configure(AssignmentStatus.OnScene)
            .Permit(AssignmentStep.Clear, AssignmentStatus.Cleared);
        return machine;
    }
}

public static class AssignmentCodes
{
    public static string ToCode(AssignmentStatus status) => status switch
    {
        AssignmentStatus.Dispatched => "dispatched",
        AssignmentStatus.EnRoute => "en_route",
        AssignmentStatus.OnScene => "on_scene",
        _ => "cleared",
    };

    public static AssignmentStatus Parse(string code) => code switch
    {
        "dispatched" => AssignmentStatus.Dispatched,
        "en_route" => AssignmentStatus.EnRoute,
        "on_scene" => AssignmentStatus.OnScene,
        "cleared" => AssignmentStatus.Cleared,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown assignment status."),
    };

    public static bool TryParseStep(string? code, out AssignmentStep step)
    {
        (var ok, step) = code switch
        {
            "depart" => (true, AssignmentStep.Depart),
            "arrive" => (true, AssignmentStep.Arrive),
            "clear" => (true, AssignmentStep.Clear),
            _ => (false, default),
        };
        return ok;
    }

    public static string ToCode(AssignmentStep step) => step switch
    {
        AssignmentStep.Depart => "depart",
        AssignmentStep.Arrive => "arrive",
        _ => "clear",
    };
}
