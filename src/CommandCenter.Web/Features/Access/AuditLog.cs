using System.Text.Json;
using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Access;

public sealed record AuditQuery(string? Actor = null, string? Action = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Skip = 0, int Take = 50);

public sealed record AuditResults(IReadOnlyList<AuditEntry> Items, int Total);

public sealed class AuditLog(IDbContextFactory<CommandCenterDb> dbFactory, TimeProvider clock)
{
    // Inside the caller's transaction: the entry exists if and only if the write committed.
    public static void Add(CommandCenterDb db, Actor actor, string action, string? target, object? details, DateTimeOffset at) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = at,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            Action = action,
            Target = target,
            Details = details is null ? null : JsonSerializer.Serialize(details, Live.LiveEventStore.Json),
            RemoteAddress = actor.RemoteAddress,
        });

    public async Task WriteAsync(Actor actor, string action, string? target, object? details = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Add(db, actor, action, target, details, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    public async Task<AuditResults> QueryAsync(AuditQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor)) q = q.Where(e => e.ActorName.Contains(query.Actor) || e.ActorId == query.Actor);
        if (!string.IsNullOrWhiteSpace(query.Action)) q = q.Where(e => e.Action.StartsWith(query.Action));
        if (query.From is { } from) q = q.Where(e => e.At >= from);
        if (query.To is { } to) q = q.Where(e => e.At < to);
        var total = await q.CountAsync(ct);
        var items = await q.OrderByDescending(e => e.Id).Skip(query.Skip).Take(Math.Clamp(query.Take, 1, 500)).ToListAsync(ct);
        return new AuditResults(items, total);
    }
}

public static class AuditActions
{
    public const string IncidentCreated = "incident.create";
    public const string IncidentStatusChanged = "incident.status";
    public const string IncidentCasualties = "incident.casualties";
    public const string GridsImported = "grids.import";
    public const string UserCreated = "user.create";
    public const string UserRolesChanged = "user.roles";
    public const string UserLocked = "user.lock";
    public const string UserUnlocked = "user.unlock";
    public const string UserPasswordReset = "user.password_reset";
    public const string SignedIn = "user.sign_in";
    public const string SignInFailed = "user.sign_in_failed";
    public const string SignedOut = "user.sign_out";
    public const string KioskCodeIssued = "kiosk.code_issue";
    public const string KioskPaired = "kiosk.pair";
    public const string KioskRevoked = "kiosk.revoke";
    public const string ApiKeyCreated = "api_key.create";
    public const string ApiKeyRevoked = "api_key.revoke";
    public const string PatrolUnitCreated = "patrol.unit_create";
    public const string PatrolDutyChanged = "patrol.duty";
    public const string PatrolDeviceRegistered = "patrol.device_register";
    public const string PatrolDeviceRemoved = "patrol.device_remove";
    public const string UnitDispatched = "dispatch.assign";
    public const string UnitStep = "dispatch.step";
    public const string ReportLinked = "dispatch.link_report";
    public const string AlertReceived = "linkage.receive";
    public const string AlertStep = "linkage.step";
    public const string AlertHandedBack = "linkage.hand_back";
    public const string AlertToIncident = "linkage.to_incident";
    public const string AlertPhoto = "linkage.photo";
    public const string PlanSaved = "plan.save";
    public const string PlanMove = "plan.move";
    public const string PlanTaskDone = "plan.task_done";
    public const string FeedbackRetried = "linkage.feedback_retry";
    public const string LinkageUnitCreated = "linkage.unit_create";
    public const string LinkageUnitUpdated = "linkage.unit_update";
    public const string NoteAdded = "dispatch.note";
}
