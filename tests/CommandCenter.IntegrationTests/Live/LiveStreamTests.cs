using System.Net.Http.Json;
using System.Threading.Channels;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;

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
}
