using System.Globalization;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Infrastructure;
using CommandCenter.Web.Live;
using Microsoft.Extensions.Localization;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace CommandCenter.Web.Features.Incidents;

public sealed record IncidentCreated(IncidentView Incident, bool IsNew);

public sealed class IncidentService(IDbContextFactory<CommandCenterDb> dbFactory, TimeProvider clock, IStringLocalizer<Strings> L)
{
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    // An untitled report (a gateway that sends only a type) is named by its type in the center's
    // language, 火情 rather than "fire": the title is stored data, shown alike to every user.
    private string UntitledName(IncidentType type)
    {
        var ui = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CenterBasics.Cultures[0];
        try
        {
            return L[$"Type_{IncidentCodes.ToCode(type)}"].Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
        }
    }

    public async Task<IncidentCreated> CreateAsync(ValidIncidentReport report, Actor actor, CancellationToken ct = default)
    {
        var source = actor.SourceName;
        if (report.ExternalId is not null && await FindByExternalIdAsync(source, report.ExternalId, ct) is { } existing)
            return new IncidentCreated(existing, IsNew: false);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var location = Wgs84.CreatePoint(new Coordinate(report.Longitude, report.Latitude));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = new Incident
        {
            Type = report.Type,
            Priority = report.Priority,
            Status = IncidentStatus.Reported,
            Title = report.Title ?? UntitledName(report.Type),
            Description = report.Description,
            Address = report.Address,
            Location = location,
            // Left null: the database stamps the grid in the INSERT itself (trigger
            // incidents_stamp_grid), so reporting costs no extra round trip; EF reads it back.
            Source = source,
            ExternalId = report.ExternalId,
            ReportedAt = clock.GetUtcNow(),
            StatusChangedAt = clock.GetUtcNow(),
            CallbackNumber = CallRules.Normalize(report.CallbackNumber),
            Casualties = report.Casualties,
        };
        db.Incidents.Add(incident);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same report raced in twice: the first one stands.
            await tx.RollbackAsync(ct);
            return new IncidentCreated((await FindByExternalIdAsync(source, report.ExternalId!, ct))!, IsNew: false);
        }
        AuditLog.Add(db, actor, AuditActions.IncidentCreated, $"incident/{incident.Id}", new { type = IncidentCodes.ToCode(report.Type), report.ExternalId }, incident.ReportedAt);
        db.Timeline.Add(new TimelineEntry
        {
            IncidentId = incident.Id, At = incident.ReportedAt, Kind = TimelineKinds.Reported, ActorName = actor.Name, Text = incident.Title,
        });
        await db.SaveChangesAsync(ct);
        var view = (await LoadAsync(db, db.Incidents.Where(i => i.Id == incident.Id), ct))[0];
        await LiveEventStore.AppendAsync(db, LiveStreams.Incidents, IncidentEvents.Created, view, ct);
        await tx.CommitAsync(ct);
        return new IncidentCreated(view, IsNew: true);
    }

    public async Task<IncidentView?> ChangeStatusAsync(long id, IncidentStatus to, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await db.Incidents
            .FromSql($"SELECT * FROM incidents WHERE id = {id} FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (incident is null) return null;
        incident.Status = IncidentLifecycle.Move(incident.Status, to);
        incident.StatusChangedAt = clock.GetUtcNow();
        if (!IncidentLifecycle.IsOpen(to)) incident.ResolvedAt ??= clock.GetUtcNow();
        AuditLog.Add(db, actor, AuditActions.IncidentStatusChanged, $"incident/{id}", new { status = IncidentLifecycle.ToCode(to) }, clock.GetUtcNow());
        db.Timeline.Add(new TimelineEntry
        {
            IncidentId = id, At = clock.GetUtcNow(), Kind = TimelineKinds.Status, ActorName = actor.Name, Text = IncidentLifecycle.ToCode(to),
        });
        await db.SaveChangesAsync(ct);
        var view = (await LoadAsync(db, db.Incidents.Where(i => i.Id == id), ct))[0];
        await LiveEventStore.AppendAsync(db, LiveStreams.Incidents, IncidentEvents.Updated, view, ct);
        await tx.CommitAsync(ct);
        return view;
    }

    // Casualties become known after the call: the desk or the scene corrects the count, which the
    // plans' casualty rules read. Unchanged counts write nothing.
    public async Task<IncidentView?> SetCasualtiesAsync(long id, int casualties, Actor actor, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(casualties);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await db.Incidents.FromSql($"SELECT * FROM incidents WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (incident is null) return null;
        if (incident.Casualties != casualties)
        {
            var now = clock.GetUtcNow();
            incident.Casualties = casualties;
            AuditLog.Add(db, actor, AuditActions.IncidentCasualties, $"incident/{id}", new { casualties }, now);
            db.Timeline.Add(new TimelineEntry
            {
                IncidentId = id, At = now, Kind = TimelineKinds.Casualties, ActorName = actor.Name, Text = casualties.ToString(CultureInfo.InvariantCulture),
            });
            await db.SaveChangesAsync(ct);
        }
        var view = (await LoadAsync(db, db.Incidents.Where(i => i.Id == id), ct))[0];
        await LiveEventStore.AppendAsync(db, LiveStreams.Incidents, IncidentEvents.Updated, view, ct);
        await tx.CommitAsync(ct);
        return view;
    }

    public async Task<IncidentView?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await LoadAsync(db, db.Incidents.Where(i => i.Id == id), ct)).FirstOrDefault();
    }

    // Open incidents plus the stream position they reflect, read in one snapshot so that
    // replaying events after LastSeq on top of it is exact.
    public async Task<IncidentSnapshot> OpenSnapshotAsync(int limit = 500, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var lastSeq = await db.LiveStreams.Where(s => s.Stream == LiveStreams.Incidents).Select(s => s.LastSeq).FirstOrDefaultAsync(ct);
        var open = await LoadAsync(db, db.Incidents
                .Where(i => IncidentLifecycle.OpenStatuses.Contains(i.Status))
                .OrderByDescending(i => i.ReportedAt)
                .Take(limit), ct);
        return new IncidentSnapshot(lastSeq, [.. open.OrderByDescending(i => i.ReportedAt)]);
    }

    // Only one source's incidents: the demo feed tidies what it reported and nothing else.
    public async Task<IReadOnlyList<long>> OpenIdsReportedBeforeAsync(string source, DateTimeOffset before, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Incidents
            .Where(i => i.Source == source && IncidentLifecycle.OpenStatuses.Contains(i.Status) && i.ReportedAt < before)
            .OrderBy(i => i.ReportedAt)
            .Select(i => i.Id)
            .ToListAsync(ct);
    }

    // Boundary points belong to exactly one grid: the covering grid with the lowest code.
    internal static Task<string?> GridContainingAsync(CommandCenterDb db, Point location, CancellationToken ct) =>
        db.Grids.Where(g => g.Boundary.Covers(location)).OrderBy(g => g.Code).Select(g => g.Code).FirstOrDefaultAsync(ct);

    private async Task<IncidentView?> FindByExternalIdAsync(string source, string externalId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await LoadAsync(db, db.Incidents.Where(i => i.Source == source && i.ExternalId == externalId), ct)).FirstOrDefault();
    }

    internal static IQueryable<IncidentView> ViewsOf(CommandCenterDb db, IQueryable<Incident> incidents) =>
        from i in incidents
        join g in db.Grids on i.GridCode equals g.Code into gj
        from g in gj.DefaultIfEmpty()
        join c in db.Communities on g.CommunityCode equals c.Code into cj
        from c in cj.DefaultIfEmpty()
        join s in db.Subdistricts on c.SubdistrictCode equals s.Code into sj
        from s in sj.DefaultIfEmpty()
        select new IncidentView(
            i.Id,
            IncidentCodes.ToCode(i.Type),
            IncidentCodes.ToCode(i.Priority),
            (int)i.Priority,
            IncidentLifecycle.ToCode(i.Status),
            IncidentLifecycle.OpenStatuses.Contains(i.Status),
            i.Title,
            i.Description,
            i.Address,
            i.Location.Y,
            i.Location.X,
            i.GridCode,
            g.Name,
            c.Name,
            s.Name,
            i.Source,
            i.ExternalId,
            i.ReportedAt,
            i.ResolvedAt,
            i.LeadName,
            i.UnderSupervision,
            i.StatusChangedAt,
            i.Outcome,
            db.LinkedReports.Count(r => r.IncidentId == i.Id),
            null,
            i.Casualties);

    // Views with the units sent to each: one more query for the whole set, not one per incident.
    internal static async Task<List<IncidentView>> LoadAsync(CommandCenterDb db, IQueryable<Incident> incidents, CancellationToken ct)
    {
        var views = await ViewsOf(db, incidents).ToListAsync(ct);
        if (views.Count == 0) return views;
        var ids = views.Select(v => v.Id).ToList();
        var assignments = await Dispatch.AssignmentView.Query(db, db.Assignments.Where(a => ids.Contains(a.IncidentId))).ToListAsync(ct);
        var byIncident = assignments.GroupBy(a => a.IncidentId).ToDictionary(g => g.Key, g => (IReadOnlyList<Dispatch.AssignmentView>)[.. g.OrderBy(a => a.Id)]);
        return [.. views.Select(v => v with { Assignments = byIncident.GetValueOrDefault(v.Id, []) })];
    }
}
