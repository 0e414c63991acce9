using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Live;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Rooms;

public sealed record PresentPerson(string UserName, string DisplayName, string Role);

public sealed record RoomState(
    IncidentView Incident,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<IncidentTask> Tasks,
    IReadOnlyList<PresentPerson> Present);

public sealed record Instruction(string? Text, string? Addressee);

// The incident room: timeline, tasks from leaders' instructions (批示), who leads or supervises
// the case, and who is in the room. Every change is audited and announced on the incidents stream.
public sealed class IncidentRoomService(IDbContextFactory<CommandCenterDb> dbFactory, TimeProvider clock)
{
    public const int MaxInstructionLength = 2000;
    public static readonly TimeSpan PresenceTimeout = TimeSpan.FromSeconds(45);
    public static readonly IReadOnlyList<string> Addressees = [Roles.Dispatcher, Roles.DutyOfficer, Roles.LinkageOperator, Roles.Responder];

    public async Task<RoomState?> GetAsync(long incidentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var incident = await IncidentService.ViewsOf(db, db.Incidents.Where(i => i.Id == incidentId)).FirstOrDefaultAsync(ct);
        if (incident is null) return null;
        var timeline = await db.Timeline.AsNoTracking().Where(t => t.IncidentId == incidentId).OrderBy(t => t.At).ThenBy(t => t.Id).ToListAsync(ct);
        var tasks = await db.IncidentTasks.AsNoTracking().Where(t => t.IncidentId == incidentId).OrderBy(t => t.Done).ThenBy(t => t.Id).ToListAsync(ct);
        var since = clock.GetUtcNow() - PresenceTimeout;
        var present = await db.RoomPresence.AsNoTracking().Where(p => p.IncidentId == incidentId && p.LastSeen >= since)
            .Select(p => new PresentPerson(p.UserName, p.DisplayName, p.Role)).Distinct().ToListAsync(ct);
        return new RoomState(incident, timeline, tasks, [.. present.OrderBy(p => p.DisplayName)]);
    }

    // Field-keyed errors, like the API's problem details; empty when the instruction was recorded.
    public async Task<IReadOnlyDictionary<string, string[]>> InstructAsync(long incidentId, Instruction instruction, Actor actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var text = instruction.Text?.Trim();
        if (string.IsNullOrEmpty(text)) errors["text"] = ["An instruction needs text."];
        else if (text.Length > MaxInstructionLength) errors["text"] = [$"At most {MaxInstructionLength} characters."];
        if (instruction.Addressee is null || !Addressees.Contains(instruction.Addressee)) errors["addressee"] = ["Choose who the instruction is for."];
        if (errors.Count > 0) return errors;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Incidents.AnyAsync(i => i.Id == incidentId, ct)) return new Dictionary<string, string[]> { ["incident"] = ["No such incident."] };
        var now = clock.GetUtcNow();
        var entry = new TimelineEntry { IncidentId = incidentId, At = now, Kind = TimelineKinds.Instruction, ActorName = actor.Name, Text = text!, Addressee = instruction.Addressee };
        db.Timeline.Add(entry);
        await db.SaveChangesAsync(ct);
        db.IncidentTasks.Add(new IncidentTask { IncidentId = incidentId, InstructionId = entry.Id, Title = text!, Addressee = instruction.Addressee!, CreatedAt = now, CreatedBy = actor.Name });
        AuditLog.Add(db, actor, "incident.instruction", $"incident/{incidentId}", new { addressee = instruction.Addressee }, now);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, incidentId, ct);
        await tx.CommitAsync(ct);
        return errors;
    }

    public async Task CompleteTaskAsync(long taskId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var task = await db.IncidentTasks.FirstOrDefaultAsync(t => t.Id == taskId, ct) ?? throw new KeyNotFoundException($"task {taskId}");
        if (task.Done) return;
        task.Done = true;
        task.DoneAt = clock.GetUtcNow();
        db.Timeline.Add(new TimelineEntry { IncidentId = task.IncidentId, At = task.DoneAt.Value, Kind = TimelineKinds.TaskDone, ActorName = actor.Name, Text = task.Title });
        AuditLog.Add(db, actor, "incident.task_done", $"incident/{task.IncidentId}", new { task = task.Id }, task.DoneAt.Value);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, task.IncidentId, ct);
        await tx.CommitAsync(ct);
    }

    // 领导包案 (lead = true) or 挂牌督办 (lead = false) by the acting leader.
    public async Task SetLeadershipAsync(long incidentId, string leaderUserId, bool lead, bool on, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct) ?? throw new KeyNotFoundException($"incident {incidentId}");
        if (lead)
        {
            incident.LeadUserId = on ? leaderUserId : null;
            incident.LeadName = on ? actor.Name : null;
        }
        else
        {
            incident.UnderSupervision = on;
        }
        var now = clock.GetUtcNow();
        db.Timeline.Add(new TimelineEntry
        {
            IncidentId = incidentId, At = now, Kind = lead ? TimelineKinds.Lead : TimelineKinds.Supervision, ActorName = actor.Name, Text = on ? "on" : "off",
        });
        AuditLog.Add(db, actor, lead ? "incident.lead" : "incident.supervision", $"incident/{incidentId}", new { on }, now);
        await db.SaveChangesAsync(ct);
        var view = await IncidentService.ViewsOf(db, db.Incidents.Where(i => i.Id == incidentId)).FirstAsync(ct);
        await LiveEventStore.AppendAsync(db, LiveStreams.Incidents, IncidentEvents.Updated, view, ct);
        await AnnounceAsync(db, incidentId, ct);
        await tx.CommitAsync(ct);
    }

    // The leader's home: cases they lead, then all cases under supervision; open ones first.
    public async Task<IReadOnlyList<IncidentView>> ForLeaderAsync(string leaderUserId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var views = await IncidentService.ViewsOf(db, db.Incidents.Where(i =>
            (i.LeadUserId == leaderUserId || i.UnderSupervision) && i.Status != IncidentStatus.Closed)).ToListAsync(ct);
        return [.. views.OrderByDescending(v => v.IsOpen).ThenBy(v => v.PriorityLevel).ThenByDescending(v => v.ReportedAt)];
    }

    public async Task HeartbeatAsync(string sessionId, long incidentId, PresentPerson person, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var existing = await db.RoomPresence.FirstOrDefaultAsync(p => p.SessionId == sessionId, ct);
        var isNew = existing is null;
        if (isNew) db.RoomPresence.Add(new RoomPresence { SessionId = sessionId, IncidentId = incidentId, UserName = person.UserName, DisplayName = person.DisplayName, Role = person.Role, LastSeen = now });
        else existing!.LastSeen = now;
        // Sweep sessions that stopped beating (a tablet asleep, a closed tab) so they leave the room.
        var stale = await db.RoomPresence.Where(p => p.IncidentId == incidentId && p.LastSeen < now - PresenceTimeout).ToListAsync(ct);
        db.RoomPresence.RemoveRange(stale);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (isNew || stale.Count > 0) await AnnounceAsync(db, incidentId, ct);
        await tx.CommitAsync(ct);
    }

    public async Task LeaveAsync(string sessionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.RoomPresence.FirstOrDefaultAsync(p => p.SessionId == sessionId, ct);
        if (row is null) return;
        db.RoomPresence.Remove(row);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, row.IncidentId, ct);
        await tx.CommitAsync(ct);
    }

    private static Task AnnounceAsync(CommandCenterDb db, long incidentId, CancellationToken ct) =>
        LiveEventStore.AppendAsync(db, LiveStreams.Incidents, IncidentEvents.RoomChanged, new { incidentId }, ct);
}
