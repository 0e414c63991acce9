using System.Security.Claims;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;
using System.Text.Json;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace CommandCenter.Web.Features.Notifications;

// An outbound channel (an SMS gateway, a webhook to a pager system). Every channel registered
// gets every notification once; the default is the log, so nothing needs configuring to start.
public interface INotificationChannel
{
    string Name { get; }

    Task SendAsync(Notification notification, CancellationToken ct);
}

public sealed partial class LogNotificationChannel(ILogger<LogNotificationChannel> logger) : INotificationChannel
{
    public string Name => "log";

    public Task SendAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        Sent(logger, notification.Recipient, notification.Kind, notification.Subject, notification.Id);
        return Task.CompletedTask;
    }

    // The text stays out of the log: it may carry an address; the id finds it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} for {Recipient}: {Kind} about {Subject}")]
    private static partial void Sent(ILogger logger, string recipient, string kind, string subject, long id);
}

// What a recipient's own hub connections receive: the text is plain text, never markup.
public sealed record NoticeMessage(long Id, string Kind, string Subject, string Text, DateTimeOffset CreatedAt);

// The notice to its recipient's own live connections — a leader's tablet, a phone app — on
// whichever instance they are connected to: with Redis configured it is published there and every
// instance's RedisNoticeRelay hands it to its own connections of that account. Without Redis, or
// while Redis is away, only connections to the sending instance get it; the screens' notice strips
// still show it everywhere, as they read the outbox.
public sealed partial class HubNotificationChannel(IHubContext<LiveHub, ILiveClient> hub, SharedRedis redis, ILogger<HubNotificationChannel> logger) : INotificationChannel
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("commandcenter:notices");

    public string Name => "hub";

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = new AddressedNotice(notification.Recipient,
            new NoticeMessage(notification.Id, notification.Kind, notification.Subject, notification.Text, notification.CreatedAt));
        if (redis.Configured)
        {
            try
            {
                await redis.Connection.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(message));
                return;
            }
            catch (Exception ex) when (Outages.IsOutage(ex))
            {
                RedisAway(logger, notification.Id, ex);
            }
        }
        await DeliverAsync(hub, message);
    }

    internal static Task DeliverAsync(IHubContext<LiveHub, ILiveClient> hub, AddressedNotice message) =>
        hub.Clients.User(message.Recipient).ReceiveNotice(message.Notice);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is away: notice {Id} goes to this instance's connections only")]
    private static partial void RedisAway(ILogger logger, long id, Exception exception);
}

public sealed record AddressedNotice(string Recipient, NoticeMessage Notice);

// Every instance listens on the notices channel and hands each notice to its own connections of the
// addressed account. The subscription is made again by the connection after Redis comes back; the
// first one is retried until Redis has answered once.
public sealed partial class RedisNoticeRelay(SharedRedis redis, IHubContext<LiveHub, ILiveClient> hub, ILogger<RedisNoticeRelay> logger) : BackgroundService
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.Configured) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var queue = await redis.Connection.GetSubscriber().SubscribeAsync(HubNotificationChannel.Channel);
                queue.OnMessage(async m =>
                {
                    try
                    {
                        if (JsonSerializer.Deserialize<AddressedNotice>((string)m.Message!) is { } notice) await HubNotificationChannel.DeliverAsync(hub, notice);
                    }
                    catch (Exception ex) when (ex is JsonException or InvalidOperationException)
                    {
                        Unreadable(logger, ex);
                    }
                });
                return;
            }
            catch (Exception ex) when (Outages.IsOutage(ex) && !stoppingToken.IsCancellationRequested)
            {
                BackgroundFailures.Count("notice-relay");
                NotSubscribed(logger, RetryEvery, ex);
                await Task.Delay(RetryEvery, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot subscribe to notices in Redis; trying again in {Interval}")]
    private static partial void NotSubscribed(ILogger logger, TimeSpan interval, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notice from Redis could not be read")]
    private static partial void Unreadable(ILogger logger, Exception exception);
}

// Hub users are addressed by account name, as notifications name their recipients; API keys and
// devices are nobody's user.
public sealed class AccountUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var user = connection.User;
        return (user.FindFirstValue(AccessClaims.ActorKind) ?? Actor.UserKind) == Actor.UserKind ? user.Identity?.Name : null;
    }
}
