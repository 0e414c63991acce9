using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Features.Rooms;
using CommandCenter.Web.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Web.Features.Dispatch;

// A dispatch command the rules or another dispatcher refused; Conflict: someone else got there first.
public sealed class DispatchRefusedException(Refusal refusal, bool conflict = false) : Exception(refusal.Message)
{
    public Refusal Refusal { get; } = refusal;

    public bool Conflict { get; } = conflict;
}

public sealed record PossibleDuplicateView(IncidentView Incident, double DistanceMeters, int AgeSeconds);

// Sending units and following them to closure. Every command runs in one transaction that locks the
// incident first (then the unit), writes the timeline and the audit log, and appends the live
// event, so every board, wall and room sees the same order of things.
public sealed class DispatchService(
    IDbContextFactory<CommandCenterDb> dbFactory,
    IOptions<PatrolOptions> patrol,
    IOptions<DispatchOptions> options,
    TimeProvider clock)
{
    public static readonly Refusal UnitTaken = new("unit_taken", "Another dispatcher has just sent this unit elsewhere.");
    public static readonly Refusal NotYourUnit = new("not_your_unit", "This assignment belongs to another unit.");

    public async Task<AssignmentView?> AssignAsync(long incidentId, long unitId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await LockIncidentAsync(db, incidentId, ct);
        var unit = await db.PatrolUnits.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId, ct);
        if (incident is null || unit is null) return null;
        var now = clock.GetUtcNow();
        var lastFix = await db.UnitPositions.Where(p => p.UnitId == unitId).Select(p => (DateTimeOffset?)p.FixTime).FirstOrDefaultAsync(ct);
        var silent = lastFix is null || now - lastFix > patrol.Value.StaleAfter;
        if (DispatchRules.WhyNotAssign(incident.Status, unit.Duty, silent) is { } refusal)
            throw new DispatchRefusedException(refusal, conflict: refusal.Code == "unit_busy");

        // Optimistic concurrency on the unit: only the dispatcher whose update still finds it
        // available wins; the other finds zero rows once the winner commits.
        var taken = await db.Database.ExecuteSqlAsync(
            $"UPDATE patrol_units SET duty = 'assigned' WHERE id = {unitId} AND duty = 'available'", ct);
        if (taken == 0) throw new DispatchRefusedException(UnitTaken, conflict: true);
        var record = new AssignmentRecord
        {
            IncidentId = incidentId, UnitId = unitId, Status = AssignmentStatus.Dispatched, DispatchedAt = now, DispatchedBy = actor.Name,
        };
        db.Assignments.Add(record);
        Move(incident, DispatchRules.IncidentAfter(incident.Status, AssignmentStatus.Dispatched), now);
        Timeline(db, incidentId, now, TimelineKinds.UnitDispatched, actor, unit.Callsign);
        AuditLog.Add(db, actor, AuditActions.UnitDispatched, $"incident/{incidentId}", new { unitId, unit.Callsign }, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new DispatchRefusedException(UnitTaken, conflict: true);
        }
        await TouchUnitAsync(db, unitId, ct);
        await AnnounceAsync(db, incidentId, ct);
        await tx.CommitAsync(ct);
        return await AssignmentAsync(record.Id, ct);
    }

    // One step of a unit's assignment. A responder (onlyUnitId) may move only their own unit.
    public async Task<AssignmentView?> AdvanceAsync(long assignmentId, AssignmentStep step, Actor actor, long? onlyUnitId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var incidentId = await db.Assignments.Where(a => a.Id == assignmentId).Select(a => (long?)a.IncidentId).FirstOrDefaultAsync(ct);
        if (incidentId is null) return null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = (await LockIncidentAsync(db, incidentId.Value, ct))!;
        var record = await db.Assignments.FirstAsync(a => a.Id == assignmentId, ct);
        if (onlyUnitId is { } mine && record.UnitId != mine) throw new DispatchRefusedException(NotYourUnit);
        var now = clock.GetUtcNow();
        Assignment next;
        try
        {
            next = record.ToDomain().Take(step, now);
        }
        catch (DispatchRuleException ex)
        {
            throw new DispatchRefusedException(ex.Refusal, conflict: true);
        }
        record.CopyFrom(next);
        var duty = DispatchRules.DutyFor(next.Status);
        await db.Database.ExecuteSqlAsync($"UPDATE patrol_units SET duty = {PatrolCodes.ToCode(duty)} WHERE id = {record.UnitId}", ct);
        Move(incident, DispatchRules.IncidentAfter(incident.Status, next.Status), now);
        var callsign = await db.PatrolUnits.Where(u => u.Id == record.UnitId).Select(u => u.Callsign).FirstAsync(ct);
        var kind = next.Status switch
        {
            AssignmentStatus.EnRoute => TimelineKinds.UnitEnRoute,
            AssignmentStatus.OnScene => TimelineKinds.UnitOnScene,
            _ => TimelineKinds.UnitCleared,
        };
        Timeline(db, incident.Id, now, kind, actor, callsign);
        AuditLog.Add(db, actor, AuditActions.UnitStep, $"incident/{incident.Id}", new { assignmentId, step = AssignmentCodes.ToCode(step) }, now);
        await db.SaveChangesAsync(ct);
        await TouchUnitAsync(db, record.UnitId, ct);
        await AnnounceAsync(db, incident.Id, ct);
        await tx.CommitAsync(ct);
        return await AssignmentAsync(assignmentId, ct);
    }

    public async Task<IncidentView?> ResolveAsync(long incidentId, string? outcome, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await LockIncidentAsync(db, incidentId, ct);
        if (incident is null) return null;
        if (DispatchRules.WhyNotResolve(incident.Status, outcome) is { } refusal) throw new DispatchRefusedException(refusal, conflict: refusal.Code != "outcome_missing");
        var now = clock.GetUtcNow();
        incident.Outcome = outcome!.Trim();
        incident.ResolvedAt = now;
        Move(incident, IncidentStatus.Resolved, now);
        Timeline(db, incidentId, now, TimelineKinds.Outcome, actor, incident.Outcome);
        AuditLog.Add(db, actor, AuditActions.IncidentStatusChanged, $"incident/{incidentId}", new { status = "resolved" }, now);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, incidentId, ct);
        await tx.CommitAsync(ct);
        return await IncidentAsync(incidentId, ct);
    }

    // 核查结案: the duty officer closes a resolved case with a verification note.
    public async Task<IncidentView?> CloseAsync(long incidentId, string? verification, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await LockIncidentAsync(db, incidentId, ct);
        if (incident is null) return null;
        var assignments = await db.Assignments.Where(a => a.IncidentId == incidentId).ToListAsync(ct);
        if (DispatchRules.WhyNotClose(incident.Status, verification, assignments.Select(a => a.ToDomain())) is { } refusal)
            throw new DispatchRefusedException(refusal, conflict: refusal.Code != "verification_missing");
        var now = clock.GetUtcNow();
        incident.Verification = verification!.Trim();
        incident.ClosedAt = now;
        Move(incident, IncidentStatus.Closed, now);
        Timeline(db, incidentId, now, TimelineKinds.Verification, actor, incident.Verification);
        AuditLog.Add(db, actor, AuditActions.IncidentStatusChanged, $"incident/{incidentId}", new { status = "closed" }, now);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, incidentId, ct);
        await tx.CommitAsync(ct);
        return await IncidentAsync(incidentId, ct);
    }

    // 报警合并: a further call joins the incident it is about.
    public async Task<IncidentView?> LinkReportAsync(long incidentId, string? description, string? callbackNumber, Actor actor, CancellationToken ct = default)
    {
        if (CallRules.WhyNotCallback(callbackNumber) is { } bad) throw new DispatchRefusedException(new("callback_invalid", bad));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await LockIncidentAsync(db, incidentId, ct);
        if (incident is null) return null;
        if (!IncidentLifecycle.IsOpen(incident.Status))
            throw new DispatchRefusedException(new("incident_not_open", "Only an open incident takes further reports."), conflict: true);
        var now = clock.GetUtcNow();
        var text = string.IsNullOrWhiteSpace(description) ? "" : description.Trim();
        db.LinkedReports.Add(new LinkedReport
        {
            IncidentId = incidentId, ReportedAt = now, Description = text, CallbackNumber = CallRules.Normalize(callbackNumber), TakenBy = actor.Name,
        });
        Timeline(db, incidentId, now, TimelineKinds.LinkedReport, actor, text);
        AuditLog.Add(db, actor, AuditActions.ReportLinked, $"incident/{incidentId}", new { }, now);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, incidentId, ct);
        await tx.CommitAsync(ct);
        return await IncidentAsync(incidentId, ct);
    }

    // Open incidents of the same type nearby and recent: the call-taker sees them before saving.
    public async Task<IReadOnlyList<PossibleDuplicateView>> DuplicatesAsync(IncidentType type, double latitude, double longitude, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var rules = options.Value.Duplicates;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = now - rules.Window;
        // The database narrows by time and (generously) by a bounding box; the domain decides.
        var degrees = rules.DistanceMeters / 100_000.0 * 2;
        var nearby = await db.Incidents
            .Where(i => i.Type == type && IncidentLifecycle.OpenStatuses.Contains(i.Status) && i.ReportedAt >= since
                && i.Location.Y >= latitude - degrees && i.Location.Y <= latitude + degrees
                && i.Location.X >= longitude - degrees * 1.5 && i.Location.X <= longitude + degrees * 1.5)
            .Select(i => new { i.Id, i.Type, i.Status, Lat = i.Location.Y, Lon = i.Location.X, i.ReportedAt })
            .ToListAsync(ct);
        var found = DuplicateRules.Find(type, latitude, longitude, now,
            nearby.Select(n => new OpenIncidentNearby(n.Id, n.Type, n.Status, n.Lat, n.Lon, n.ReportedAt)), rules);
        if (found.Count == 0) return [];
        var ids = found.Select(f => f.Id).ToList();
        var views = (await IncidentService.LoadAsync(db, db.Incidents.Where(i => ids.Contains(i.Id)), ct)).ToDictionary(v => v.Id);
        return [.. found.Where(f => views.ContainsKey(f.Id))
            .Select(f => new PossibleDuplicateView(views[f.Id], Math.Round(f.DistanceMeters), (int)f.Age.TotalSeconds))];
    }

    // A responder's unit: the patrol unit whose callsign the account is bound to (UnitCode).
    public async Task<long?> UnitOfAsync(System.Security.Claims.ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.FindFirst(AccessClaims.Unit)?.Value is not { Length: > 0 } callsign) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PatrolUnits.Where(u => u.Callsign == callsign).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct);
    }

    // The assignment a responder's unit is on now, if any.
    public async Task<AssignmentView?> CurrentForUnitAsync(long unitId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await AssignmentView.Query(db, db.Assignments.Where(a => a.UnitId == unitId && a.ClearedAt == null)).FirstOrDefaultAsync(ct);
    }

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(long incidentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await TimelineOf(db, incidentId).ToListAsync(ct);
    }

    // What only the incident's own panel shows: the caller's number, further calls, the timeline.
    public async Task<IncidentCase?> CaseAsync(long incidentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var number = await db.Incidents.Where(i => i.Id == incidentId).Select(i => new { i.CallbackNumber }).FirstOrDefaultAsync(ct);
        if (number is null) return null;
        var linked = await db.LinkedReports.AsNoTracking().Where(r => r.IncidentId == incidentId).OrderBy(r => r.Id).ToListAsync(ct);
        var timeline = await TimelineOf(db, incidentId).ToListAsync(ct);
        return new IncidentCase(number.CallbackNumber, linked, timeline);
    }

    // Resolved, not yet verified and closed: the duty officer's list (核查).
    public async Task<IReadOnlyList<IncidentView>> AwaitingVerificationAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await IncidentService.LoadAsync(db, db.Incidents.Where(i => i.Status == IncidentStatus.Resolved).OrderBy(i => i.ResolvedAt).Take(200), ct);
    }

    private static IQueryable<TimelineEntry> TimelineOf(CommandCenterDb db, long incidentId) =>
        db.Timeline.AsNoTracking().Where(t => t.IncidentId == incidentId).OrderBy(t => t.At).ThenBy(t => t.Id);

    private static Task<Incident?> LockIncidentAsync(CommandCenterDb db, long id, CancellationToken ct) =>
        db.Incidents.FromSql($"SELECT * FROM incidents WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);

    private static void Move(Incident incident, IncidentStatus to, DateTimeOffset now)
    {
        if (incident.Status == to) return;
        incident.Status = IncidentLifecycle.Move(incident.Status, to);
        incident.StatusChangedAt = now;
    }

    private static void Timeline(CommandCenterDb db, long incidentId, DateTimeOffset at, string kind, Actor actor, string text) =>
        db.Timeline.Add(new TimelineEntry { IncidentId = incidentId, At = at, Kind = kind, ActorName = actor.Name, Text = text });

    // The live feed reads units whose latest-position row changed: touching it carries the new
    // duty to every instance's map with the positions.
    private static Task<int> TouchUnitAsync(CommandCenterDb db, long unitId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE unit_positions SET tx = txid_current() WHERE unit_id = {unitId}", ct);

    private static async Task AnnounceAsync(CommandCenterDb db, long incidentId, CancellationToken ct)
    {
        var view = (await IncidentService.LoadAsync(db, db.Incidents.Where(i => i.Id == incidentId), ct))[0];
        await LiveEventStore.AppendAsync(db, LiveStreams.Incidents, IncidentEvents.Updated, view, ct);
        await LiveEventStore.AppendAsync(db, LiveStreams.Incidents, IncidentEvents.RoomChanged, new { incidentId }, ct);
    }

    private async Task<AssignmentView?> AssignmentAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await AssignmentView.Query(db, db.Assignments.Where(a => a.Id == id)).FirstOrDefaultAsync(ct);
    }

    private async Task<IncidentView?> IncidentAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await IncidentService.LoadAsync(db, db.Incidents.Where(i => i.Id == id), ct)).FirstOrDefault();
    }

    // A note from the scene onto the incident's timeline. A responder (onlyUnitId) writes only on an
    // incident their unit was sent to; a closed case takes no more notes.
    public async Task<TimelineEntry?> AddNoteAsync(long incidentId, string? text, Actor actor, long? onlyUnitId = null, CancellationToken ct = default)
    {
        var note = text?.Trim();
        if (string.IsNullOrEmpty(note)) throw new DispatchRefusedException(new("note_missing", "A note needs text."));
        if (note.Length > IncidentReportRules.MaxDescriptionLength)
            throw new DispatchRefusedException(new("note_too_long", $"A note is at most {IncidentReportRules.MaxDescriptionLength} characters."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await LockIncidentAsync(db, incidentId, ct);
        if (incident is null) return null;
        if (onlyUnitId is { } mine && !await db.Assignments.AnyAsync(a => a.IncidentId == incidentId && a.UnitId == mine, ct))
            throw new DispatchRefusedException(NotYourUnit);
        if (incident.Status == IncidentStatus.Closed)
            throw new DispatchRefusedException(new("incident_not_open", "A closed incident takes no more notes."), conflict: true);
        var now = clock.GetUtcNow();
        var entry = new TimelineEntry { IncidentId = incidentId, At = now, Kind = TimelineKinds.Note, ActorName = actor.Name, Text = note };
        db.Timeline.Add(entry);
        AuditLog.Add(db, actor, AuditActions.NoteAdded, $"incident/{incidentId}", new { }, now);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, incidentId, ct);
        await tx.CommitAsync(ct);
        return entry;
    }
}

public sealed record DispatchOptions
{
    public const string Section = "Dispatch";

    public DuplicateOptions Duplicates { get; init; } = new();

    public StageTimerOptions Timers { get; init; } = new();
}
