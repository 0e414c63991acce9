using Bunit;
using CommandCenter.Web.Features.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Features.Notifications;

internal sealed class FakeNotificationInbox : INotificationInbox
{
    public List<NotificationView> Unread { get; } = [];
    public List<string> Receipts { get; } = [];
    private Action? _new;

    public Task<IReadOnlyList<NotificationView>> UnreadAsync(string recipient, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<NotificationView>>([.. Unread]);

    public Task MarkShownAsync(string recipient, IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        Receipts.Add($"shown {recipient} {string.Join(',', ids)}");
        for (var i = 0; i < Unread.Count; i++)
            if (ids.Contains(Unread[i].Id)) Unread[i] = Unread[i] with { ShownAt = DateTimeOffset.UnixEpoch };
        return Task.CompletedTask;
    }

    public Task MarkOpenedAsync(string recipient, long id, CancellationToken ct = default)
    {
        Receipts.Add($"opened {recipient} {id}");
        Unread.RemoveAll(n => n.Id == id);
        return Task.CompletedTask;
    }

    public IDisposable OnNew(string recipient, Action changed)
    {
        _new = changed;
        return new Off(() => _new = null);
    }

    public void Arrive(NotificationView n)
    {
        Unread.Insert(0, n);
        _new?.Invoke();
    }

    private sealed class Off(Action off) : IDisposable
    {
        public void Dispose() => off();
    }
}

public class NoticeStripTests : ComponentTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 2, 0, 0, TimeSpan.Zero);

    public NoticeStripTests() : base(services: s => s.AddSingleton<INotificationInbox>(new FakeNotificationInbox()))
    {
    }

    private FakeNotificationInbox Inbox => (FakeNotificationInbox)Services.GetRequiredService<INotificationInbox>();

    private static NotificationView Notice(long id, string text, string kind = NotificationKinds.AlertOverdue) =>
        new(id, kind, $"linkage_alert/{id}", text, Now, null, null);

    [Fact]
    public void Unread_notices_are_shown_with_a_receipt_and_reading_one_takes_it_away()
    {
        Inbox.Unread.AddRange([Notice(2, "【督办】再次超时", NotificationKinds.AlertSupervised), Notice(1, "【超时】超时未签收")]);

        var cut = Render<NoticeStrip>(p => p.Add(s => s.Recipient, "water-lead"));

        Assert.Equal(2, cut.FindAll("[data-notice-id]").Count);
        Assert.Contains("cc-notice-linkage-supervised", cut.Find("[data-notice-id='2']").ClassName);
        Assert.Equal(["shown water-lead 2,1"], Inbox.Receipts);
        cut.Find("[data-notice-id='1'] [data-testid=notice-read]").Click();

        Assert.Equal("opened water-lead 1", Inbox.Receipts[^1]);
        Assert.Single(cut.FindAll("[data-notice-id]"));
    }

    [Fact]
    public void A_new_notice_appears_live_and_text_is_never_markup()
    {
        var cut = Render<NoticeStrip>(p => p.Add(s => s.Recipient, "water-lead"));
        Assert.Empty(cut.FindAll("[data-testid=notices]"));

        Inbox.Arrive(Notice(9, "【超时】<img src=x onerror=alert(1)> 超时未到场"));

        cut.WaitForAssertion(() => Assert.Contains("<img src=x onerror=alert(1)>", cut.Find("[data-notice-id='9']").TextContent));
        Assert.Empty(cut.FindAll("img"));
    }
}
