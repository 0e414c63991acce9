using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Features.Plans;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Infrastructure;

// Two instances with their real schedulers on one database, one restarted in the middle: each due
// job — a plan approval passed to the next leader, a linkage deadline missed, a unit gone silent —
// happens once.
public class SchedulersOnceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Quick(IWebHostBuilder b)
    {
        b.UseSetting("Plans:RuleInterval", "00:00:00.200");
        b.UseSetting("Linkage:SchedulerInterval", "00:00:00.200");
        b.UseSetting("Patrol:SilenceSweepInterval", "00:00:01");
    }

    [Fact]
    public async Task Due_jobs_fire_once_with_two_instances_and_a_restart_between()
    {
        await using var database = await TestDatabase.CreateAsync();
        var one = new AppFactory(database.ConnectionString, Quick);
        await using var two = new AppFactory(database.ConnectionString, Quick);
        await one.StartedAsync();
        await two.StartedAsync();

        // A plan waiting for a leader, a linkage alert, a unit: all made through instance one.
        using var api = one.CreateApiClient();
        var incident = await (await api.PostAsJsonAsync("/api/incidents", new { type = "public_utility", latitude = 30.2437, longitude = 120.1683, title = "燃气管道泄漏" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Web.Features.Incidents.IncidentView>(Ct);
        using var duty = await SignIn.AsAsync(one, "duty");
        var run = await (await duty.PostAsJsonAsync($"/api/incidents/{incident!.Id}/plans", new { planCode = "gas-leak", level = "II", reason = "多人受伤" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<PlanRunView>(Ct);
        var alert = await (await api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = "110-ONCE-1", category = "water", priority = "high", latitude = 30.2300, longitude = 120.1850,
        }, Ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct);
        var (unitId, _) = await RegisterAsync(api);

        // Instance one goes down; everything falls due while it is away; a new instance one comes up.
        await one.DisposeAsync();
        await database.ExecuteAsync($"UPDATE plan_runs SET approval_due_at = now() - interval '1 minute' WHERE id = {run!.Id}");
        await database.ExecuteAsync($"UPDATE linkage_deadlines SET due_at = now() - interval '1 minute' WHERE alert_id = {alert!.Id} AND step = 'acknowledge'");
        await database.ExecuteAsync($"""
            INSERT INTO unit_positions (unit_id, fix_time, location, received_at, tx)
            VALUES ({unitId}, now() - interval '10 minutes', ST_SetSRID(ST_MakePoint({Num(Lon)}, {Num(Lat)}), 4326), now(), txid_current())
            """);
        await using var again = new AppFactory(database.ConnectionString, Quick);
        await again.StartedAsync();

        await Eventually.ReadAsync(() => database.ScalarAsync<long>($"""
            SELECT (SELECT count(*) FROM notifications WHERE recipient = 'leader2' AND kind = 'plan.approval' AND subject = 'incident/{incident.Id}')
                 + (SELECT count(*) FROM notifications WHERE kind = 'linkage.overdue' AND subject = 'linkage_alert/{alert.Id}')
                 + (SELECT count(*) FROM unit_silences WHERE unit_id = {unitId})
            """), n => n >= 3, TimeSpan.FromSeconds(30), "the three due jobs");
        // One more pass of every job on both instances finds nothing left to do.
        foreach (var app in new[] { again, two })
        {
            await app.Services.GetRequiredService<PlanRunService>().FireDueAsync(ct: Ct);
            await app.Services.GetRequiredService<LinkageService>().FireDueAsync(ct: Ct);
            Assert.Empty(await app.Services.GetRequiredService<Web.Features.Patrols.SilenceNotices>().SweepAsync(Ct));
        }

        Assert.Equal(1L, await database.ScalarAsync<long>($"SELECT count(*) FROM notifications WHERE recipient = 'leader2' AND kind = 'plan.approval' AND subject = 'incident/{incident.Id}'"));
        Assert.Equal(1L, await database.ScalarAsync<long>($"SELECT count(*) FROM notifications WHERE kind = 'linkage.overdue' AND subject = 'linkage_alert/{alert.Id}'"));
        Assert.Equal(1L, await database.ScalarAsync<long>($"SELECT count(*) FROM live_events WHERE stream = 'patrol-silence' AND (payload->>'unitId')::bigint = {unitId}"));
    }
}
