using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Notifications;
using CommandCenter.Web.Live;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Plans;

public sealed class PlanRefusedException(Refusal refusal, int status) : Exception(refusal.Message)
{
    public Refusal Refusal { get; } = refusal;
    public int Status { get; } = status;
}

public sealed record PlanTaskView(long Id, string Level, string Code, string Title, string OwnerRole, bool Critical, DateTimeOffset DueAt, DateTimeOffset? DoneAt, string? DoneBy);

public sealed record PlanRunView(long Id, long IncidentId, string PlanCode, int PlanVersion, string PlanName, string State, string? Level, string? Pending,
    string? PendingReason, string? AwaitingLeader, DateTimeOffset? ApprovalDueAt, DateTimeOffset StartedAt, IReadOnlyList<PlanTaskView> Tasks);

// Plans running on incidents: every move goes through the domain's PlanRun rules, lands with its
// tasks, timeline line, audit row, notices and live event in one transaction, and the deadlines
// (an approval's time per leader, each task's due time) are rows the engine claims after a restart.
public sealed class PlanRunService(IDbContextFactory<CommandCenterDb> dbFactory, PlanStore plans, TimeProvider clock)
{
    public const string Stream = "plans";
    public const string Changed = "plan.changed";

    // Who the engine's own steps are by, on the timeline and in the audit log.
    public static readonly Actor RulesActor = Actor.System("plan-rules");

    public static readonly Refusal UnknownPlan = new("plan_unknown", "There is no such plan.");
    public static readonly Refusal Busy = new("plan_busy", "Someone else changed this plan at the same moment; look again.");

    public async Task<PlanRunView> RequestAsync(long incidentId, string planCode, ResponseLevel level, string? reason, Actor actor, bool isLeader, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await RequestInAsync(db, incidentId, planCode, level, reason, actor, isLeader, ct);
        await tx.CommitAsync(ct);
        return (await GetAsync(run.Id, ct))!;
    }

    // The request inside the caller's transaction: the rule engine records why it asked in the
    // same one, so a proposal and its firing land together or not at all.
    internal async Task<PlanRunRecord> RequestInAsync(CommandCenterDb db, long incidentId, string planCode, ResponseLevel level, string? reason, Actor actor, bool isLeader, CancellationToken ct)
    {
        var run = await db.PlanRuns.FromSql($"SELECT * FROM plan_runs WHERE incident_id = {incidentId} AND plan_code = {planCode} AND state IN ('Idle', 'Awaiting', 'Active') FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        var (version, plan) = run is null
            ? await plans.GetAsync(planCode, null, ct) ?? throw new PlanRefusedException(UnknownPlan, 404)
            : await plans.GetAsync(planCode, run.PlanVersion, ct) ?? throw new PlanRefusedException(UnknownPlan, 404);
        var now = clock.GetUtcNow();
        if (run is null)
        {
            if (!await db.Incidents.AnyAsync(i => i.Id == incidentId, ct)) throw new PlanRefusedException(new("incident_unknown", "There is no such incident."), 404);
            run = new PlanRunRecord { IncidentId = incidentId, PlanCode = planCode, PlanVersion = version.Version, State = PlanRunState.Idle, StartedAt = now, UpdatedAt = now };
            db.PlanRuns.Add(run);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The unique live-run index: another desk started this plan on this incident meanwhile.
                throw new PlanRefusedException(Busy, 409);
            }
        }
        await MoveAsync(db, run, plan, new PlanMoveRequest(PlanMove.Request, actor.Name, isLeader, level, reason), actor, now, ct);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, run, ct);
        return run;
    }

    public Task<PlanRunView?> ApproveAsync(long runId, Actor actor, bool isLeader, CancellationToken ct = default) =>
        OnRunAsync(runId, new PlanMoveRequest(PlanMove.Approve, actor.Name, isLeader), actor, ct);

    public Task<PlanRunView?> RejectAsync(long runId, string? reason, Actor actor, bool isLeader, CancellationToken ct = default) =>
        OnRunAsync(runId, new PlanMoveRequest(PlanMove.Reject, actor.Name, isLeader, Reason: reason), actor, ct);

    public Task<PlanRunView?> DeescalateAsync(long runId, ResponseLevel level, string? reason, Actor actor, bool isLeader, CancellationToken ct = default) =>
        OnRunAsync(runId, new PlanMoveRequest(PlanMove.Deescalate, actor.Name, isLeader, level, reason), actor, ct);

    public Task<PlanRunView?> TerminateAsync(long runId, string? reason, Actor actor, bool isLeader, CancellationToken ct = default) =>
        OnRunAsync(runId, new PlanMoveRequest(PlanMove.Terminate, actor.Name, isLeader, Reason: reason), actor, ct);

    public Task<PlanRunView?> EscalateAsync(long runId, ResponseLevel level, string? reason, Actor actor, bool isLeader, CancellationToken ct = default) =>
        OnRunAsync(runId, new PlanMoveRequest(PlanMove.Request, actor.Name, isLeader, level, reason), actor, ct);

    // 勾选任务: one tap marks a task done; a second tap changes nothing.
    public async Task<PlanRunView?> CompleteTaskAsync(long taskId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var task = await db.PlanTasks.FromSql($"SELECT * FROM plan_tasks WHERE id = {taskId} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (task is null) return null;
        var run = await db.PlanRuns.FirstAsync(r => r.Id == task.RunId, ct);
        if (task.DoneAt is null)
        {
            var now = clock.GetUtcNow();
            task.DoneAt = now;
            task.DoneBy = actor.Name;
            db.Timeline.Add(new TimelineEntry { IncidentId = run.IncidentId, At = now, Kind = TimelineKinds.TaskDone, ActorName = actor.Name, Text = task.Title });
            AuditLog.Add(db, actor, AuditActions.PlanTaskDone, $"plan_task/{task.Id}", new { task.Code }, now);
            await db.SaveChangesAsync(ct);
            await AnnounceAsync(db, run, ct);
        }
        await tx.CommitAsync(ct);
        return await GetAsync(run.Id, ct);
    }

    // The engine's clock: a pending approval whose leader did not answer in time goes to the next
    // leader of the level's list (claimed with SKIP LOCKED, so once across instances).
    public async Task<int> FireDueAsync(int max = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var due = await db.PlanRuns
            .FromSql($"SELECT * FROM plan_runs WHERE state = 'Awaiting' AND approval_due_at <= {now} ORDER BY approval_due_at LIMIT {max} FOR UPDATE SKIP LOCKED")
            .ToListAsync(ct);
        foreach (var run in due)
        {
            var plan = (await plans.GetAsync(run.PlanCode, run.PlanVersion, ct))?.Plan;
            if (plan?.LevelOf(run.Pending!.Value) is not { } level)
            {
                run.ApprovalDueAt = null;
                continue;
            }
            await AskNextLeaderAsync(db, run, level, now, ct);
            await AnnounceAsync(db, run, ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }

    // A task past its deadline is said once on the incident's timeline and announced, so the wall
    // names it; the rule engine's task_overdue rules count such tasks. Claimed with SKIP LOCKED.
    public async Task<int> NoteOverdueTasksAsync(int max = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var late = await db.PlanTasks
            .FromSql($"SELECT * FROM plan_tasks WHERE done_at IS NULL AND overdue_noted_at IS NULL AND due_at <= {now} ORDER BY due_at LIMIT {max} FOR UPDATE SKIP LOCKED")
            .ToListAsync(ct);
        var runIds = late.Select(t => t.RunId).Distinct().ToList();
        var runs = await db.PlanRuns.Where(r => runIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        foreach (var task in late)
        {
            task.OverdueNotedAt = now;
            var run = runs[task.RunId];
            // A task of a level no longer in force, or of an ended plan, is late to nobody.
            if (run.State != PlanRunState.Active || run.Level != task.Level) continue;
            Timeline(db, run, now, RulesActor, $"任务超时：{task.Title}");
        }
        await db.SaveChangesAsync(ct);
        foreach (var run in runs.Values.Where(r => r.State == PlanRunState.Active)) await AnnounceAsync(db, run, ct);
        await tx.CommitAsync(ct);
        return late.Count;
    }

    public async Task<PlanRunView?> GetAsync(long runId, CancellationToken ct = default) =>
        (await ViewsAsync(r => r.Id == runId, ct)) is { Count: > 0 } found ? found[0] : null;

    public Task<IReadOnlyList<PlanRunView>> ForIncidentAsync(long incidentId, CancellationToken ct = default) =>
        ViewsAsync(r => r.IncidentId == incidentId, ct);

    public Task<IReadOnlyList<PlanRunView>> LiveAsync(CancellationToken ct = default) =>
        ViewsAsync(r => r.State == PlanRunState.Awaiting || r.State == PlanRunState.Active, ct);

    private async Task<PlanRunView?> OnRunAsync(long runId, PlanMoveRequest request, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await db.PlanRuns.FromSql($"SELECT * FROM plan_runs WHERE id = {runId} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (run is null) return null;
        var plan = (await plans.GetAsync(run.PlanCode, run.PlanVersion, ct))?.Plan ?? throw new PlanRefusedException(UnknownPlan, 404);
        await MoveAsync(db, run, plan, request, actor, clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, run, ct);
        await tx.CommitAsync(ct);
        return await GetAsync(run.Id, ct);
    }

    private static async Task MoveAsync(CommandCenterDb db, PlanRunRecord run, PlanDocument plan, PlanMoveRequest request, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var openCritical = run.Level is null ? 0
            : await db.PlanTasks.CountAsync(t => t.RunId == run.Id && t.Level == run.Level && t.Critical && t.DoneAt == null, ct);
        var before = new PlanRun(run.State, run.Level, run.Pending, run.ApproversAsked);
        PlanRun after;
        try
        {
            after = before.Apply(request, plan, openCritical);
        }
        catch (DispatchRuleException ex)
        {
            throw new PlanRefusedException(ex.Refusal, ex.Refusal == PlanRun.NotALeader ? 403 : ex.Refusal == PlanRun.ReasonMissing ? 400 : 409);
        }
        run.State = after.State;
        run.UpdatedAt = now;
        var reason = request.Reason?.Trim();
        if (after.Pending is { } pending && before.Pending != pending)
        {
            run.Pending = pending;
            run.PendingReason = reason;
            run.RequestedBy = actor.Name;
            run.ApproversAsked = [];
            await AskNextLeaderAsync(db, run, plan.LevelOf(pending)!, now, ct);
            Timeline(db, run, now, actor, $"申请启动{ResponseLevels.ChineseName(pending)}响应{(string.IsNullOrEmpty(reason) ? "" : "：" + reason)}");
        }
        if (after.Pending is null && before.Pending is { } was)
        {
            run.Pending = null;
            run.ApprovalDueAt = null;
            Timeline(db, run, now, actor, request.Move == PlanMove.Reject
                ? $"未批准{ResponseLevels.ChineseName(was)}响应：{reason}"
                : request.Move == PlanMove.Approve ? $"批准启动{ResponseLevels.ChineseName(was)}响应" : $"撤回{ResponseLevels.ChineseName(was)}响应申请");
        }
        if (after.Level is { } level && after.Level != before.Level && after.State != PlanRunState.Terminated)
        {
            run.Level = level;
            var planLevel = plan.LevelOf(level)!;
            foreach (var task in planLevel.Tasks)
                if (!await db.PlanTasks.AnyAsync(t => t.RunId == run.Id && t.Level == level && t.Code == task.Code, ct))
                    db.PlanTasks.Add(new PlanTaskRecord
                    {
                        RunId = run.Id, Level = level, Code = task.Code, Title = task.Title, OwnerRole = task.OwnerRole, Critical = task.Critical, DueAt = now + task.Due,
                    });
            var why = request.Move switch
            {
                PlanMove.Deescalate => "（降级：" + reason + "）",
                PlanMove.Request when !string.IsNullOrEmpty(reason) => "（" + reason + "）",
                _ => "",
            };
            Timeline(db, run, now, actor, $"{plan.Name} {ResponseLevels.ChineseName(level)}响应生效{why}");
            foreach (var leader in planLevel.Notify.Leaders)
                await NotificationService.AddAsync(db, leader, "plan.level", $"incident/{run.IncidentId}", $"【{ResponseLevels.ChineseName(level)}】{plan.Name}已启动", now, ct);
        }
        if (after.State == PlanRunState.Terminated)
            Timeline(db, run, now, actor, $"{plan.Name}响应终止：{reason}{(openCritical > 0 ? $"（领导决定，{openCritical}项关键任务未完成）" : "")}");
        AuditLog.Add(db, actor, AuditActions.PlanMove, $"plan_run/{run.PlanCode}/{run.IncidentId}",
            new { move = request.Move.ToString(), level = request.Level?.ToString(), state = run.State.ToString() }, now);
    }

    private static async Task AskNextLeaderAsync(CommandCenterDb db, PlanRunRecord run, PlanLevel level, DateTimeOffset now, CancellationToken ct)
    {
        var next = PlanRun.NextApprover(level, run.ApproversAsked);
        if (next is null)
        {
            // Every leader was asked: it stays open for any of them; nothing more fires.
            run.ApprovalDueAt = null;
            return;
        }
        run.ApproversAsked = [.. run.ApproversAsked, next];
        run.ApprovalDueAt = now + level.Approval.Timeout;
        await NotificationService.AddAsync(db, next, "plan.approval", $"incident/{run.IncidentId}",
            $"【待审批】申请启动{ResponseLevels.ChineseName(level.Level)}响应，请批示", now, ct);
    }

    private static void Timeline(CommandCenterDb db, PlanRunRecord run, DateTimeOffset now, Actor actor, string text) =>
        db.Timeline.Add(new TimelineEntry { IncidentId = run.IncidentId, At = now, Kind = TimelineKinds.Plan, ActorName = actor.Name, Text = text });

    private static Task AnnounceAsync(CommandCenterDb db, PlanRunRecord run, CancellationToken ct) =>
        LiveEventStore.AppendAsync(db, Stream, Changed, new { runId = run.Id, incidentId = run.IncidentId, state = run.State.ToString(), level = run.Level?.ToString(), pending = run.Pending?.ToString() }, ct);

    private async Task<IReadOnlyList<PlanRunView>> ViewsAsync(System.Linq.Expressions.Expression<Func<PlanRunRecord, bool>> where, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = await db.PlanRuns.AsNoTracking().Where(where).OrderBy(r => r.Id).ToListAsync(ct);
        var ids = runs.Select(r => r.Id).ToList();
        var tasks = await db.PlanTasks.AsNoTracking().Where(t => ids.Contains(t.RunId)).OrderBy(t => t.DueAt).ThenBy(t => t.Id).ToListAsync(ct);
        // Only the names of the versions these runs use, not every version ever saved.
        var codes = runs.Select(r => r.PlanCode).Distinct().ToList();
        var names = await db.PlanVersions.AsNoTracking().Where(p => codes.Contains(p.Code)).Select(p => new { p.Code, p.Version, p.Name }).ToListAsync(ct);
        return [.. runs.Select(r => new PlanRunView(r.Id, r.IncidentId, r.PlanCode, r.PlanVersion,
            names.FirstOrDefault(n => n.Code == r.PlanCode && n.Version == r.PlanVersion)?.Name ?? r.PlanCode,
            r.State.ToString(), r.Level?.ToString(), r.Pending?.ToString(), r.PendingReason,
            r.State == PlanRunState.Awaiting ? r.ApproversAsked.LastOrDefault() : null, r.ApprovalDueAt, r.StartedAt,
            [.. tasks.Where(t => t.RunId == r.Id).Select(t => new PlanTaskView(t.Id, t.Level.ToString(), t.Code, t.Title, t.OwnerRole, t.Critical, t.DueAt, t.DoneAt, t.DoneBy))]))];
    }
}
