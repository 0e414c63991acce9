using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Linkage;

// 转为警情: the center takes an alert on as its own incident with one action. The alert keeps its
// ladder and unit; both sides record the link (the alert's history, the incident's timeline).
public sealed class AlertIncidents(IDbContextFactory<CommandCenterDb> dbFactory, IncidentService incidents, LinkageService linkage, TimeProvider clock)
{
    public static readonly Refusal AlreadyClosed = new("alert_not_open", "The alert is done or cancelled.");

    // Returns the incident's id and whether this call made it; a second call (or a second desk at
    // the same moment: the alert row is locked meanwhile) gets the same incident.
    public async Task<(long IncidentId, bool IsNew)?> ToIncidentAsync(long alertId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alert = await LinkageService.LockAsync(db, alertId, ct);
        if (alert is null) return null;
        if (alert.IncidentId is { } existing) return (existing, false);
        if (alert.State == AlertState.Cancelled) throw new LinkageRefusedException(AlreadyClosed, 409);
        var type = LinkageCategories.TryParse(alert.Category, out var category) ? LinkageCategories.IncidentTypeOf(category) : IncidentType.Other;
        var title = Shorten(alert.Description ?? alert.Address ?? alert.Category, IncidentReportRules.MaxTitleLength);
        var report = new ValidIncidentReport(type, alert.Priority, alert.Location.Y, alert.Location.X, title, alert.Description, alert.Address, null, alert.ReporterContact);
        // The incident is committed by its own service; the lock above keeps a second click waiting
        // until this transaction records the link, so it finds the incident instead of making another.
        var created = await incidents.CreateAsync(report, actor, ct);
        var now = clock.GetUtcNow();
        alert.IncidentId = created.Incident.Id;
        db.LinkageAlertEntries.Add(new LinkageAlertEntry { AlertId = alert.Id, At = now, Kind = "incident", ActorName = actor.Name, Text = $"#{created.Incident.Id}" });
        db.Timeline.Add(new TimelineEntry
        {
            IncidentId = created.Incident.Id, At = now, Kind = TimelineKinds.FromLinkageAlert, ActorName = actor.Name,
            Text = $"{alert.ExternalId} · {alert.Category}",
        });
        AuditLog.Add(db, actor, AuditActions.AlertToIncident, $"linkage_alert/{alert.Id}", new { incidentId = created.Incident.Id }, now);
        await db.SaveChangesAsync(ct);
        await linkage.AnnounceAsync(db, alert, ct);
        await tx.CommitAsync(ct);
        return (created.Incident.Id, true);
    }

    private static string Shorten(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= max ? line : line[..max];
    }
}
