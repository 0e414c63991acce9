using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommandCenter.IntegrationTests.Infrastructure;

// The app's database goes away behind a TCP gate (the shared test server stays up for the rest).
public class DatabaseOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Report(string externalId) =>
        new { type = "fire", latitude = 30.2437, longitude = 120.1683, title = "居民楼冒烟", externalId };

    [Fact]
    public async Task While_the_database_is_away_the_API_answers_503_with_Retry_After_and_says_what_is_down_then_recovers_by_itself()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (gate, app) = await TcpGate.AppBehindAsync(database);
        await using var _gate = gate;
        await using var _app = app;
        using var api = app.CreateApiClient();
        (await api.PostAsJsonAsync("/api/incidents", Report("OUT-before"), Ct)).EnsureSuccessStatusCode();

        var status = app.Services.GetRequiredService<Web.Infrastructure.DatabaseStatus>();
        Assert.Null(status.DownSince);

        gate.Shut();
        await status.ProbeAsync(Ct);
        var incident = await api.PostAsJsonAsync("/api/incidents", Report("OUT-during"), Ct);
        var alert = await api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = "110-OUT-1", category = "water", priority = "high", latitude = 30.2300, longitude = 120.1850,
        }, Ct);
        var ready = await api.GetAsync("/health/ready", Ct);

        foreach (var response in new[] { incident, alert })
        {
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal("service_unavailable", JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("database").GetProperty("status").GetString());

        // The pages' degraded banner reads this.
        Assert.NotNull(status.DownSince);

        gate.Open();
        // Back by itself: the same report, retried, is stored once, and the banner goes.
        var stored = await Eventually.ReadAsync(
            async () => (await api.PostAsJsonAsync("/api/incidents", Report("OUT-during"), Ct)).StatusCode,
            status => status != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "the API to answer again");
        Assert.Equal(HttpStatusCode.Created, stored);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/incidents", Report("OUT-during"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/ready", Ct)).StatusCode);
        await Eventually.TrueAsync(() => status.DownSince is null, TimeSpan.FromSeconds(30), "the degraded banner to go");
    }
}

public class OutboxListenerResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_listener_that_lost_the_database_before_any_event_publishes_what_was_committed_while_it_was_away()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (gate, app) = await TcpGate.AppBehindAsync(database);
        await using var _gate = gate;
        await using var _app = app;
        // The case that was skipped: the listener started with no stream to take a position from.
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM live_streams"));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var _ = app.Services.GetRequiredService<Web.Live.LiveBus>().Subscribe(Web.Live.LiveStreams.Incidents, e => seen.Enqueue(e.Type));

        gate.Shut();
        // Committed by another instance (straight to the server) while this one cannot reach it.
        await database.ExecuteAsync("""
            INSERT INTO live_events (stream, seq, type, payload, created_at)
            VALUES ('incidents', -nextval('live_events_pending'), 'incident.while-away', '{}'::jsonb, now())
            """);
        gate.Open();

        await Eventually.TrueAsync(() => seen.Contains("incident.while-away"), TimeSpan.FromSeconds(30), "the event committed during the outage");
    }
}

public class BackgroundSurvivalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Background_services_count_their_failed_steps_while_the_database_is_away_and_carry_on_when_it_is_back()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (gate, app) = await TcpGate.AppBehindAsync(database, b =>
        {
            b.UseSetting("Patrol:SilenceSweepInterval", "00:00:01");
            b.UseSetting("Plans:RuleInterval", "00:00:00.200");
            b.UseSetting("Linkage:SchedulerInterval", "00:00:00.200");
            b.UseSetting("Notifications:SendInterval", "00:00:00.200");
            b.UseSetting("Access:RevalidateEvery", "00:00:01");
            b.UseSetting("Live:TrimEvery", "00:00:00.200");
            b.UseSetting("Patrol:PartitionMaintenanceEvery", "00:00:00.200");
        });
        await using var _gate = gate;
        await using var _app = app;
        using var api = app.CreateApiClient();
        var (unitId, _) = await Features.Patrols.PatrolTestData.RegisterAsync(api);
        var failed = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = FailuresCountedIn(failed);
        var running = RunningLoops(app);
        Assert.True(running.Count >= 10, $"{running.Count} background loops running");
        string[] touchTheDatabase = ["silence-notices", "plan-ladder", "linkage-ladder", "notification-sender", "patrol-live-feed", "outbox-listener",
            "outbox-trimmer", "partition-maintainer"];

        gate.Shut();
        await Eventually.TrueAsync(() => touchTheDatabase.All(failed.ContainsKey), TimeSpan.FromSeconds(30),
            $"every loop that reads the database to count failed steps (so far: {string.Join(", ", failed.Keys)})");
        // Went silent while the database was away.
        await database.ExecuteAsync($"""
            INSERT INTO unit_positions (unit_id, fix_time, location, received_at, tx)
            VALUES ({unitId}, now() - interval '10 minutes', ST_SetSRID(ST_MakePoint(120.17, 30.242), 4326), now(), txid_current())
            """);
        gate.Open();

        // Still running: the instance's own sweeper notices it once the database answers.
        await Eventually.ReadAsync(() => database.ScalarAsync<long>($"SELECT count(*) FROM unit_silences WHERE unit_id = {unitId}"), n => n == 1,
            TimeSpan.FromSeconds(30), "the silence to be noticed after the outage");
        // No loop ended or faulted, and the host still answers.
        Assert.Empty(running.Where(s => s.ExecuteTask!.IsCompleted).Select(s => s.GetType().Name));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("/api/incidents/open", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_demo_feeds_count_their_failed_steps_while_the_database_is_away_and_report_again_when_it_is_back()
    {
        await using var database = await TestDatabase.CreateAsync();
        // A real port: the demo's patrol units and 110 center post to the app's own address.
        var (gate, app) = await TcpGate.AppBehindAsync(database, b =>
        {
            b.UseSetting("Demo:Enabled", "true");
            b.UseSetting("Demo:IncidentInterval", "00:00:00.200");
            b.UseSetting("Demo:PatrolUnits", "5");
            b.UseSetting("Demo:PatrolReportInterval", "00:00:01");
            b.UseSetting("Demo:AlertInterval", "00:00:01");
        }, realServer: true);
        await using var _gate = gate;
        await using var _app = app;
        var failed = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = FailuresCountedIn(failed);
        string[] fromTheDemo =
        [
            "SELECT count(*) FROM incidents WHERE source = 'demo'",
            // A database of its own: every fix and alert in it is the demo's.
            "SELECT count(*) FROM positions",
            "SELECT count(*) FROM linkage_alerts",
        ];
        async Task<long[]> CountAsync() => await Task.WhenAll(fromTheDemo.Select(database.ScalarAsync<long>));
        await Eventually.ReadAsync(CountAsync, n => n.All(c => c > 0), TimeSpan.FromSeconds(60), "the demo's first incident, fix and 110 alert");
        var running = RunningLoops(app);
        Assert.Contains(running, s => s is Web.Features.Incidents.DemoIncidentFeed);
        Assert.Contains(running, s => s is Web.Features.Dispatch.DemoDispatcher);
        Assert.Contains(running, s => s is Web.Features.Patrols.DemoPatrolFeed);
        Assert.Contains(running, s => s is Web.Features.Linkage.DemoLinkageFeed);

        gate.Shut();
        // The patrol units only hear 503 from the app (that is not their failure, and the app's);
        // the loops that read the database count theirs.
        string[] demo = ["demo-incidents", "demo-dispatcher", "demo-linkage"];
        await Eventually.TrueAsync(() => demo.All(failed.ContainsKey), TimeSpan.FromSeconds(30),
            $"the demo loops to count failed steps (so far: {string.Join(", ", failed.Keys)})");
        var before = await CountAsync();
        gate.Open();

        await Eventually.ReadAsync(CountAsync, n => n.Zip(before).All(p => p.First > p.Second), TimeSpan.FromSeconds(60),
            "a demo incident, fix and 110 alert after the outage");
        Assert.Empty(running.Where(s => s.ExecuteTask!.IsCompleted).Select(s => s.GetType().Name));
    }

    // Failed steps by service, as the metric counts them.
    private static System.Diagnostics.Metrics.MeterListener FailuresCountedIn(System.Collections.Concurrent.ConcurrentDictionary<string, long> failed)
    {
        var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Web.Infrastructure.BackgroundFailures.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "service" && tag.Value is string service) failed.AddOrUpdate(service, value, (_, n) => n + value);
        });
        listener.Start();
        return listener;
    }

    // The loops running now (seeders and switched-off feeds have finished).
    private static List<Microsoft.Extensions.Hosting.BackgroundService> RunningLoops(AppFactory app) =>
        app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Microsoft.Extensions.Hosting.BackgroundService>()
            .Where(s => s.ExecuteTask is { IsCompleted: false }).ToList();
}
