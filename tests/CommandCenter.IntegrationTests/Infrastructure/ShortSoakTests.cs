using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Infrastructure;

// The soak's short form for CI (bench/ is where the real night is measured): fixes, incidents and
// live clients at once for a stretch; every answer is a success, every fix answered is stored and
// every incident reaches every client exactly once.
public class ShortSoakTests() : OwnAppTest(b => b.UseSetting("Patrol:OsmAndAck", "Queued"))
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int Units = 20, Clients = 10, Seconds = 20, FixesPerSecond = 100, IncidentsPerSecond = 5;

    [Fact]
    public async Task Fixes_incidents_and_live_clients_together_lose_nothing_and_fail_nothing()
    {
        using var api = App.CreateApiClient();
        var devices = new List<(long UnitId, string DeviceId)>();
        for (var i = 0; i < Units; i++) devices.Add(await RegisterAsync(api));
        var received = Enumerable.Range(0, Clients).Select(_ => new ConcurrentQueue<LiveEvent>()).ToArray();
        var hubs = new List<HubConnection>();
        for (var c = 0; c < Clients; c++)
        {
            var hub = await App.ConnectHubAsync();
            var inbox = received[c];
            hub.On<LiveEvent>(LiveHubContract.EventMethod, e => { if (e.Stream == LiveStreams.Incidents && e.Type == "incident.created") inbox.Enqueue(e); });
            await hub.InvokeAsync<LiveCatchUp>(LiveHubContract.Join, LiveStreams.Incidents, long.MaxValue, Ct);
            hubs.Add(hub);
        }
        var failures = new ConcurrentBag<HttpStatusCode>();
        var fixesOk = 0;
        var incidentsOk = 0;
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);

        // Open loop, one tick a tenth of a second: each tick sends its share whatever the answers.
        var sends = new List<Task>();
        for (var tick = 0; tick < Seconds * 10; tick++)
        {
            var t = tick;
            sends.Add(Task.Run(async () =>
            {
                for (var f = 0; f < FixesPerSecond / 10; f++)
                {
                    var (_, device) = devices[(t * 7 + f) % Units];
                    var at = start.AddMilliseconds(t * 100 + f);
                    var url = OsmAndUrl(device, $"lat={Num(Lat + f * 0.0001)}&lon={Num(Lon)}&timestamp={at.ToUnixTimeMilliseconds()}");
                    var r = await api.PostAsync(url, null, Ct);
                    if (r.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref fixesOk); else failures.Add(r.StatusCode);
                }
                if (t % (10 / IncidentsPerSecond) == 0)
                {
                    var r = await api.PostAsJsonAsync("/api/incidents", new { type = "theft", latitude = Lat, longitude = Lon, title = $"浸泡测试 {t}", externalId = $"SOAK-{t}" }, Ct);
                    if (r.StatusCode == HttpStatusCode.Created) Interlocked.Increment(ref incidentsOk); else failures.Add(r.StatusCode);
                }
            }, Ct));
            await Task.Delay(100, Ct);
        }
        await Task.WhenAll(sends);

        Assert.Empty(failures);
        Assert.Equal(Seconds * IncidentsPerSecond, incidentsOk);
        await Eventually.ReadAsync(() => Database.ScalarAsync<long>("SELECT count(*) FROM positions"), n => n == fixesOk,
            TimeSpan.FromSeconds(30), $"all {fixesOk} answered fixes stored");
        for (var c = 0; c < Clients; c++)
        {
            var inbox = received[c];
            await Eventually.TrueAsync(() => inbox.Count >= incidentsOk, TimeSpan.FromSeconds(30), $"client {c} to receive every incident");
            var seqs = inbox.Select(e => e.Seq).ToList();
            Assert.Equal(seqs.Distinct().Count(), seqs.Count);
            Assert.Equal(incidentsOk, seqs.Count);
        }
        foreach (var hub in hubs) await hub.DisposeAsync();
    }
}
