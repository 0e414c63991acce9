using System.ComponentModel.DataAnnotations;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Plans;

public sealed record PlanOptions
{
    public const string Section = "Plans";

    // How often the engine weighs the entry rules and fires deadlines.
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan RuleInterval { get; init; } = TimeSpan.FromSeconds(5);

    // Off, the entry rules propose nothing (deadlines still fire): for a center that activates
    // plans by hand only, and for tests that weigh the rules themselves.
    public bool RulesEnabled { get; init; } = true;

    // Open incidents reported longer ago than this no longer start a plan by rule (a run in force
    // is weighed however old its incident).
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00")]
    public TimeSpan Lookback { get; init; } = TimeSpan.FromHours(24);
}

// The escalation rules at work: for every open incident (and every incident a plan runs on) it
// gathers the facts the plans' entry rules ask about — priority, casualties, clusters found with
// ST_ClusterDBSCAN or per community, 督办 alerts around, overdue tasks — and lets PlanRules pick
// the level. Levels Ⅳ/Ⅲ are applied, Ⅱ/Ⅰ go to a leader as a request (PlanRun's guards decide).
// Each proposal is recorded once per incident, plan and level (plan_rule_firings) in the same
// transaction as the request: after a restart, or on two instances at once, it fires once.
public sealed class PlanRuleEngine(
    IDbContextFactory<CommandCenterDb> dbFactory,
    PlanStore plans,
    PlanRunService runs,
    TimeProvider clock,
    IOptions<PlanOptions> options,
    ILogger<PlanRuleEngine> logger)
{
    private sealed record CandidateRow(long Id, string Type, int Priority, int Casualties, string? CommunityCode);

    private sealed record AreaRow(long Id, int N, string? Cluster);

    private sealed record CountRow(long Id, int N);

    // Returns how many proposals it made.
    public async Task<int> EvaluateAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var since = now - options.Value.Lookback;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = new List<PlanDocument>();
        foreach (var row in await plans.CurrentAsync(ct))
            if (plans.DocumentOf(row) is { } doc) current.Add(doc);
        var liveRuns = await db.PlanRuns.AsNoTracking()
            .Where(r => r.State == PlanRunState.Idle || r.State == PlanRunState.Awaiting || r.State == PlanRunState.Active).ToListAsync(ct);
        var candidates = await db.Database.SqlQuery<CandidateRow>($"""
            SELECT i.id, i.type, i.priority, i.casualties, g.community_code
            FROM incidents i LEFT JOIN grids g ON g.code = i.grid_code
            WHERE (i.status IN ('Reported', 'Dispatched', 'Handling') AND i.reported_at >= {since})
               OR i.id IN (SELECT incident_id FROM plan_runs WHERE state IN ('Idle', 'Awaiting', 'Active'))
            ORDER BY i.reported_at, i.id
            """).ToListAsync(ct);
        if (candidates.Count == 0) return 0;

        // The documents in play: each run's own version, and the current one for new runs.
        var documents = current.ToDictionary(d => (d.Code, d.Version));
        foreach (var run in liveRuns)
            if (!documents.ContainsKey((run.PlanCode, run.PlanVersion)) && await plans.GetAsync(run.PlanCode, run.PlanVersion, ct) is { } found)
                documents[(run.PlanCode, run.PlanVersion)] = found.Plan;

        var overdue = await OverdueTasksAsync(db, now, ct);
        var area = new Dictionary<EntryRule, Dictionary<long, (int N, string? Cluster)>>();
        foreach (var doc in documents.Values)
            foreach (var rule in doc.Levels.SelectMany(l => l.Entry))
                if (!area.ContainsKey(rule) && rule.Kind is EntryRuleKinds.Cluster or EntryRuleKinds.LinkageSupervised)
                    area[rule] = await AreaCountsAsync(db, doc, rule, now, [.. candidates.Select(c => c.Id)], ct);

        var proposals = 0;
        foreach (var incident in candidates)
        {
            var runsHere = liveRuns.Where(r => r.IncidentId == incident.Id).ToList();
            var docsHere = runsHere.Select(r => documents.GetValueOrDefault((r.PlanCode, r.PlanVersion))).OfType<PlanDocument>()
                .Concat(current.Where(d => d.IncidentTypes.Contains(incident.Type) && runsHere.All(r => r.PlanCode != d.Code)));
            foreach (var doc in docsHere)
            {
                var run = runsHere.FirstOrDefault(r => r.PlanCode == doc.Code);
                var state = run is null ? PlanRun.New : new PlanRun(run.State, run.Level, run.Pending, run.ApproversAsked);
                var facts = new IncidentFacts((IncidentPriority)incident.Priority, incident.Casualties,
                    run is null ? 0 : overdue.GetValueOrDefault(run.Id),
                    doc.Levels.SelectMany(l => l.Entry).Distinct().Where(area.ContainsKey)
                        .ToDictionary(r => r, r => area[r].GetValueOrDefault(incident.Id).N));
                if (PlanRules.Propose(doc, state, facts) is not { } proposal) continue;
                var cluster = area.GetValueOrDefault(proposal.Rule)?.GetValueOrDefault(incident.Id).Cluster;
                if (await FireAsync(incident.Id, doc, run, proposal, cluster, ct)) proposals++;
            }
        }
        return proposals;
    }

    // One proposal in one transaction with its firing row; false when it was fired before (by this
    // or another instance) or when a run of the plan already covers this area.
    private async Task<bool> FireAsync(long incidentId, PlanDocument doc, PlanRunRecord? run, PlanProposal proposal, string? cluster, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // New runs of one plan are decided one at a time across instances, so two incidents of one
        // cluster do not both start it.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"plan-rules:" + doc.Code}))", ct);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO plan_rule_firings (incident_id, plan_code, level, rule_kind, reason, fired_at)
            VALUES ({incidentId}, {doc.Code}, {proposal.Level.ToString()}, {proposal.Rule.Kind}, {proposal.Reason}, {clock.GetUtcNow()})
            ON CONFLICT (incident_id, plan_code, level) DO NOTHING
            """, ct);
        if (inserted == 0) return false;
        if (run is null && await CoveredAsync(db, incidentId, doc, proposal, cluster, ct))
        {
            // Recorded (so it is not weighed again) but not acted on: the area already has this plan.
            await SetOutcomeAsync(db, incidentId, doc.Code, proposal.Level, null, "plan_area_covered", ct);
            await tx.CommitAsync(ct);
            return false;
        }
        await db.Database.ExecuteSqlAsync($"SAVEPOINT rule_request", ct);
        try
        {
            var record = await runs.RequestInAsync(db, incidentId, doc.Code, proposal.Level, proposal.Reason, PlanRunService.RulesActor, isLeader: false, ct);
            await SetOutcomeAsync(db, incidentId, doc.Code, proposal.Level, record.Id, null, ct);
            logger.LogInformation("Plan rule {Rule} on incident {Incident}: {Plan} level {Level}", proposal.Rule.Kind, incidentId, doc.Code, proposal.Level);
        }
        catch (PlanRefusedException ex)
        {
            // The run moved on between the look and the request: keep the firing, say why.
            db.ChangeTracker.Clear();
            await db.Database.ExecuteSqlAsync($"ROLLBACK TO SAVEPOINT rule_request", ct);
            await SetOutcomeAsync(db, incidentId, doc.Code, proposal.Level, run?.Id, ex.Refusal.Code, ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private static Task<int> SetOutcomeAsync(CommandCenterDb db, long incidentId, string planCode, ResponseLevel level, long? runId, string? refused, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE plan_rule_firings SET run_id = {runId}, refused = {refused}
            WHERE incident_id = {incidentId} AND plan_code = {planCode} AND level = {level.ToString()}
            """, ct);

    // A plan already running on an incident of the same cluster, or within the level's map radius.
    private static async Task<bool> CoveredAsync(CommandCenterDb db, long incidentId, PlanDocument doc, PlanProposal proposal, string? cluster, CancellationToken ct)
    {
        var radius = Math.Max(doc.LevelOf(proposal.Level)?.MapRadiusMeters ?? 0, 1000);
        var community = proposal.Rule is { Kind: EntryRuleKinds.Cluster, Meters: 0 } ? cluster : null;
        return await db.Database.SqlQuery<bool>($"""
            SELECT EXISTS (
                SELECT 1 FROM plan_runs r
                JOIN incidents j ON j.id = r.incident_id
                LEFT JOIN grids g ON g.code = j.grid_code
                JOIN incidents i ON i.id = {incidentId}
                WHERE r.plan_code = {doc.Code} AND r.state IN ('Idle', 'Awaiting', 'Active') AND r.incident_id <> {incidentId}
                  AND (ST_DWithin(i.location::geography, j.location::geography, {(double)radius})
                       OR ({community}::text IS NOT NULL AND g.community_code = {community}::text))) AS "Value"
            """).SingleAsync(ct);
    }

    private static async Task<Dictionary<long, int>> OverdueTasksAsync(CommandCenterDb db, DateTimeOffset now, CancellationToken ct) =>
        (await db.Database.SqlQuery<CountRow>($"""
            SELECT r.id, count(*)::int AS n
            FROM plan_runs r JOIN plan_tasks t ON t.run_id = r.id AND t.level = r.level
            WHERE r.state = 'Active' AND t.done_at IS NULL AND t.due_at <= {now}
            GROUP BY r.id
            """).ToListAsync(ct)).ToDictionary(r => r.Id, r => r.N);

    // Per incident: the size (and key) of the cluster it is in, or the 督办 alerts around it.
    private static async Task<Dictionary<long, (int N, string? Cluster)>> AreaCountsAsync(
        CommandCenterDb db, PlanDocument doc, EntryRule rule, DateTimeOffset now, long[] ids, CancellationToken ct)
    {
        var types = doc.IncidentTypes.ToArray();
        List<AreaRow> rows;
        if (rule.Kind == EntryRuleKinds.LinkageSupervised)
        {
            rows = await db.Database.SqlQuery<AreaRow>($"""
                SELECT i.id, count(a.id)::int AS n, NULL::text AS cluster
                FROM incidents i
                JOIN linkage_alerts a ON a.supervised AND a.state NOT IN ('done', 'cancelled')
                 AND ST_DWithin(a.location::geography, i.location::geography, {(double)PlanRules.SupervisedMeters(rule)})
                WHERE i.id = ANY({ids})
                GROUP BY i.id
                """).ToListAsync(ct);
        }
        else if (rule.Meters == 0)
        {
            var from = now - TimeSpan.FromMinutes(rule.Minutes);
            rows = await db.Database.SqlQuery<AreaRow>($"""
                SELECT i.id, (count(*) OVER (PARTITION BY g.community_code))::int AS n, g.community_code AS cluster
                FROM incidents i JOIN grids g ON g.code = i.grid_code
                WHERE i.type = ANY({types}) AND i.status IN ('Reported', 'Dispatched', 'Handling') AND i.reported_at >= {from}
                """).ToListAsync(ct);
        }
        else
        {
            // DBSCAN in Web Mercator, its eps scaled by the area's latitude so that it is in metres;
            // minpoints = the rule's count, so a cluster holds at least that many incidents.
            var from = now - TimeSpan.FromMinutes(rule.Minutes);
            rows = await db.Database.SqlQuery<AreaRow>($"""
                WITH recent AS (
                    SELECT id, location FROM incidents
                    WHERE type = ANY({types}) AND status IN ('Reported', 'Dispatched', 'Handling') AND reported_at >= {from}),
                scale AS (SELECT cos(radians(avg(ST_Y(location)))) AS k FROM recent),
                clustered AS (
                    SELECT id, ST_ClusterDBSCAN(ST_Transform(location, 3857), eps := {(double)rule.Meters} / (SELECT k FROM scale), minpoints := {rule.Count}) OVER () AS cid
                    FROM recent)
                SELECT id, (count(*) OVER (PARTITION BY cid))::int AS n, cid::text AS cluster
                FROM clustered WHERE cid IS NOT NULL
                """).ToListAsync(ct);
        }
        return rows.ToDictionary(r => r.Id, r => (r.N, r.Cluster));
    }
}
