using System.Net;
using CommandCenter.Web.Features.Patrols;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class DeviceTokenSettingTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_AllowDevicesWithoutToken_a_device_stored_without_a_token_reports()
    {
        await using var lab = new AppFactory(fixture.Database.ConnectionString, b => b
            .UseSetting("Patrol:AllowDevicesWithoutToken", "true").UseSetting("Patrol:OsmAndAck", "Committed"));
        await lab.StartedAsync();
        var http = lab.CreateApiClient();
        var (unitId, deviceId) = await RegisterAsync(http);
        await fixture.Database.ExecuteAsync($"UPDATE patrol_devices SET token_hash = NULL WHERE device_id = '{deviceId}'");
        lab.Services.GetRequiredService<DeviceDirectory>().Invalidate(deviceId);

        var response = await http.GetAsync($"/api/osmand?id={deviceId}&lat={Lat}&lon={Lon}&timestamp={Unix(DateTimeOffset.UtcNow)}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM positions WHERE unit_id = {unitId}"));
    }

    [Fact]
    public async Task Production_refuses_to_start_with_AllowDevicesWithoutToken()
    {
        await using var production = new AppFactory(fixture.Database.ConnectionString, b => b
            .UseEnvironment("Production").UseSetting("Access:SeedDemoUsers", "false").UseSetting("Patrol:AllowDevicesWithoutToken", "true"));

        var refused = await Record.ExceptionAsync(production.StartedAsync);

        Assert.NotNull(refused);
        Assert.Contains("Patrol:AllowDevicesWithoutToken is true in Production", refused.ToString(), StringComparison.Ordinal);
    }
}
