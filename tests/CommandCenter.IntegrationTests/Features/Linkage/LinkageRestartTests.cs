using System.Net.Http.Json;
using CommandCenter.Web.Features.Linkage;
using Microsoft.AspNetCore.Hosting;

namespace CommandCenter.IntegrationTests.Features.Linkage;

// Deadlines are rows, not timers: what fell due while no instance ran fires when one starts.
public class LinkageRestartTests() : OwnAppTest(Fast)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Fast(IWebHostBuilder b) => b.UseSetting("Linkage:SchedulerInterval", "00:00:00.200");

    [Fact]
    public async Task A_deadline_that_fell_due_while_the_app_was_stopped_fires_once_after_it_starts_again()
    {
        LinkageAlertView alert;
        using (var api = App.CreateApiClient())
        {
            var response = await api.PostAsJsonAsync("/api/linkage-alerts", new
            {
                externalId = $"110-{Guid.NewGuid():N}", category = "power", priority = "high", latitude = 30.2437, longitude = 120.1683, description = "片区停电",
            }, Ct);
            alert = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;
        }
        Assert.Equal(0, alert.Misses);

        // The app stops; while it is down the acknowledge limit passes.
        await App.DisposeAsync();
        await Database.ExecuteAsync($"UPDATE linkage_deadlines SET due_at = now() - interval '2 minutes' WHERE alert_id = {alert.Id} AND step = 'acknowledge'");
        Assert.Equal(0L, await Database.ScalarAsync<long>($"SELECT count(*) FROM linkage_deadlines WHERE alert_id = {alert.Id} AND fired_at IS NOT NULL"));

        App = new AppFactory(Database.ConnectionString, Fast);
        await App.StartedAsync();

        await Eventually.ReadAsync(
            () => Database.ScalarAsync<bool>($"SELECT overdue FROM linkage_alerts WHERE id = {alert.Id}"),
            overdue => overdue, TimeSpan.FromSeconds(20), "the restarted app to fire the missed deadline");
        Assert.Equal(1, await Database.ScalarAsync<int>($"SELECT misses FROM linkage_alerts WHERE id = {alert.Id}"));
        Assert.Equal(1L, await Database.ScalarAsync<long>($"SELECT count(*) FROM linkage_deadlines WHERE alert_id = {alert.Id} AND fired_at IS NOT NULL"));
        Assert.Equal(1L, await Database.ScalarAsync<long>($"SELECT count(*) FROM linkage_alert_entries WHERE alert_id = {alert.Id} AND kind = 'overdue'"));
    }
}
