using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Plans;

namespace CommandCenter.IntegrationTests.Features.Plans;

// An approval's deadline is a row: if it passed while no instance ran, the next leader is asked
// when one starts, once.
public class PlanRestartTests() : OwnAppTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_approval_that_timed_out_while_the_app_was_stopped_goes_to_the_next_leader_after_it_starts()
    {
        long runId;
        using (var api = App.CreateApiClient())
        using (var duty = await SignIn.AsAsync(App, "duty"))
        {
            var incident = (await (await api.PostAsJsonAsync("/api/incidents",
                new { type = "fire", latitude = 30.2437, longitude = 120.1683, title = "高层住宅起火" }, Ct)).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<IncidentView>(Ct))!.Id;
            var run = (await (await duty.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "building-fire", level = "II", reason = "三人受伤" }, Ct))
                .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<PlanRunView>(Ct))!;
            Assert.Equal("leader", run.AwaitingLeader);
            runId = run.Id;
        }

        await App.DisposeAsync();
        await Database.ExecuteAsync($"UPDATE plan_runs SET approval_due_at = now() - interval '1 minute' WHERE id = {runId}");
        App = new AppFactory(Database.ConnectionString);
        await App.StartedAsync();

        await Eventually.ReadAsync(
            () => Database.ScalarAsync<string>($"SELECT array_to_string(approvers_asked, ',') FROM plan_runs WHERE id = {runId}"),
            asked => asked == "leader,leader2", TimeSpan.FromSeconds(20), "the restarted app to ask the next leader");
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE recipient = 'leader2' AND kind = 'plan.approval'"));
    }
}
