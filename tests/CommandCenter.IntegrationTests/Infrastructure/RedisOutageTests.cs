using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Notifications;
using CommandCenter.Web.Features.Notifications;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;

namespace CommandCenter.IntegrationTests.Infrastructure;

// Two instances on one database and one Redis, and Redis dies: both go on taking reports and
// showing them on every screen, limits are counted by each instance alone, a notice reaches the
// sender's own connections; once Redis is back they share it again by themselves.
public class RedisOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> RedisHealthAsync(AppFactory app)
    {
        using var http = app.CreateApiClient(apiKey: null);
        using var response = await http.GetAsync("/health/ready", Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("checks").GetProperty("redis");
    }

    [Fact]
    public async Task While_Redis_is_away_both_instances_keep_serving_and_they_share_it_again_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        if (redis is null) Assert.Skip("redis-server is not on PATH (apt-get install redis-server): a Redis outage cannot be tested.");
        await using var database = await TestDatabase.CreateAsync();
        void Shared(IWebHostBuilder b)
        {
            b.UseSetting("ConnectionStrings:Redis", redis.ConnectionString);
            b.UseSetting("Notifications:SendInterval", "01:00:00"); // the test sends
            b.UseSetting("RateLimits:Window", "01:00:00");
            b.UseSetting("RateLimits:ApiPerKey", "4");
        }
        await using var one = new AppFactory(database.ConnectionString, Shared);
        await using var two = new AppFactory(database.ConnectionString, Shared);
        await one.StartedAsync();
        await two.StartedAsync();
        var screens = new[] { await one.ConnectHubAsync(), await two.ConnectHubAsync() };
        var shown = screens.Select(_ => new ConcurrentQueue<LiveEvent>()).ToArray();
        for (var s = 0; s < screens.Length; s++)
        {
            var inbox = shown[s];
            screens[s].On<LiveEvent>(LiveHubContract.EventMethod, e => { if (e.Type == "incident.created") inbox.Enqueue(e); });
            await screens[s].InvokeAsync<LiveCatchUp>(LiveHubContract.Join, LiveStreams.Incidents, long.MaxValue, Ct);
        }
        var onOne = new ConcurrentQueue<NoticeMessage>();
        var onTwo = new ConcurrentQueue<NoticeMessage>();
        await using var tabletOnOne = await Tablets.ConnectAsync(one, "leader", onOne.Enqueue);
        await using var tabletOnTwo = await Tablets.ConnectAsync(two, "leader", onTwo.Enqueue);

        await redis.StopAsync();

        using var api = one.CreateApiClient();
        var report = await api.PostAsJsonAsync("/api/incidents", new { type = "theft", latitude = 30.25, longitude = 120.17, title = "Redis 停机时的报警", externalId = "REDIS-OUT-1" }, Ct);
        Assert.Equal(HttpStatusCode.Created, report.StatusCode);
        foreach (var inbox in shown)
            await Eventually.TrueAsync(() => inbox.Count == 1, TimeSpan.FromSeconds(20), "the report on both instances' screens");
        // The key's allowance of 4 is counted by instance one alone: 3 more pass, the next is refused.
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/incidents/open", Ct)).StatusCode);
        await RateLimitSettings.AssertThrottledAsync(await api.GetAsync("/api/incidents/open", Ct), "API key");
        var health = await RedisHealthAsync(one);
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Equal(1, await Tablets.SendNoticeAsync(one, "leader", "Redis 停机时的通知"));
        await Eventually.TrueAsync(() => onOne.Count == 1, TimeSpan.FromSeconds(20), "the notice on the sender's own connection");
        Assert.Empty(onTwo);

        await redis.StartAgainAsync(Ct);

        await Eventually.ReadAsync(() => RedisHealthAsync(one), h => h.GetProperty("status").GetString() == "Healthy", TimeSpan.FromSeconds(30), "instance one back on Redis");
        // Until instance two has subscribed again: each attempt is a new notice, since Redis keeps none.
        await Eventually.ReadAsync(async () => onTwo.IsEmpty ? await Tablets.SendNoticeAsync(one, "leader", "Redis 恢复后的通知") : 0, _ => !onTwo.IsEmpty,
            TimeSpan.FromSeconds(30), "a notice from instance one on the tablet on instance two");
        Assert.Equal("Redis 恢复后的通知", onTwo.First().Text);
        foreach (var screen in screens) await screen.DisposeAsync();
    }
}
