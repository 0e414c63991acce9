using System.Net.Http.Json;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using CommandCenter.Domain.Plans;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace CommandCenter.IntegrationTests.Features.Plans;

// The repository's plans, weighed by the engine against real incidents in PostGIS. Each test starts
// from no incidents (and so no runs and no firings).
public class PlanRuleEngineTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const double Lat = 30.2070, Lon = 120.1643;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await fixture.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private PlanRuleEngine Engine => fixture.App.Services.GetRequiredService<PlanRuleEngine>();

    private PlanRunService Runs => fixture.App.Services.GetRequiredService<PlanRunService>();

    // A report about metres apart from the last, so that they form one cluster.
    private async Task<long> ReportAsync(string type, int n = 0, string? priority = null, int? casualties = null)
    {
        using var api = fixture.App.CreateApiClient();
        var response = await api.PostAsJsonAsync("/api/incidents", new
        {
            type, priority, casualties, latitude = Lat + n * 0.0004, longitude = Lon + n * 0.0003, title = "路面积水",
        }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct))!.Id;
    }

    private async Task<List<PlanRunView>> RunsOfAsync(string planCode) =>
        [.. (await Runs.LiveAsync(Ct)).Where(r => r.PlanCode == planCode)];

    private async Task<List<string>> TimelineAsync(long incidentId)
    {
        await using var db = fixture.App.CreateDb();
        return await db.Timeline.Where(t => t.IncidentId == incidentId && t.Kind == TimelineKinds.Plan).OrderBy(t => t.Id).Select(t => t.Text).ToListAsync(Ct);
    }

    [Fact]
    public async Task Six_reports_within_a_kilometre_start_one_flood_response_at_level_three_on_the_first()
    {
        var ids = new List<long>();
        for (var i = 0; i < 6; i++) ids.Add(await ReportAsync("other", i));

        await Engine.EvaluateAsync(Ct);
        await Engine.EvaluateAsync(Ct);

        var run = Assert.Single(await RunsOfAsync("flood"));
        Assert.Equal((ids[0], "Active", "III"), (run.IncidentId, run.State, run.Level));
        Assert.Contains(await TimelineAsync(ids[0]), t => t.Contains("1000米范围内同类警情6起"));
    }

    [Fact]
    public async Task Five_reports_start_nothing_graver_than_the_community_rule()
    {
        for (var i = 0; i < 5; i++) await ReportAsync("other", i);

        await Engine.EvaluateAsync(Ct);

        // Four in one community (Ⅳ), not six around (Ⅲ).
        Assert.Equal(["IV"], (await RunsOfAsync("flood")).Select(r => r.Level));
    }

    [Fact]
    public async Task A_cluster_grown_past_ten_asks_a_leader_for_level_two_and_a_rejected_request_is_not_asked_again()
    {
        var first = await ReportAsync("other");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        using var leader = await SignIn.AsAsync(fixture.App, "leader");
        await duty.PostAsJsonAsync($"/api/incidents/{first}/plans", new { planCode = "flood", level = "III" }, Ct);
        for (var i = 1; i < 10; i++) await ReportAsync("other", i);

        await Engine.EvaluateAsync(Ct);

        var asked = Assert.Single(await RunsOfAsync("flood"));
        Assert.Equal(("Awaiting", "III", "II", "leader"), (asked.State, asked.Level, asked.Pending, asked.AwaitingLeader));
        Assert.Contains("同类警情10起", asked.PendingReason);
        await using (var db = fixture.App.CreateDb())
            Assert.True(await db.Notifications.AnyAsync(n => n.Recipient == "leader" && n.Kind == "plan.approval" && n.Subject == $"incident/{first}", Ct));

        (await leader.PostAsJsonAsync($"/api/plan-runs/{asked.Id}/reject", new { reason = "积水已开始消退" }, Ct)).EnsureSuccessStatusCode();
        await ReportAsync("other", 11);
        await Engine.EvaluateAsync(Ct);

        var after = Assert.Single(await RunsOfAsync("flood"));
        Assert.Equal(("Active", "III", (string?)null), (after.State, after.Level, after.Pending));
    }

    [Fact]
    public async Task A_fire_with_five_casualties_asks_a_leader_for_level_two_and_one_with_two_starts_level_four()
    {
        var five = await ReportAsync("fire", casualties: 5);
        var one = await ReportAsync("fire", 30, casualties: 2);

        await Engine.EvaluateAsync(Ct);

        var runs = await RunsOfAsync("building-fire");
        var asked = Assert.Single(runs, r => r.IncidentId == five);
        Assert.Equal(("Awaiting", (string?)null, "II"), (asked.State, asked.Level, asked.Pending));
        Assert.Contains("伤亡5人", asked.PendingReason);
        var four = Assert.Single(runs, r => r.IncidentId == one);
        Assert.Equal(("Active", "IV"), (four.State, four.Level));
    }

    [Fact]
    public async Task A_casualty_count_corrected_by_the_desk_raises_a_running_fire_plan_and_a_bad_count_is_refused_by_name()
    {
        var fire = await ReportAsync("fire", casualties: 2);
        await Engine.EvaluateAsync(Ct);
        Assert.Equal("IV", Assert.Single(await RunsOfAsync("building-fire")).Level);
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        var bad = await dispatcher.PutAsJsonAsync($"/api/incidents/{fire}/casualties", new { casualties = -2 }, Ct);
        var missing = await dispatcher.PutAsJsonAsync("/api/incidents/999999/casualties", new { casualties = 2 }, Ct);
        var updated = await (await dispatcher.PutAsJsonAsync($"/api/incidents/{fire}/casualties", new { casualties = 3 }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct);
        await Engine.EvaluateAsync(Ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"casualties\"", await bad.Content.ReadAsStringAsync(Ct));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(3, updated!.Casualties);
        var run = Assert.Single(await RunsOfAsync("building-fire"));
        Assert.Equal(("Active", "III"), (run.State, run.Level));
        await using var db = fixture.App.CreateDb();
        Assert.True(await db.Timeline.AnyAsync(t => t.IncidentId == fire && t.Kind == TimelineKinds.Casualties && t.Text == "3", Ct));
    }

    [Fact]
    public async Task A_plan_an_admin_wrote_with_a_priority_rule_starts_on_a_critical_theft_and_not_on_a_medium_one()
    {
        await fixture.App.Services.GetRequiredService<PlanStore>().SaveAsync("""
            code: drill-theft
            version: 1
            name: 盗窃专项演练
            incidentTypes: [theft]
            levels:
              - level: IV
                entry:
                  - { kind: priority, priority: critical }
                tasks:
                  - { code: cordon, title: 封控现场, ownerRole: Dispatcher, due: 10m }
            """, Web.Features.Access.Actor.System("test"), Ct);
        var critical = await ReportAsync("theft", priority: "critical");
        await ReportAsync("theft", 30, priority: "medium");

        await Engine.EvaluateAsync(Ct);

        var run = Assert.Single(await RunsOfAsync("drill-theft"));
        Assert.Equal((critical, "IV"), (run.IncidentId, run.Level));
        Assert.Contains(await TimelineAsync(critical), t => t.Contains("警情等级为特急"));
    }

    [Fact]
    public async Task Supervised_linkage_alerts_near_a_water_main_burst_start_the_water_supply_plan()
    {
        var incident = await ReportAsync("public_utility");
        await using (var db = fixture.App.CreateDb())
        {
            var now = DateTimeOffset.UtcNow;
            db.LinkageAlerts.Add(new LinkageAlert
            {
                ExternalId = "RULE-1", Source = "api:test", Format = "json", SentAt = now, ReceivedAt = now, StateChangedAt = now,
                Category = "water", Priority = IncidentPriority.High, State = AlertState.Routed, Supervised = true,
                Location = new Point(Lon + 0.002, Lat) { SRID = 4326 },
            });
            await db.SaveChangesAsync(Ct);
        }

        await Engine.EvaluateAsync(Ct);

        var run = Assert.Single(await RunsOfAsync("water-supply"));
        Assert.Equal((incident, "IV"), (run.IncidentId, run.Level));
        Assert.Contains(await TimelineAsync(incident), t => t.Contains("1条联动警情已督办"));
    }

    [Fact]
    public async Task A_task_past_its_deadline_is_noted_once_and_asks_a_leader_for_the_next_level()
    {
        var incident = await ReportAsync("other");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        var three = await (await duty.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "flood", level = "III" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<PlanRunView>(Ct);
        await fixture.Database.ExecuteAsync($"UPDATE plan_tasks SET due_at = now() - interval '1 minute' WHERE run_id = {three!.Id} AND code = 'close-underpass'");

        await Runs.NoteOverdueTasksAsync(ct: Ct);
        await Runs.NoteOverdueTasksAsync(ct: Ct);
        await Engine.EvaluateAsync(Ct);

        Assert.Single(await TimelineAsync(incident), t => t.StartsWith("任务超时：封闭积水下穿通道", StringComparison.Ordinal));
        var asked = Assert.Single(await RunsOfAsync("flood"));
        Assert.Equal(("Awaiting", "II"), (asked.State, asked.Pending));
        Assert.Contains("1项处置任务超时", asked.PendingReason);
    }

    [Fact]
    public async Task Two_engines_weighing_at_once_and_a_third_after_a_restart_start_the_plan_once()
    {
        for (var i = 0; i < 6; i++) await ReportAsync("other", i);
        PlanRuleEngine Another() => new(
            fixture.App.Services.GetRequiredService<IDbContextFactory<Web.Data.CommandCenterDb>>(),
            fixture.App.Services.GetRequiredService<PlanStore>(),
            new PlanRunService(fixture.App.Services.GetRequiredService<IDbContextFactory<Web.Data.CommandCenterDb>>(),
                fixture.App.Services.GetRequiredService<PlanStore>(), TimeProvider.System),
            TimeProvider.System, Options.Create(new PlanOptions()), NullLogger<PlanRuleEngine>.Instance);

        var made = await Task.WhenAll(Engine.EvaluateAsync(Ct), Another().EvaluateAsync(Ct));
        var later = await Another().EvaluateAsync(Ct);

        Assert.Single(await RunsOfAsync("flood"));
        Assert.Equal(1, made.Sum());
        Assert.Equal(0, later);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM plan_rule_firings WHERE plan_code = 'flood' AND refused IS NULL"));
    }
}
