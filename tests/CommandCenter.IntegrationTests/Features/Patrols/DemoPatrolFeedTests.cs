using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Patrols;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class DemoPatrolFeedTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_demo_feed_leaves_a_real_unit_with_its_callsign_and_a_real_device_with_its_id_alone_and_keys_its_own_devices()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");
        // Demo unit 1 would be 巡001 with device demo-0001, unit 2 巡002 with demo-0002.
        var realByCallsign = await (await admin.PostAsJsonAsync("/api/admin/patrol/units", new { callsign = "巡001", kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UnitView>(Ct);
        var realWithDevice = await (await admin.PostAsJsonAsync("/api/admin/patrol/units", new { callsign = "真实二组", kind = "vehicle" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UnitView>(Ct);
        (await admin.PostAsJsonAsync("/api/admin/patrol/devices", new { deviceId = "demo-0002", unitId = realWithDevice!.Id, token = "the-real-device-token" }, Ct)).EnsureSuccessStatusCode();
        var feed = ActivatorUtilities.CreateInstance<DemoPatrolFeed>(fixture.App.Services, Options.Create(new PatrolDemoOptions { Enabled = true, PatrolUnits = 3 }));

        var (units, token) = await feed.EnsureUnitsAsync(3, new Random(1), Ct);
        var (again, newToken) = await feed.EnsureUnitsAsync(3, new Random(2), Ct);

        Assert.Equal(["demo-0003"], units.Select(u => u.DeviceId));
        Assert.Equal(units.Select(u => u.UnitId), again.Select(u => u.UnitId)); // the second start reuses its unit
        await using var db = fixture.App.CreateDb();
        var devices = await db.PatrolDevices.AsNoTracking().ToDictionaryAsync(d => d.DeviceId, Ct);
        Assert.Equal(realWithDevice.Id, devices["demo-0002"].UnitId);
        Assert.Equal(DeviceDirectory.HashToken("the-real-device-token"), devices["demo-0002"].TokenHash); // not re-keyed
        Assert.DoesNotContain("demo-0001", devices.Keys);
        Assert.NotNull(devices["demo-0003"].TokenHash);
        Assert.NotEqual(DeviceDirectory.HashToken(token), devices["demo-0003"].TokenHash); // re-keyed by the second start
        var sources = await db.PatrolUnits.AsNoTracking().ToDictionaryAsync(u => u.Callsign, u => u.Source, Ct);
        Assert.Equal("user:系统管理员", sources["巡001"]);
        Assert.Equal("demo", sources["巡003"]);
        Assert.Equal(realByCallsign!.Id, await db.PatrolUnits.Where(u => u.Callsign == "巡001").Select(u => u.Id).SingleAsync(Ct));

        // Its devices report only with the token of the run that keyed them.
        using var http = fixture.App.CreateClient();
        var query = $"{PatrolEndpoints.OsmAndPath}?id=demo-0003&timestamp={PatrolTestData.Unix(DateTimeOffset.UtcNow)}&lat={PatrolTestData.Lat}&lon={PatrolTestData.Lon}";
        Assert.False((await http.GetAsync(query, Ct)).IsSuccessStatusCode);
        Assert.False((await http.GetAsync($"{query}&token={Uri.EscapeDataString(token)}", Ct)).IsSuccessStatusCode);
        var keyed = await http.GetAsync($"{query}&token={Uri.EscapeDataString(newToken)}", Ct);
        Assert.True(keyed.IsSuccessStatusCode, await keyed.Content.ReadAsStringAsync(Ct));
    }
}
