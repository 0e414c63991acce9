using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Notifications;

// The seam between a screen's notice strip and the service: the component never holds a
// DbContext, and component tests put a fake behind this.
public interface INotificationInbox
{
    Task<IReadOnlyList<NotificationView>> UnreadAsync(string recipient, CancellationToken ct = default);

    Task MarkShownAsync(string recipient, IReadOnlyCollection<long> ids, CancellationToken ct = default);

    Task MarkOpenedAsync(string recipient, long id, CancellationToken ct = default);

    // Called when a notification for this recipient is created, on whichever instance.
    IDisposable OnNew(string recipient, Action changed);
}

public sealed class NotificationInbox(NotificationService notifications, LiveBus bus) : INotificationInbox
{
    public Task<IReadOnlyList<NotificationView>> UnreadAsync(string recipient, CancellationToken ct = default) => notifications.UnreadAsync(recipient, ct);

    public Task MarkShownAsync(string recipient, IReadOnlyCollection<long> ids, CancellationToken ct = default) => notifications.MarkShownAsync(recipient, ids, ct);

    public async Task MarkOpenedAsync(string recipient, long id, CancellationToken ct = default) => await notifications.MarkOpenedAsync(recipient, id, ct);

    public IDisposable OnNew(string recipient, Action changed) => bus.Subscribe(NotificationService.Stream, e =>
    {
        if (e.Payload.TryGetProperty("recipient", out var r) && r.GetString() == recipient) changed();
    });
}
