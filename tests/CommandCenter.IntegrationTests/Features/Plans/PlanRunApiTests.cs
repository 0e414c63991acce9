using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Plans;

public class PlanRunApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> IncidentAsync()
    {
        using var api = fixture.App.CreateApiClient();
        var response = await api.PostAsJsonAsync("/api/incidents",
            new { type = "public_utility", latitude = 30.2437, longitude = 120.1683, title = "路面大面积积水" }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct))!.Id;
    }

    private static async Task<PlanRunView> RunOf(HttpResponseMessage response) =>
        (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<PlanRunView>(Ct))!;

    private static async Task<string> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString()!;

    private async Task<List<(string Recipient, string Kind)>> NoticesAsync(long incidentId)
    {
        await using var db = fixture.App.CreateDb();
        return [.. (await db.Notifications.Where(n => n.Subject == $"incident/{incidentId}").OrderBy(n => n.Id).Select(n => new { n.Recipient, n.Kind }).ToListAsync(Ct))
            .Select(n => (n.Recipient, n.Kind))];
    }

    [Fact]
    public async Task The_repositorys_five_plans_are_loaded_at_start()
    {
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        var plans = await duty.GetFromJsonAsync<JsonElement[]>("/api/plans", Ct);

        Assert.Equal(["building-fire", "flood", "gas-leak", "mass-gathering", "water-supply"], plans!.Select(p => p.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_duty_officer_starts_level_four_at_once_with_its_tasks_due_and_a_line_on_the_timeline()
    {
        var incident = await IncidentAsync();
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        var run = await RunOf(await duty.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "flood", level = "IV" }, Ct));

        Assert.Equal(("Active", "IV"), (run.State, run.Level));
        Assert.Equal(["linkage-water", "low-roads"], run.Tasks.Select(t => t.Code).Order());
        var lowRoads = run.Tasks.Single(t => t.Code == "low-roads");
        Assert.InRange((lowRoads.DueAt - run.StartedAt).TotalMinutes, 29.9, 30.1);
        await using var db = fixture.App.CreateDb();
        Assert.True(await db.Timeline.AnyAsync(t => t.IncidentId == incident && t.Kind == TimelineKinds.Plan && t.Text.Contains("Ⅳ级"), Ct));
    }

    [Fact]
    public async Task Escalating_to_two_waits_for_a_leader_who_is_told_and_only_a_leader_approves()
    {
        var incident = await IncidentAsync();
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        using var leader = await SignIn.AsAsync(fixture.App, "leader");
        var four = await RunOf(await duty.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "flood", level = "IV" }, Ct));

        var noReason = await duty.PostAsJsonAsync($"/api/plan-runs/{four.Id}/escalate", new { level = "II" }, Ct);
        var asked = await RunOf(await duty.PostAsJsonAsync($"/api/plan-runs/{four.Id}/escalate", new { level = "II", reason = "积水漫入地下车库，有人员被困" }, Ct));
        var byDuty = await duty.PostAsync($"/api/plan-runs/{four.Id}/approve", null, Ct);
        var approved = await RunOf(await leader.PostAsync($"/api/plan-runs/{four.Id}/approve", null, Ct));

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(("Awaiting", "IV", "II", "leader"), (asked.State, asked.Level, asked.Pending, asked.AwaitingLeader));
        Assert.Equal(HttpStatusCode.Forbidden, byDuty.StatusCode);
        Assert.Equal("plan_not_leader", await CodeOf(byDuty));
        Assert.Equal(("Active", "II", (string?)null), (approved.State, approved.Level, approved.Pending));
        Assert.Contains(approved.Tasks, t => t.Code == "evacuate" && t.Critical);
        Assert.Contains(("leader", "plan.approval"), await NoticesAsync(incident));
    }

    [Fact]
    public async Task An_unanswered_approval_goes_to_the_next_leader_once_with_two_schedulers()
    {
        var incident = await IncidentAsync();
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        var run = await RunOf(await duty.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "gas-leak", level = "II", reason = "燃气爆燃，多人受伤" }, Ct));
        var runs = fixture.App.Services.GetRequiredService<PlanRunService>();
        var other = new PlanRunService(fixture.App.Services.GetRequiredService<IDbContextFactory<Web.Data.CommandCenterDb>>(),
            fixture.App.Services.GetRequiredService<PlanStore>(), TimeProvider.System);

        await fixture.Database.ExecuteAsync($"UPDATE plan_runs SET approval_due_at = now() - interval '1 minute' WHERE id = {run.Id}");
        await Task.WhenAll(runs.FireDueAsync(ct: Ct), other.FireDueAsync(ct: Ct), runs.FireDueAsync(ct: Ct));

        var after = await runs.GetAsync(run.Id, Ct);
        Assert.Equal("leader2", after!.AwaitingLeader);
        Assert.Equal([("leader", "plan.approval"), ("leader2", "plan.approval")], (await NoticesAsync(incident)).Where(n => n.Kind == "plan.approval"));
    }

    [Fact]
    public async Task Open_critical_tasks_stop_a_desk_terminating_but_a_leader_may_with_a_reason_and_a_task_is_ticked_once()
    {
        var incident = await IncidentAsync();
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        using var leader = await SignIn.AsAsync(fixture.App, "leader");
        var run = await RunOf(await duty.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "gas-leak", level = "IV" }, Ct));
        var critical = run.Tasks.First(t => t.Critical);

        var refused = await duty.PostAsJsonAsync($"/api/plan-runs/{run.Id}/terminate", new { reason = "处置完毕" }, Ct);
        var ticked = await RunOf(await duty.PostAsync($"/api/plan-tasks/{critical.Id}/done", null, Ct));
        var again = await RunOf(await leader.PostAsync($"/api/plan-tasks/{critical.Id}/done", null, Ct));
        var over = await RunOf(await leader.PostAsJsonAsync($"/api/plan-runs/{run.Id}/terminate", new { reason = "转入善后，余下任务移交街道" }, Ct));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("plan_open_critical_tasks", await CodeOf(refused));
        Assert.Equal("值班员 王", ticked.Tasks.Single(t => t.Id == critical.Id).DoneBy);
        Assert.Equal("值班员 王", again.Tasks.Single(t => t.Id == critical.Id).DoneBy);
        Assert.Equal("Terminated", over.State);
    }

    [Fact]
    public async Task Two_desks_starting_one_plan_on_one_incident_at_once_make_one_run()
    {
        var incident = await IncidentAsync();
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        await Task.WhenAll(
            duty.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "flood", level = "IV" }, Ct),
            dispatcher.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "flood", level = "IV" }, Ct));

        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM plan_runs WHERE incident_id = {incident}"));
    }
}
