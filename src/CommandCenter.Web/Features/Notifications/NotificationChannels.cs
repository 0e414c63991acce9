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
