using CommandCenter.Web.Features.Plans;

namespace CommandCenter.Tests.Features.Plans;

// Plan runs as PlanRunService shows them, for the board's and the wall's tests.
internal static class PlanRuns
{
    public static readonly DateTimeOffset Now = new(2026, 12, 3, 2, 0, 0, TimeSpan.Zero);

    public static PlanTaskView Todo(long id, string level, string title, int dueInMinutes, bool done = false, bool critical = false) =>
        new(id, level, $"task-{id}", title, "Dispatcher", critical, Now.AddMinutes(dueInMinutes), done ? Now.AddMinutes(-1) : null, done ? "值班员 王" : null);

    // Active with the level, or Awaiting a leader for pending (level null: a first request).
    public static PlanRunView Run(long id, string? level, string? pending = null, string name = "城市内涝防汛应急预案", long incidentId = 42,
        params PlanTaskView[] tasks) =>
        new(id, incidentId, "flood", 1, name, pending is null ? "Active" : "Awaiting", level, pending, pending is null ? null : "积水漫入地下车库",
            pending is null ? null : "leader", pending is null ? null : Now.AddMinutes(5), Now.AddMinutes(-id), tasks);
}
