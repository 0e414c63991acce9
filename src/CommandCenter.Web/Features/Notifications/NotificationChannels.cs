using System.Security.Claims;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.SignalR;

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
// whichever instance they are connected to: with Redis configured, SignalR's backplane carries the
// user-targeted message there. Without Redis only connections to the sending instance get it; the
// screens' notice strips still show it everywhere, as they read the outbox.
public sealed class HubNotificationChannel(IHubContext<LiveHub, ILiveClient> hub) : INotificationChannel
{
    public string Name => "hub";

    public Task SendAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return hub.Clients.User(notification.Recipient)
            .ReceiveNotice(new NoticeMessage(notification.Id, notification.Kind, notification.Subject, notification.Text, notification.CreatedAt));
    }
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
