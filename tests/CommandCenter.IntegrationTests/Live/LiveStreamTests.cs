using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Threading.Channels;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Live;

public class LiveStreamTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static async Task<(HubConnection Hub, Channel<LiveEvent> Events, LiveCatchUp Joined)> JoinAsync(AppFactory app, long afterSeq)
    {
        var hub = await app.ConnectHubAsync();
        var events = Channel.CreateUnbounded<LiveEvent>();
        hub.On<LiveEvent>(LiveHubContract.EventMethod, e => events.Writer.TryWrite(e));
        var joined = await hub.InvokeAsync<LiveCatchUp>(LiveHubContract.Join, LiveStreams.Incidents, afterSeq);
        return (hub, events, joined);
    }

    private static async Task<IncidentView> PostAsync(AppFactory app, string title)
    {
        var response = await app.CreateApiClient().PostAsJsonAsync("/api/incidents",
            new { type = "fire", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon, title });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IncidentView>())!;
    }

    private static async Task<LiveEvent> NextForAsync(Channel<LiveEvent> events, long incidentId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var e = await events.Reader.ReadAsync(timeout.Token);
            if (e.Payload.GetProperty("id").GetInt64() == incidentId) return e;
        }
    }

    [Fact]
    public async Task A_subscribed_client_receives_a_new_incident_with_the_next_sequence_number()
    {
        var last = (await fixture.App.CreateApiClient().GetFromJsonAsync<IncidentSnapshot>("/api/incidents/open", TestContext.Current.CancellationToken))!.LastSeq;
        var (hub, events, joined) = await JoinAsync(fixture.App, last);
        await using var _ = hub;

        var incident = await PostAsync(fixture.App, "直播测试");
        var received = await NextForAsync(events, incident.Id);

        Assert.Equal(IncidentEvents.Created, received.Type);
        Assert.True(received.Seq > joined.LastSeq);
        Assert.Equal(incident.GridCode, received.Payload.GetProperty("gridCode").GetString());
    }

    [Fact]
    public async Task A_client_that_reconnects_gets_exactly_what_it_missed()
    {
        var before = (await fixture.App.CreateApiClient().GetFromJsonAsync<IncidentSnapshot>("/api/incidents/open", TestContext.Current.CancellationToken))!.LastSeq;
        var missed = new[] { await PostAsync(fixture.App, "断线期间1"), await PostAsync(fixture.App, "断线期间2") };

        var (hub, _, joined) = await JoinAsync(fixture.App, before);
        await using var _h = hub;

        Assert.False(joined.Reset);
        var ids = joined.Events.Select(e => e.Payload.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(missed.Select(m => m.Id), ids.Where(id => missed.Any(m => m.Id == id)));
        Assert.Equal(joined.Events.Select(e => e.Seq), Enumerable.Range((int)before + 1, joined.Events.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task A_client_ahead_of_the_server_is_told_to_reload()
    {
        var (hub, _, joined) = await JoinAsync(fixture.App, long.MaxValue / 2);
        await using var _ = hub;

        Assert.True(joined.Reset);
    }

    [Fact]
    public async Task An_incident_accepted_by_one_instance_reaches_clients_of_another()
    {
        await using var second = new AppFactory(fixture.Database.ConnectionString);
        await second.StartedAsync();
        var (hub, events, _) = await JoinAsync(second, 0);
        await using var _ = hub;

        var incident = await PostAsync(fixture.App, "跨实例");
        var received = await NextForAsync(events, incident.Id);

        Assert.Equal(incident.Title, received.Payload.GetProperty("title").GetString());
    }

    // An event's seq is taken at commit: a writer whose transaction is still open (a slow request)
    // holds no other writer of the stream, and the stream still reads in the order things committed.
    [Fact]
    public async Task A_writer_does_not_wait_for_another_writers_open_transaction_and_the_stream_keeps_commit_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var factory = fixture.App.Services.GetRequiredService<IDbContextFactory<CommandCenterDb>>();
        var stream = $"t-{Guid.NewGuid():N}";
        var seen = new ConcurrentQueue<LiveEvent>();
        using var _ = fixture.App.Services.GetRequiredService<LiveBus>().Subscribe(stream, seen.Enqueue);

        await using var slow = await factory.CreateDbContextAsync(ct);
        await using var slowTx = await slow.Database.BeginTransactionAsync(ct);
        await LiveEventStore.AppendAsync(slow, stream, "appended-first", new { }, ct);

        await using (var quick = await factory.CreateDbContextAsync(ct))
        {
            await using var quickTx = await quick.Database.BeginTransactionAsync(ct);
            // Waiting for the open transaction above fails here instead of hanging the test.
            await quick.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '5s'", ct);
            await LiveEventStore.AppendAsync(quick, stream, "committed-first", new { }, ct);
            await quickTx.CommitAsync(ct);
        }
        await slowTx.CommitAsync(ct);

        await Eventually.TrueAsync(() => seen.Count >= 2, Patience, "both events published");
        Assert.Equal(["committed-first", "appended-first"], seen.Select(e => e.Type));
        Assert.Equal([1L, 2L], seen.Select(e => e.Seq));
    }
}
