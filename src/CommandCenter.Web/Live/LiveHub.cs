using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Features.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CommandCenter.Web.Live;

// Connecting needs either stream; each method then names its own policy (LiveHubDoorTests keeps
// every method in the door matrix).
[Authorize(Policy = Policies.ConnectLive)]
public sealed class LiveHub(LiveEventStore store, PatrolLiveFeed patrols, LinkageBoard linkage, LiveConnectionGuard guard) : Hub<ILiveClient>
{
    public override Task OnConnectedAsync()
    {
        guard.Opened(Context);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        guard.Closed(Context);
        return Task.CompletedTask;
    }

    // Groups are per instance: each instance relays the outbox to its own connections, so even
    // behind a shared backplane no event would be delivered twice.
    internal static string GroupName(string stream) => $"{stream}@{LiveInstance.Id}";

    [Authorize(Policy = Policies.ReadIncidents)]
    public async Task<LiveCatchUp> Join(string stream, long afterSeq)
    {
        if (!LiveStreams.All.Contains(stream)) throw new HubException($"Unknown stream '{stream}'.");
        // Join first, then read: an event committed in between arrives twice, never zero times;
        // clients drop what they already have by seq.
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(stream), Context.ConnectionAborted);
        return await store.CatchUpAsync(stream, afterSeq, Context.ConnectionAborted);
    }

    // All units now, then batches of changed units (seq above the snapshot's) every MapFlushInterval.
    [Authorize(Policy = Policies.ReadPositions)]
    public async Task<PatrolUpdate> JoinPositions()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(LiveHubContract.PositionsGroup), Context.ConnectionAborted);
        return patrols.Snapshot();
    }

    // The open linkage alerts for a map, then their changes (LinkageBoard): board screens only.
    [Authorize(Policy = Policies.ViewBoard)]
    public async Task<AlertMapUpdate> JoinAlerts()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(LiveHubContract.AlertsGroup), Context.ConnectionAborted);
        return linkage.MapSnapshot();
    }
}

public static class LiveInstance
{
    public static readonly string Id = Guid.NewGuid().ToString("N")[..12];
}

public sealed class LiveHubRelay(LiveBus bus, IHubContext<LiveHub, ILiveClient> hub, ILogger<LiveHubRelay> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(null, e => _ = SendAsync(e));
        return Task.CompletedTask;
    }

    private async Task SendAsync(LiveEvent e)
    {
        try
        {
            await hub.Clients.Group(LiveHub.GroupName(e.Stream)).ReceiveEvent(e);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Relaying {Stream}#{Seq} to hub clients failed", e.Stream, e.Seq);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
