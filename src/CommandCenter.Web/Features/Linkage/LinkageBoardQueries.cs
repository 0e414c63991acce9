using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Linkage;

// An open alert as the map, the wall and the leaders' view draw it. It has no reporter contact
// and never will: these screens are watched by a room, not by the unit the alert is with.
public sealed record AlertMapItem(
    long Id, string Category, string Priority, string State, bool Overdue, bool Supervised,
    string? UnitName, string? Address, double Latitude, double Longitude,
    DateTimeOffset ReceivedAt, DateTimeOffset? OverdueSince);

// One linkage unit's row of the league table: steps done by their deadline ÷ steps that fell due
// in the window (null rate: nothing fell due), and its open alerts overdue now.
public sealed record LeagueRow(long UnitId, string UnitName, int DueToday, int OnTimeToday, int DueWeek, int OnTimeWeek, int OverdueNow)
{
    public double? RateToday => DueToday == 0 ? null : (double)OnTimeToday / DueToday;

    public double? RateWeek => DueWeek == 0 ? null : (double)OnTimeWeek / DueWeek;
}

// The reads behind LinkageBoard: plain queries, each one round trip.
public sealed class LinkageBoardQueries(IDbContextFactory<CommandCenterDb> dbFactory)
{
    public async Task<IReadOnlyList<AlertMapItem>> OpenAlertsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (
            from a in db.LinkageAlerts.AsNoTracking()
            where a.State != AlertState.Done && a.State != AlertState.Cancelled
            join u in db.LinkageUnits on a.UnitId equals u.Id into uj
            from u in uj.DefaultIfEmpty()
            orderby a.ReceivedAt, a.Id
            // Column by column: the entity's ReporterContact is never read for these screens.
            select new
            {
                a.Id, a.Category, a.Priority, a.State, a.Overdue, a.Supervised, UnitName = u.Name, a.Address,
                Lat = a.Location.Y, Lon = a.Location.X, a.ReceivedAt,
                a.AcknowledgeDueAt, a.ArriveDueAt, a.FeedbackDueAt, a.AcknowledgedAt, a.ArrivedAt, a.DoneAt,
            }).ToListAsync(ct);
        return [.. rows.Select(r => new AlertMapItem(r.Id, r.Category, IncidentCodes.ToCode(r.Priority), AlertLadder.Codes.ToCode(r.State),
            r.Overdue, r.Supervised, r.UnitName, r.Address, Math.Round(r.Lat, 6), Math.Round(r.Lon, 6), r.ReceivedAt,
            r.Overdue ? OverdueSince(r.AcknowledgeDueAt, r.AcknowledgedAt, r.ArriveDueAt, r.ArrivedAt, r.FeedbackDueAt, r.DoneAt) : null))];
    }

    // The first deadline whose step is still not done: how long the alert has been overdue.
    public static DateTimeOffset? OverdueSince(
        DateTimeOffset? acknowledgeDue, DateTimeOffset? acknowledgedAt, DateTimeOffset? arriveDue, DateTimeOffset? arrivedAt,
        DateTimeOffset? feedbackDue, DateTimeOffset? doneAt) =>
        acknowledgedAt is null && acknowledgeDue is not null ? acknowledgeDue
        : arrivedAt is null && arriveDue is not null ? arriveDue
        : doneAt is null ? feedbackDue
        : null;

    // The league table in one query (columns in snake case: the context's naming convention maps them): every deadline that fell due in the last 7 days (and, of
    // those, since the center's midnight), judged by when its step was done; cancelled alerts do
    // not count. Steps count for the unit the alert is with now (a hand-back takes them along).
    public async Task<IReadOnlyList<LeagueRow>> LeagueAsync(DateTimeOffset now, DateTimeOffset startOfDay, CancellationToken ct = default)
    {
        var weekAgo = now.AddDays(-7);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Database.SqlQuery<LeagueRow>($"""
            WITH steps AS (
                SELECT a.unit_id, d.due_at,
                       CASE d.step WHEN 'acknowledge' THEN a.acknowledged_at WHEN 'arrive' THEN a.arrived_at ELSE a.done_at END AS done_at
                FROM linkage_deadlines d JOIN linkage_alerts a ON a.id = d.alert_id
                WHERE a.state <> 'cancelled' AND a.unit_id IS NOT NULL AND d.due_at > {weekAgo} AND d.due_at <= {now}),
            overdue AS (
                SELECT unit_id, count(*)::int AS n FROM linkage_alerts
                WHERE overdue AND state NOT IN ('done', 'cancelled') AND unit_id IS NOT NULL GROUP BY unit_id)
            SELECT u.id AS unit_id, u.name AS unit_name,
                   count(s.due_at) FILTER (WHERE s.due_at > {startOfDay})::int AS due_today,
                   count(s.due_at) FILTER (WHERE s.due_at > {startOfDay} AND s.done_at <= s.due_at)::int AS on_time_today,
                   count(s.due_at)::int AS due_week,
                   count(s.due_at) FILTER (WHERE s.done_at <= s.due_at)::int AS on_time_week,
                   coalesce(max(o.n), 0)::int AS overdue_now
            FROM linkage_units u
            LEFT JOIN steps s ON s.unit_id = u.id
            LEFT JOIN overdue o ON o.unit_id = u.id
            GROUP BY u.id, u.name
            """).ToListAsync(ct);
    }
}
