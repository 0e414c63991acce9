using System.Net;
using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Incidents;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace CommandCenter.IntegrationTests.Data;

// Migrations run as the schema owner; the app connects as a lesser role (scripts/db.sh makes
// commandcenter_app) that may read and append to the audit log and nothing more.
public class DatabaseRolesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_apps_role_appends_to_the_audit_log_but_cannot_change_empty_drop_or_untrigger_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        var asApp = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = "commandcenter_app", Password = "commandcenter_app" }.ConnectionString;
        await using var app = new AppFactory(asApp, b => b.UseSetting("ConnectionStrings:CommandCenterOwner", database.ConnectionString));
        await app.StartedAsync();
        using var api = app.CreateApiClient();

        var created = await api.PostAsJsonAsync("/api/incidents", new { type = "fire", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(await database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'incident.create'") == 1);
        await using var conn = new NpgsqlConnection(asApp);
        await conn.OpenAsync(Ct);
        foreach (var sql in new[]
        {
            "UPDATE audit_log SET actor_name = 'someone else'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
            "DROP TABLE audit_log",
            // The log of every feedback try to 110 is append-only too.
            "UPDATE linkage_feedback_attempts SET error = NULL",
            "DELETE FROM linkage_feedback_attempts",
        })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(Ct));
            Assert.True(refused.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        }
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'incident.create'"));
    }
}
