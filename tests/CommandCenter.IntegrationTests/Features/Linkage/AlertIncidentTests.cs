using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Linkage;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.IntegrationTests.Features.Linkage;

public class AlertIncidentTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _api = fixture.App.CreateApiClient();

    private async Task<LinkageAlertView> PostAsync(string category, string description)
    {
        var response = await _api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = $"110-{Guid.NewGuid():N}", sentAt = DateTimeOffset.UtcNow, category, priority = "high",
            latitude = 30.2437, longitude = 120.1683, address = "吴山广场东侧", description, reporterContact = "13900001111",
        }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;
    }

    private static async Task<long> IncidentIdOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("incidentId").GetInt64();

    [Fact]
    public async Task The_desk_turns_an_alert_into_one_incident_that_keeps_the_link_both_ways()
    {
        var alert = await PostAsync("gas", "楼道内闻到明显燃气味");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        var first = await duty.PostAsync($"/api/linkage-alerts/{alert.Id}/incident", null, Ct);
        var again = await duty.PostAsync($"/api/linkage-alerts/{alert.Id}/incident", null, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var incidentId = await IncidentIdOf(first);
        Assert.Equal(incidentId, await IncidentIdOf(again));
        var incident = await duty.GetFromJsonAsync<IncidentView>($"/api/incidents/{incidentId}", Ct);
        Assert.Equal("public_utility", incident!.Type);
        Assert.Equal("high", incident.Priority);
        Assert.Equal("楼道内闻到明显燃气味", incident.Title);
        Assert.Equal(incidentId, (await duty.GetFromJsonAsync<LinkageAlertView>($"/api/linkage-alerts/{alert.Id}", Ct))!.IncidentId);
        await using var db = fixture.App.CreateDb();
        Assert.True(await db.Timeline.AnyAsync(t => t.IncidentId == incidentId && t.Kind == TimelineKinds.FromLinkageAlert && t.Text.Contains(alert.ExternalId), Ct));
        Assert.True(await db.LinkageAlertEntries.AnyAsync(e => e.AlertId == alert.Id && e.Kind == "incident" && e.Text == $"#{incidentId}", Ct));
        // The alert stays on its unit's ladder: the agency still has to fix the gas.
        Assert.Equal("routed", (await duty.GetFromJsonAsync<LinkageAlertView>($"/api/linkage-alerts/{alert.Id}", Ct))!.State);
    }

    [Fact]
    public async Task Two_desks_at_the_same_moment_make_one_incident()
    {
        var alert = await PostAsync("water", "路面冒水");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        var both = await Task.WhenAll(
            duty.PostAsync($"/api/linkage-alerts/{alert.Id}/incident", null, Ct),
            dispatcher.PostAsync($"/api/linkage-alerts/{alert.Id}/incident", null, Ct));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], both.Select(r => r.StatusCode).Order());
        Assert.Equal(await IncidentIdOf(both[0]), await IncidentIdOf(both[1]));
    }

    [Fact]
    public async Task An_operator_cannot_make_an_incident_of_an_alert_and_an_unknown_alert_is_not_found()
    {
        var alert = await PostAsync("water", "路面冒水");
        using var water = await SignIn.AsAsync(fixture.App, "water");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        Assert.Equal(HttpStatusCode.Forbidden, (await water.PostAsync($"/api/linkage-alerts/{alert.Id}/incident", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await duty.PostAsync("/api/linkage-alerts/999999999/incident", null, Ct)).StatusCode);
    }
}
