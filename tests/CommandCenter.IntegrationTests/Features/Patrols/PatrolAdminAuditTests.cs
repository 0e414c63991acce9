using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Access;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class PatrolAdminAuditTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_a_unit_registering_and_removing_its_device_and_changing_its_duty_are_audited_with_who_did_it()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");
        var (unitId, deviceId) = await RegisterAsync(admin, token: "a-device-secret-0123456789");
        (await admin.PutAsJsonAsync($"/api/admin/patrol/units/{unitId}/duty", new { duty = "on_scene" }, Ct)).EnsureSuccessStatusCode();
        (await admin.DeleteAsync($"/api/admin/patrol/devices/{deviceId}", Ct)).EnsureSuccessStatusCode();
        var callsign = await fixture.Database.ScalarAsync<string>($"SELECT callsign FROM patrol_units WHERE id = {unitId}");

        var rows = await fixture.Database.ScalarAsync<string>($"""
            SELECT string_agg(actor_kind || '|' || action || '|' || target, ';' ORDER BY id) FROM audit_log
            WHERE target IN ('patrol_unit/{callsign}', 'device/{deviceId}')
            """);

        Assert.Equal(string.Join(';',
            $"user|patrol.unit_create|patrol_unit/{callsign}",
            $"user|patrol.device_register|device/{deviceId}",
            $"user|patrol.duty|patrol_unit/{callsign}",
            $"user|patrol.device_remove|device/{deviceId}"), rows);
        // The device's secret never reaches the audit log, only that it has one.
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE details::text LIKE '%a-device-secret%'"));
    }
}
