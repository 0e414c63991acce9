using CommandCenter.Web.Data;
using CommandCenter.Web.Live;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Notifications;

public sealed record NotificationView(long Id, string Kind, string Subject, string Text, DateTimeOffset CreatedAt, DateTimeOffset? ShownAt, DateTimeOffset? OpenedAt);

// Notifications for people: written in the transaction of what caused them (so a rolled-back step
// notifies nobody), announced on the "notifications" stream so that the recipient's screens on any
// instance show them at once, and read back with their receipts.
public sealed class NotificationService(IDbContextFactory<CommandCenterDb> dbFactory, TimeProvider clock)
{
    // Never a stream hub clients may join (not in LiveStreams.All): only circuits read it, each
    // for its own user.
    public const string Stream = "notifications";
    public const string Created = "notification.created";

    public static async Task AddAsync(CommandCenterDb db, string recipient, string kind, string subject, string text, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var n = new Notification { Recipient = recipient, Kind = kind, Subject = subject, Text = text, CreatedAt = now };
        db.Notifications.Add(n);
        await db.SaveChangesAsync(ct);
        await LiveEventStore.AppendAsync(db, Stream, Created, new { id = n.Id, recipient }, ct);
    }

    public async Task<IReadOnlyList<NotificationView>> UnreadAsync(string recipient, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.AsNoTracking()
            .Where(n => n.Recipient == recipient && n.OpenedAt == null)
            .OrderByDescending(n => n.CreatedAt).Take(50)
            .Select(n => new NotificationView(n.Id, n.Kind, n.Subject, n.Text, n.CreatedAt, n.ShownAt, n.OpenedAt))
            .ToListAsync(ct);
    }

    // The first receipt: shown on one of the recipient's screens. Only the first showing counts.
    public async Task MarkShownAsync(string recipient, IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        if (ids.Count == 0) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await db.Notifications.Where(n => ids.Contains(n.Id) && n.Recipient == recipient && n.ShownAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ShownAt, now), ct);
    }

    // The second receipt: the recipient opened (read) it. Someone else's notification is not there.
    public async Task<bool> MarkOpenedAsync(string recipient, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var changed = await db.Notifications.Where(n => n.Id == id && n.Recipient == recipient && n.OpenedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.OpenedAt, now).SetProperty(n => n.ShownAt, n => n.ShownAt ?? now), ct);
        return changed > 0;
    }
}
