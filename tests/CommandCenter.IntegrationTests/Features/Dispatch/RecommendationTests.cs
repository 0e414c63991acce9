using System.Net;
using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Dispatch;

public class RecommendationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _api = fixture.App.CreateApiClient();

    // A unit whose latest fix is metersNorth of the incident, fixAgeSeconds ago.
    private async Task<long> UnitAsync(string kind, double metersNorth, int fixAgeSeconds = 5)
    {
        var (unitId, deviceId) = await RegisterAsync(_api, kind: kind);
        var fix = new { deviceId, time = DateTimeOffset.UtcNow.AddSeconds(-fixAgeSeconds), latitude = IncidentApiTests.InsideLat + metersNorth / 111_195, longitude = IncidentApiTests.InsideLon };
        (await _api.PostAsJsonAsync("/api/positions", new { fixes = new[] { fix } }, Ct)).EnsureSuccessStatusCode();
        return unitId;
    }

    [Fact]
    public async Task A_dispatcher_gets_available_reporting_units_by_arrival_with_each_ranks_reasons()
    {
        var incident = await (await _api.PostAsJsonAsync("/api/incidents", new { type = "fight", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct);
        var walker = await UnitAsync("street_patrol", 600);
        var car = await UnitAsync("vehicle", 1_500);
        var silent = await UnitAsync("street_patrol", 50, fixAgeSeconds: 600);
        var busy = await UnitAsync("street_patrol", 80);
        (await _api.PutAsJsonAsync($"/api/admin/patrol/units/{busy}/duty", new { duty = "en_route" }, Ct)).EnsureSuccessStatusCode();
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        var all = await dispatcher.GetFromJsonAsync<Recommendations>($"/api/incidents/{incident!.Id}/recommendations", Ct);
        var walkers = await dispatcher.GetFromJsonAsync<Recommendations>($"/api/incidents/{incident.Id}/recommendations?kind=street_patrol", Ct);

        var ours = all!.Units.Where(u => u.UnitId is var id && (id == walker || id == car || id == silent || id == busy)).ToList();
        Assert.Equal([car, walker], ours.Select(u => u.UnitId));
        Assert.InRange(ours[1].DistanceMeters, 590, 610);
        Assert.InRange(ours[1].EtaSeconds, 440, 480); // 600 m × 1.3 at 1.7 m/s
        Assert.InRange(ours[1].FixAgeSeconds, 4, 60);
        Assert.DoesNotContain(walkers!.Units, u => u.Kind != "street_patrol");
        Assert.Contains(walkers.Units, u => u.UnitId == walker);
    }

    [Fact]
    public async Task An_unknown_incident_is_404_and_an_unknown_kind_a_400_naming_the_field()
    {
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        var missing = await dispatcher.GetAsync("/api/incidents/987654/recommendations", Ct);
        var badKind = await dispatcher.GetAsync("/api/incidents/1/recommendations?kind=helicopter", Ct);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.Contains("\"kind\"", await badKind.Content.ReadAsStringAsync(Ct));
    }
}
