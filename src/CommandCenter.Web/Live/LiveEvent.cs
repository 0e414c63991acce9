using System.Text.Json;

namespace CommandCenter.Web.Live;

// What every subscriber — a Blazor component in-process or a hub client — receives.
public sealed record LiveEvent(string Stream, long Seq, string Type, JsonElement Payload, DateTimeOffset At);

// Answer to a client that joins a stream: what it missed since afterSeq, or Reset when
// that is no longer kept (or too much) and it must reload its snapshot.
public sealed record LiveCatchUp(string Stream, long LastSeq, bool Reset, IReadOnlyList<LiveEvent> Events);

public static class LiveStreams
{
    public const string Incidents = "incidents";
    // 110 linkage alerts: payload { alertId, unitId, state } only; screens read the rest.
    public const string Linkage = "linkage";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Incidents, Linkage };
}

// Hub route and method names, in one place for the server, the .NET client and map.js.
public static class LiveHubContract
{
    public const string Path = "/hubs/live";
    public const string Join = nameof(LiveHub.Join);
    public const string EventMethod = nameof(ILiveClient.ReceiveEvent);
    public const string NotifyChannel = "live_events";

    // Patrol positions do not go through the outbox (ADR 0005): a snapshot on join, then batches.
    public const string JoinPositions = nameof(LiveHub.JoinPositions);
    public const string PositionsMethod = nameof(ILiveClient.ReceivePositions);
    public const string PositionsGroup = "positions";

    // Linkage alerts for the map: a snapshot on join, then coalesced changes (LinkageBoard).
    public const string JoinAlerts = nameof(LiveHub.JoinAlerts);
    public const string AlertsMethod = nameof(ILiveClient.ReceiveAlerts);
    public const string AlertsGroup = "linkage-alerts";

    // Notifications for the connected account itself: no join, SignalR addresses the user.
    public const string NoticeMethod = nameof(ILiveClient.ReceiveNotice);
}

public interface ILiveClient
{
    Task ReceiveEvent(LiveEvent liveEvent);

    Task ReceivePositions(CommandCenter.Web.Features.Patrols.PatrolUpdate update);

    Task ReceiveAlerts(CommandCenter.Web.Features.Linkage.AlertMapUpdate update);

    // A notification for the connected account (Clients.User), from whichever instance sent it.
    Task ReceiveNotice(CommandCenter.Web.Features.Notifications.NoticeMessage notice);
}
