using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Notifications;

public sealed record NotificationOptions
{
    public const string Section = "Notifications";

    public TimeSpan SendInterval { get; init; } = TimeSpan.FromSeconds(2);

    // After this many failed tries a notification stays on screens only; the error is kept.
    public int MaxSendAttempts { get; init; } = 10;
}

// Hands each notification to the outbound channels once: rows are claimed with SKIP LOCKED, so
// with several instances each goes out from one. A failing channel is retried on the next pass.
public sealed class NotificationSender(
    IDbContextFactory<CommandCenterDb> dbFactory,
    IEnumerable<INotificationChannel> channels,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<NotificationSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SendInterval, clock);
        do
        {
            try
            {
                while (await SendDueAsync(50, stoppingToken) == 50) { }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("notification-sender");
                logger.LogWarning(ex, "Sending notifications failed; trying again in {Interval}", options.Value.SendInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SendDueAsync(int max, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var attempts = options.Value.MaxSendAttempts;
        var due = await db.Notifications
            .FromSql($"SELECT * FROM notifications WHERE sent_at IS NULL AND send_attempts < {attempts} ORDER BY id LIMIT {max} FOR UPDATE SKIP LOCKED")
            .ToListAsync(ct);
        foreach (var n in due)
        {
            try
            {
                foreach (var channel in channels) await channel.SendAsync(n, ct);
                n.SentAt = clock.GetUtcNow();
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                n.SendAttempts++;
                n.LastError = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
                logger.LogWarning(ex, "Notification {Id} could not be sent (try {Attempt})", n.Id, n.SendAttempts);
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }
}

public static class NotificationRegistration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<NotificationOptions>().Bind(config.GetSection(NotificationOptions.Section));
        services.AddSingleton<NotificationService>();
        services.AddSingleton<INotificationInbox, NotificationInbox>();
        services.AddSingleton<INotificationChannel, LogNotificationChannel>();
        services.AddSingleton<INotificationChannel, HubNotificationChannel>();
        services.AddHostedService<RedisNoticeRelay>();
        services.AddSingleton<Microsoft.AspNetCore.SignalR.IUserIdProvider, AccountUserIdProvider>();
        services.AddHostedService<NotificationSender>();
        return services;
    }
}
