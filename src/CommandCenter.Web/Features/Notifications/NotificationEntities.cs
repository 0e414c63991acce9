namespace CommandCenter.Web.Features.Notifications;

// A message for one person (by user name), with its two receipts: shown on one of their screens,
// and opened (read) by them. Sent to outbound channels (SMS gateway, webhook, log) once, by
// whichever instance claims it.
public sealed class Notification
{
    public long Id { get; set; }
    public required string Recipient { get; set; }
    public required string Kind { get; set; }
    // What it is about, e.g. linkage_alert/42: a screen links to it.
    public required string Subject { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ShownAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int SendAttempts { get; set; }
    public string? LastError { get; set; }
}

public static class NotificationKinds
{
    public const string AlertOverdue = "linkage.overdue";
    public const string AlertSupervised = "linkage.supervised";
}
