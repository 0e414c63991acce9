using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Features.Incidents;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Access;

public class AuditTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_reported_incident_is_audited_with_who_and_what()
    {
        using var client = await SignIn.AsAsync(fixture.App, "dispatcher");

        var created = await (await client.PostAsJsonAsync("/api/incidents",
                new { type = "dispute", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon }, TestContext.Current.CancellationToken))
            .Content.ReadFromJsonAsync<IncidentView>(TestContext.Current.CancellationToken);

        var row = await fixture.Database.ScalarAsync<string>(
            $"SELECT actor_kind || '|' || actor_name || '|' || action FROM audit_log WHERE target = 'incident/{created!.Id}'");
        Assert.Equal("user|调度员 李|incident.create", row);
    }

    [Fact]
    public async Task Signing_in_is_audited()
    {
        using var _ = await SignIn.AsAsync(fixture.App, "leader");

        Assert.True(await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'user.sign_in' AND target = 'leader'") > 0);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET action = 'tampered'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    public async Task The_database_refuses_to_change_the_audit_log(string sql)
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => fixture.Database.ExecuteAsync(sql));

        Assert.Contains("append-only", ex.MessageText);
    }
}
