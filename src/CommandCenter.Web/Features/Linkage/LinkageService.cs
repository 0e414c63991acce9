using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using CommandCenter.Web.Features.Notifications;
using Npgsql;

namespace CommandCenter.Web.Features.Linkage;

// An alert as it arrives, whatever the form (JSON or CAP), after validation.
public sealed record AlertIntake(
    string ExternalId, string Format, DateTimeOffset SentAt, string Category, IncidentPriority Priority,
    double Latitude, double Longitude, string? Address, string? Description, string? ReporterContact, string? CapReference = null);

public sealed record AlertIntakeResult(LinkageAlertView Alert, bool IsNew);

// An alert as a screen or the API shows it. The reporter's contact is whole only for the
// operators of the unit it is with (and the duty officer's desk); masked for everyone else.
public sealed record LinkageAlertView(
    long Id, string ExternalId, string Category, string Priority, string State, bool OutOfArea,
    long? UnitId, string? UnitName, double Latitude, double Longitude, string? Address, string? Description,
    string? ReporterContact, DateTimeOffset SentAt, DateTimeOffset ReceivedAt,
    DateTimeOffset? AcknowledgeDueAt, DateTimeOffset? ArriveDueAt, DateTimeOffset? FeedbackDueAt,
    DateTimeOffset? AcknowledgedAt, DateTimeOffset? ArrivedAt, DateTimeOffset? DoneAt, string? Feedback,
    int Misses, bool Overdue, bool Supervised, long? IncidentId)
{
    // The deadline the alert is working towards now, if any.
    public DateTimeOffset? NextDueAt => State switch
    {
        "routed" => AcknowledgeDueAt,
        "acknowledged" => ArriveDueAt,
        "on_scene" => FeedbackDueAt,
        _ => null,
    };
}

public sealed class LinkageRefusedException(Refusal refusal, int status) : Exception(refusal.Message)
{
    public Refusal Refusal { get; } = refusal;

    public int Status { get; } = status;
}

public sealed record LinkageOptions
{
    public const string Section = "Linkage";

    // Time limits by category and priority; the most specific rule wins; none: 5 min / 30 min / 24 h.
    public IReadOnlyList<StepLimitRule> Limits { get; init; } =
    [
        new(null, "critical", new(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(20), TimeSpan.FromHours(12))),
        new("gas", null, new(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(20), TimeSpan.FromHours(12))),
    ];

    public TimeSpan SchedulerInterval { get; init; } = TimeSpan.FromSeconds(5);

    // The demo's units and operators: only where demo accounts are seeded (never Production).
    public bool SeedDemoUnits { get; init; }

    // Linkage:Feedback: each step reported back to 110 through a webhook outbox (off without a Url).
    public LinkageFeedbackOptions Feedback { get; init; } = new();
}

// Intake, routing and the time-limit ladder of 110 linkage alerts. Every command is one
// transaction with its history rows, its audit row and its live event.
public sealed class LinkageService(IDbContextFactory<CommandCenterDb> dbFactory, IOptions<LinkageOptions> options, TimeProvider clock)
{
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    public static readonly Refusal NotYours = new("not_your_unit", "This alert is with another linkage unit.");
    public static readonly Refusal NotOpen = new("alert_not_open", "The alert is done or cancelled.");

    public async Task<AlertIntakeResult> IntakeAsync(AlertIntake intake, Actor actor, CancellationToken ct = default)
    {
        var source = actor.SourceName;
        if (await FindAsync(source, intake.ExternalId, ct) is { } existing) return new(existing, IsNew: false);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var point = Wgs84.CreatePoint(new Coordinate(intake.Longitude, intake.Latitude));
        var alert = new LinkageAlert
        {
            ExternalId = intake.ExternalId, Source = source, Format = intake.Format, SentAt = intake.SentAt.ToUniversalTime(), ReceivedAt = now,
            Category = intake.Category, Priority = intake.Priority, Location = point, Address = intake.Address,
            Description = intake.Description, ReporterContact = intake.ReporterContact, State = AlertState.Unrouted, StateChangedAt = now, CapReference = intake.CapReference,
            OutOfArea = !await db.Grids.AnyAsync(g => g.Boundary.Covers(point), ct),
        };
        db.LinkageAlerts.Add(alert);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            await tx.RollbackAsync(ct);
            return new((await FindAsync(source, intake.ExternalId, ct))!, IsNew: false);
        }
        Entry(db, alert.Id, now, "received", actor, $"{intake.Category} · {intake.Format}");
        var unit = alert.OutOfArea ? null : await RouteTargetAsync(db, alert, ct);
        if (unit is not null) RouteTo(db, alert, unit, now, actor);
        else Entry(db, alert.Id, now, "queued", actor, alert.OutOfArea ? "out_of_area" : "no_unit");
        AuditLog.Add(db, actor, AuditActions.AlertReceived, $"linkage_alert/{alert.Id}", new { intake.ExternalId, intake.Category }, now);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, alert, ct);
        await tx.CommitAsync(ct);
        return new((await GetAsync(alert.Id, ct))!, IsNew: true);
    }

    // 签收 / 到场 / 反馈 by an operator of the unit (onlyUnitId) or the duty officer's desk (null).
    public async Task<LinkageAlertView?> StepAsync(long alertId, AlertStep step, string? feedback, Actor actor, long? onlyUnitId, CancellationToken ct = default)
    {
        if (step == AlertStep.Feedback && string.IsNullOrWhiteSpace(feedback))
            throw new LinkageRefusedException(new("feedback_missing", "Say what was done (the feedback to 110)."), 400);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alert = await LockAsync(db, alertId, ct);
        if (alert is null) return null;
        Guard(alert, onlyUnitId);
        var now = clock.GetUtcNow();
        try
        {
            alert.State = AlertLadder.Take(alert.State, step);
        }
        catch (DispatchRuleException ex)
        {
            throw new LinkageRefusedException(ex.Refusal, 409);
        }
        alert.StateChangedAt = now;
        switch (step)
        {
            case AlertStep.Acknowledge: alert.AcknowledgedAt = now; break;
            case AlertStep.Arrive: alert.ArrivedAt = now; break;
            default:
                alert.DoneAt = now;
                alert.Feedback = feedback!.Trim();
                break;
        }
        alert.Overdue = false;
        Entry(db, alertId, now, AlertLadder.Codes.ToCode(step), actor, step == AlertStep.Feedback ? alert.Feedback! : "");
        AuditLog.Add(db, actor, AuditActions.AlertStep, $"linkage_alert/{alertId}", new { step = AlertLadder.Codes.ToCode(step) }, now);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, alert, ct);
        await tx.CommitAsync(ct);
        return await GetAsync(alertId, ct);
    }

    // 退单: back to the duty officer's queue with a reason; deadlines and history are kept.
    public async Task<LinkageAlertView?> HandBackAsync(long alertId, string? reason, Actor actor, long? onlyUnitId, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new LinkageRefusedException(new("reason_missing", "Say why the alert is handed back."), 400);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alert = await LockAsync(db, alertId, ct);
        if (alert is null) return null;
        Guard(alert, onlyUnitId);
        if (!AlertLadder.CanHandBack(alert.State))
            throw new LinkageRefusedException(new("cannot_hand_back", "Only an alert not yet on scene can be handed back."), 409);
        var now = clock.GetUtcNow();
        alert.State = AlertState.Unrouted;
        alert.UnitId = null;
        alert.StateChangedAt = now;
        Entry(db, alertId, now, "handed_back", actor, reason.Trim());
        AuditLog.Add(db, actor, AuditActions.AlertHandedBack, $"linkage_alert/{alertId}", new { }, now);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, alert, ct);
        await tx.CommitAsync(ct);
        return await GetAsync(alertId, ct);
    }

    // The duty officer routes an alert from the queue by hand.
    public async Task<LinkageAlertView?> RouteAsync(long alertId, long unitId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alert = await LockAsync(db, alertId, ct);
        var unit = await db.LinkageUnits.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId, ct);
        if (alert is null || unit is null) return null;
        if (alert.State != AlertState.Unrouted) throw new LinkageRefusedException(new("already_routed", "The alert is already with a unit."), 409);
        RouteTo(db, alert, unit, clock.GetUtcNow(), actor);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(db, alert, ct);
        await tx.CommitAsync(ct);
        return await GetAsync(alertId, ct);
    }

    // CAP Cancel from the sender: the alert stops, its deadlines no longer count.
    public async Task<LinkageAlertView?> CancelAsync(string externalId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await db.LinkageAlerts.Where(a => a.Source == actor.SourceName && a.ExternalId == externalId).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        if (id is null) return null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alert = (await LockAsync(db, id.Value, ct))!;
        if (AlertLadder.IsOpen(alert.State))
        {
            var now = clock.GetUtcNow();
            alert.State = AlertState.Cancelled;
            alert.StateChangedAt = now;
            alert.Overdue = false;
            Entry(db, alert.Id, now, "cancelled", actor, "");
            await db.SaveChangesAsync(ct);
            await AnnounceAsync(db, alert, ct);
        }
        await tx.CommitAsync(ct);
        return await GetAsync(alert.Id, ct);
    }

    // CAP Update from the sender: the alert keeps its place and clock; what it says is updated.
    public async Task<LinkageAlertView?> UpdateAsync(string externalId, string? description, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await db.LinkageAlerts.Where(a => a.Source == actor.SourceName && a.ExternalId == externalId).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        if (id is null) return null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alert = (await LockAsync(db, id.Value, ct))!;
        if (!string.IsNullOrWhiteSpace(description) && AlertLadder.IsOpen(alert.State))
        {
            alert.Description = description.Length > IncidentReportRules.MaxDescriptionLength ? description[..IncidentReportRules.MaxDescriptionLength] : description;
            Entry(db, alert.Id, clock.GetUtcNow(), "updated", actor, alert.Description);
            await db.SaveChangesAsync(ct);
            await AnnounceAsync(db, alert, ct);
        }
        await tx.CommitAsync(ct);
        return await GetAsync(alert.Id, ct);
    }

    // The ladder: due deadlines are claimed (SKIP LOCKED: one instance each), judged against
    // the alert's state, and marked fired in the same transaction, so each fires exactly once.
    public async Task<int> FireDueAsync(int max = 100, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var due = await db.LinkageDeadlines
            .FromSql($"SELECT * FROM linkage_deadlines WHERE fired_at IS NULL AND due_at <= {now} ORDER BY due_at LIMIT {max} FOR UPDATE SKIP LOCKED")
            .ToListAsync(ct);
        if (due.Count == 0) return 0;
        var ids = due.Select(d => d.AlertId).Distinct().ToList();
        var alerts = await db.LinkageAlerts.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var system = Actor.System("ladder");
        var missedSteps = new List<(LinkageAlert Alert, AlertStep Step, bool Supervised)>();
        foreach (var deadline in due)
        {
            var alert = alerts[deadline.AlertId];
            var missed = AlertLadder.IsMissed(alert.State, deadline.Step);
            deadline.FiredAt = now;
            deadline.Missed = missed;
            if (!missed) continue;
            alert.Misses++;
            alert.Overdue = true;
            var supervise = AlertLadder.Supervise(alert.Misses) && !alert.Supervised;
            if (supervise) alert.Supervised = true;
            // Each miss is for the unit's supervisor (their inbox shows it); the second for 督办.
            Entry(db, alert.Id, now, "overdue", system, AlertLadder.Codes.ToCode(deadline.Step));
            if (supervise) Entry(db, alert.Id, now, "supervised", system, "");
            missedSteps.Add((alert, deadline.Step, supervise));
        }
        await db.SaveChangesAsync(ct);
        await NotifySupervisorsAsync(db, missedSteps, now, ct);
        foreach (var alert in alerts.Values.Where(a => due.Any(d => d.AlertId == a.Id && d.Missed == true)))
            await AnnounceAsync(db, alert, ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }

    // The unit's supervisor hears of each miss in person (their screens, then the outbound
    // channels), in the transaction that records the miss: a miss never goes unnoticed or twice.
    private static async Task NotifySupervisorsAsync(CommandCenterDb db, List<(LinkageAlert Alert, AlertStep Step, bool Supervised)> missed, DateTimeOffset now, CancellationToken ct)
    {
        if (missed.Count == 0) return;
        var unitIds = missed.Where(m => m.Alert.UnitId is not null).Select(m => m.Alert.UnitId!.Value).Distinct().ToList();
        var supervisors = await db.LinkageUnits.Where(u => unitIds.Contains(u.Id) && u.SupervisorUserName != null)
            .ToDictionaryAsync(u => u.Id, u => (u.SupervisorUserName!, u.Name), ct);
        foreach (var (alert, step, supervised) in missed)
        {
            if (alert.UnitId is not { } unitId || !supervisors.TryGetValue(unitId, out var supervisor)) continue;
            var text = LinkageNotices.Overdue(alert.Category, alert.Address, supervisor.Name, step, supervised);
            await NotificationService.AddAsync(db, supervisor.Item1, supervised ? NotificationKinds.AlertSupervised : NotificationKinds.AlertOverdue,
                $"linkage_alert/{alert.Id}", text, now, ct);
        }
    }

    public async Task<LinkageAlertView?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Views(db, db.LinkageAlerts.Where(a => a.Id == id)).FirstOrDefaultAsync(ct);
    }

    // An operator's inbox: their unit's open alerts, the next deadline first.
    public async Task<IReadOnlyList<LinkageAlertView>> ForUnitAsync(long unitId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = await Views(db, db.LinkageAlerts.Where(a => a.UnitId == unitId && a.State != AlertState.Done && a.State != AlertState.Cancelled)).ToListAsync(ct);
        return [.. open.OrderBy(a => a.NextDueAt ?? DateTimeOffset.MaxValue)];
    }

    // The duty officer's queue: unrouted, overdue or under supervision.
    public async Task<IReadOnlyList<LinkageAlertView>> QueueAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Views(db, db.LinkageAlerts.Where(a => a.State != AlertState.Done && a.State != AlertState.Cancelled
                && (a.State == AlertState.Unrouted || a.Overdue || a.Supervised))
            .OrderByDescending(a => a.Supervised).ThenBy(a => a.ReceivedAt)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<LinkageAlertEntry>> HistoryAsync(long alertId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LinkageAlertEntries.AsNoTracking().Where(e => e.AlertId == alertId).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
    }

    public async Task<long?> UnitIdOfCodeAsync(string? code, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(code)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LinkageUnits.Where(u => u.Code == code).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct);
    }

    public async Task<IReadOnlyList<LinkageUnitView>> UnitsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LinkageUnits.AsNoTracking().OrderBy(u => u.Code)
            .Select(u => new LinkageUnitView(u.Id, u.Code, u.Name, u.Categories, u.SupervisorName)).ToListAsync(ct);
    }

    // The unit's contact mask: whole for the unit it is with, masked for everyone else.
    public static LinkageAlertView ForViewer(LinkageAlertView alert, long? viewerUnitId, bool desk) =>
        desk || (viewerUnitId is { } mine && alert.UnitId == mine) ? alert : alert with { ReporterContact = CallRules.Mask(alert.ReporterContact) };

    private async Task<LinkageAlertView?> FindAsync(string source, string externalId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Views(db, db.LinkageAlerts.Where(a => a.Source == source && a.ExternalId == externalId)).FirstOrDefaultAsync(ct);
    }

    private static async Task<LinkageUnit?> RouteTargetAsync(CommandCenterDb db, LinkageAlert alert, CancellationToken ct)
    {
        var candidates = await db.LinkageUnits
            .Where(u => u.Categories.Contains(alert.Category) && u.Area.Covers(alert.Location))
            .Select(u => new { Unit = u, Size = u.Area.Area })
            .ToListAsync(ct);
        var chosen = LinkageRouting.Choose(alert.Category,
            candidates.Select(c => new RoutingCandidate(c.Unit.Id, c.Unit.Name, c.Unit.Categories, c.Size, CoversLocation: true)));
        return chosen is null ? null : candidates.First(c => c.Unit.Id == chosen.UnitId).Unit;
    }

    private void RouteTo(CommandCenterDb db, LinkageAlert alert, LinkageUnit unit, DateTimeOffset now, Actor actor)
    {
        alert.UnitId = unit.Id;
        alert.State = AlertState.Routed;
        alert.StateChangedAt = now;
        if (alert.RoutedAt is null)
        {
            // The clock starts once, at the first routing; a re-routed alert keeps its deadlines.
            alert.RoutedAt = now;
            var limits = AlertLadder.LimitsFor(alert.Category, IncidentCodes.ToCode(alert.Priority), unit.Limits, options.Value.Limits);
            alert.AcknowledgeDueAt = now + limits.Acknowledge;
            alert.ArriveDueAt = now + limits.Arrive;
            alert.FeedbackDueAt = now + limits.Feedback;
            foreach (var step in Enum.GetValues<AlertStep>())
                db.LinkageDeadlines.Add(new LinkageDeadline { AlertId = alert.Id, Step = step, DueAt = now + limits.For(step) });
        }
        Entry(db, alert.Id, now, "routed", actor, unit.Name);
    }

    private static void Guard(LinkageAlert alert, long? onlyUnitId)
    {
        if (onlyUnitId is { } mine && alert.UnitId != mine) throw new LinkageRefusedException(NotYours, 403);
        if (!AlertLadder.IsOpen(alert.State)) throw new LinkageRefusedException(NotOpen, 409);
    }

    // The alert row, locked until the caller's transaction ends: one change to an alert at a time.
    internal static Task<LinkageAlert?> LockAsync(CommandCenterDb db, long id, CancellationToken ct) =>
        db.LinkageAlerts.FromSql($"SELECT * FROM linkage_alerts WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);

    private static void Entry(CommandCenterDb db, long alertId, DateTimeOffset at, string kind, Actor actor, string text) =>
        db.LinkageAlertEntries.Add(new LinkageAlertEntry { AlertId = alertId, At = at, Kind = kind, ActorName = actor.Name, Text = text });

    // Every change is announced once, in its transaction: the feedback to 110 is queued there too.
    internal async Task AnnounceAsync(CommandCenterDb db, LinkageAlert alert, CancellationToken ct)
    {
        await LinkageFeedbackOutbox.QueueAsync(db, alert, options.Value.Feedback, ct);
        await LiveEventStore.AppendAsync(db, LiveStreams.Linkage, LinkageEvents.Changed,
            new { alertId = alert.Id, unitId = alert.UnitId, state = AlertLadder.Codes.ToCode(alert.State), overdue = alert.Overdue, supervised = alert.Supervised }, ct);
    }

    private static IQueryable<LinkageAlertView> Views(CommandCenterDb db, IQueryable<LinkageAlert> alerts) =>
        from a in alerts
        join u in db.LinkageUnits on a.UnitId equals u.Id into uj
        from u in uj.DefaultIfEmpty()
        select new LinkageAlertView(a.Id, a.ExternalId, a.Category, IncidentCodes.ToCode(a.Priority), AlertLadder.Codes.ToCode(a.State), a.OutOfArea,
            a.UnitId, u.Name, a.Location.Y, a.Location.X, a.Address, a.Description, a.ReporterContact, a.SentAt, a.ReceivedAt,
            a.AcknowledgeDueAt, a.ArriveDueAt, a.FeedbackDueAt, a.AcknowledgedAt, a.ArrivedAt, a.DoneAt, a.Feedback,
            a.Misses, a.Overdue, a.Supervised, a.IncidentId);
}

public sealed record LinkageUnitView(long Id, string Code, string Name, IReadOnlyList<string> Categories, string? SupervisorName);

public static class LinkageEvents
{
    public const string Changed = "alert.changed";
}
