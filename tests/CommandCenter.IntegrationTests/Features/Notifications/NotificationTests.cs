using System.Collections.Concurrent;
using System.Net.Http.Json;
using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommandCenter.IntegrationTests.Features.Notifications;

public class NotificationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _api = fixture.App.CreateApiClient();

    // 30.2300,120.1850: in the district, outside 清波 — the district water company, supervised by water-lead.
    private async Task<LinkageAlertView> WaterAlertAsync()
    {
        var response = await _api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = $"110-{Guid.NewGuid():N}", category = "water", priority = "high", latitude = 30.2300, longitude = 120.1850, address = "<b>解放路</b>口",
        }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;
    }

    private async Task<List<Notification>> NoticesAboutAsync(long alertId)
    {
        await using var db = fixture.App.CreateDb();
        return await db.Notifications.Where(n => n.Subject == $"linkage_alert/{alertId}").OrderBy(n => n.Id).ToListAsync(Ct);
    }

    [Fact]
    public async Task The_units_supervisor_is_told_of_each_miss_once_and_of_supervision_by_name()
    {
        var alert = await WaterAlertAsync();
        var linkage = fixture.App.Services.GetRequiredService<LinkageService>();

        await fixture.Database.ExecuteAsync($"UPDATE linkage_deadlines SET due_at = now() - interval '1 minute' WHERE alert_id = {alert.Id} AND step = 'acknowledge'");
        await Task.WhenAll(linkage.FireDueAsync(ct: Ct), linkage.FireDueAsync(ct: Ct));
        var afterFirst = await NoticesAboutAsync(alert.Id);
        await fixture.Database.ExecuteAsync($"UPDATE linkage_deadlines SET due_at = now() - interval '1 minute' WHERE alert_id = {alert.Id} AND step = 'arrive'");
        await linkage.FireDueAsync(ct: Ct);
        var afterSecond = await NoticesAboutAsync(alert.Id);

        var first = Assert.Single(afterFirst);
        Assert.Equal("water-lead", first.Recipient);
        Assert.Equal(NotificationKinds.AlertOverdue, first.Kind);
        Assert.Contains("超时未签收", first.Text);
        Assert.Contains("<b>解放路</b>口", first.Text);
        Assert.Equal(2, afterSecond.Count);
        Assert.Equal(NotificationKinds.AlertSupervised, afterSecond[1].Kind);
        Assert.StartsWith("【督办】", afterSecond[1].Text);
    }

    [Fact]
    public async Task A_unit_without_a_supervisor_account_notifies_nobody()
    {
        var response = await _api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = $"110-{Guid.NewGuid():N}", category = "power", latitude = 30.2300, longitude = 120.1850,
        }, Ct);
        var alert = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;

        await fixture.Database.ExecuteAsync($"UPDATE linkage_deadlines SET due_at = now() - interval '1 minute' WHERE alert_id = {alert.Id} AND step = 'acknowledge'");
        await fixture.App.Services.GetRequiredService<LinkageService>().FireDueAsync(ct: Ct);

        Assert.True((await fixture.App.Services.GetRequiredService<LinkageService>().GetAsync(alert.Id, Ct))!.Overdue);
        Assert.Empty(await NoticesAboutAsync(alert.Id));
    }

    [Fact]
    public async Task Receipts_record_the_first_showing_and_the_opening_and_only_for_the_recipient()
    {
        var alert = await WaterAlertAsync();
        await fixture.Database.ExecuteAsync($"UPDATE linkage_deadlines SET due_at = now() - interval '1 minute' WHERE alert_id = {alert.Id} AND step = 'acknowledge'");
        await fixture.App.Services.GetRequiredService<LinkageService>().FireDueAsync(ct: Ct);
        var notices = fixture.App.Services.GetRequiredService<NotificationService>();
        var id = Assert.Single(await NoticesAboutAsync(alert.Id)).Id;

        Assert.Contains(await notices.UnreadAsync("water-lead", Ct), n => n.Id == id);
        await notices.MarkShownAsync("water", [id], Ct);
        Assert.False(await notices.MarkOpenedAsync("water", id, Ct));
        Assert.Null((await NoticesAboutAsync(alert.Id))[0].ShownAt);

        await notices.MarkShownAsync("water-lead", [id], Ct);
        var shown = (await NoticesAboutAsync(alert.Id))[0].ShownAt;
        await notices.MarkShownAsync("water-lead", [id], Ct);
        Assert.True(await notices.MarkOpenedAsync("water-lead", id, Ct));

        var after = (await NoticesAboutAsync(alert.Id))[0];
        Assert.NotNull(shown);
        Assert.Equal(shown, after.ShownAt);
        Assert.NotNull(after.OpenedAt);
        Assert.DoesNotContain(await notices.UnreadAsync("water-lead", Ct), n => n.Id == id);
    }
}

// The app's own sender waits an hour here, so the two senders below are the only ones.
public class NotificationSenderTests() : OwnAppTest(b => b.UseSetting("Notifications:SendInterval", "01:00:00"))
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class CountingChannel(bool fail = false) : INotificationChannel
    {
        public ConcurrentBag<long> Sent { get; } = [];
        public string Name => "count";

        public Task SendAsync(Notification notification, CancellationToken ct)
        {
            if (fail) throw new HttpRequestException("gateway down");
            Sent.Add(notification.Id);
            return Task.CompletedTask;
        }
    }

    private NotificationSender Sender(INotificationChannel channel) => new(App.Services.GetRequiredService<IDbContextFactory<Web.Data.CommandCenterDb>>(), [channel],
        Options.Create(new NotificationOptions()), TimeProvider.System, NullLogger<NotificationSender>.Instance);

    private async Task<long[]> AddAsync(int count)
    {
        await using var db = App.CreateDb();
        await using var tx = await db.Database.BeginTransactionAsync(Ct);
        for (var i = 0; i < count; i++)
            await NotificationService.AddAsync(db, "water-lead", NotificationKinds.AlertOverdue, $"linkage_alert/{i}", "【超时】测试", DateTimeOffset.UtcNow, Ct);
        await tx.CommitAsync(Ct);
        return await db.Notifications.Select(n => n.Id).ToArrayAsync(Ct);
    }

    [Fact]
    public async Task Two_senders_hand_each_notification_to_the_channels_exactly_once()
    {
        var ids = await AddAsync(30);
        var channel = new CountingChannel();

        await Task.WhenAll(Sender(channel).SendDueAsync(10, Ct), Sender(channel).SendDueAsync(10, Ct), Sender(channel).SendDueAsync(50, Ct));
        await Task.WhenAll(Sender(channel).SendDueAsync(50, Ct), Sender(channel).SendDueAsync(50, Ct));

        Assert.Equal(ids.Order(), channel.Sent.Order());
    }

    [Fact]
    public async Task A_failing_channel_keeps_the_notification_for_the_next_pass_with_its_error()
    {
        var id = Assert.Single(await AddAsync(1));

        await Sender(new CountingChannel(fail: true)).SendDueAsync(50, Ct);
        await using (var db = App.CreateDb())
        {
            var failed = await db.Notifications.SingleAsync(n => n.Id == id, Ct);
            Assert.Null(failed.SentAt);
            Assert.Equal(1, failed.SendAttempts);
            Assert.Equal("gateway down", failed.LastError);
        }
        var working = new CountingChannel();
        await Sender(working).SendDueAsync(50, Ct);

        Assert.Equal([id], working.Sent);
    }
}
