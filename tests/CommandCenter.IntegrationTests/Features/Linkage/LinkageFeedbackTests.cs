using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using CommandCenter.Domain.Linkage;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Linkage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.IntegrationTests.Features.Linkage;

// The fixture's app has no Linkage:Feedback:Url, so it neither queues nor sends: the tests queue
// with a LinkageService of their own and send with outboxes of their own, each on its own clock.
public class LinkageFeedbackTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Secret = "test-secret-0123456789";
    private readonly HttpClient _api = fixture.App.CreateApiClient();
    private readonly Actor _tester = Actor.System("test");

    private static LinkageFeedbackOptions Feedback(Uri url, int maxAttempts = 20) => new()
    {
        Url = url, Secret = Secret, MaxAttempts = maxAttempts, FirstBackoff = TimeSpan.FromMinutes(1),
    };

    private LinkageService Linkage(LinkageFeedbackOptions feedback) =>
        new(fixture.App.Services.GetRequiredService<IDbContextFactory<CommandCenterDb>>(), Options.Create(new LinkageOptions { Feedback = feedback }), TimeProvider.System);

    private LinkageFeedbackOutbox Outbox(LinkageFeedbackOptions feedback, TimeProvider clock) =>
        new(fixture.App.Services.GetRequiredService<IDbContextFactory<CommandCenterDb>>(), fixture.App.Services.GetRequiredService<IHttpClientFactory>(),
            Options.Create(new LinkageOptions { Feedback = feedback }), clock, NullLogger<LinkageFeedbackOutbox>.Instance);

    // A water alert routed to the district water company by the fixture's app (which queues nothing).
    // The first of a test clears what earlier tests left queued: an outbox sends every due delivery.
    private async Task<long> AlertAsync(bool first = true)
    {
        if (first) await fixture.Database.ExecuteAsync("DELETE FROM linkage_feedback_deliveries");
        var response = await _api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = $"110-{Guid.NewGuid():N}", sentAt = DateTimeOffset.UtcNow, category = "water", latitude = 30.2300, longitude = 120.1850,
            description = "路面冒水",
        }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!.Id;
    }

    private async Task<List<LinkageFeedbackDelivery>> DeliveriesAsync(long alertId)
    {
        await using var db = fixture.App.CreateDb();
        return await db.LinkageFeedbackDeliveries.AsNoTracking().Where(d => d.AlertId == alertId).OrderBy(d => d.EntryId).ToListAsync(Ct);
    }

    private async Task<List<LinkageFeedbackAttempt>> AttemptsAsync(Guid deliveryId)
    {
        await using var db = fixture.App.CreateDb();
        return await db.LinkageFeedbackAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Id).ToListAsync(Ct);
    }

    [Fact]
    public async Task A_step_queues_exactly_one_delivery_in_its_own_transaction_and_a_step_that_rolls_back_queues_none()
    {
        var alertId = await AlertAsync();
        var linkage = Linkage(Feedback(new Uri("http://127.0.0.1:9/110")));

        await linkage.StepAsync(alertId, AlertStep.Acknowledge, null, _tester, null, Ct);
        await Assert.ThrowsAsync<LinkageRefusedException>(() => linkage.StepAsync(alertId, AlertStep.Feedback, " ", _tester, null, Ct));
        // The step's last write (its live event) fails after the delivery was queued: all of it rolls back.
        var refuse = $"test_refuse_{alertId}";
        await fixture.Database.ExecuteAsync($"""
            CREATE FUNCTION {refuse}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
              IF (NEW.payload->>'alertId')::bigint = {alertId} THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER {refuse} BEFORE INSERT ON live_events FOR EACH ROW EXECUTE FUNCTION {refuse}();
            """);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => linkage.StepAsync(alertId, AlertStep.Arrive, null, _tester, null, Ct));
        }
        finally
        {
            await fixture.Database.ExecuteAsync($"DROP TRIGGER {refuse} ON live_events; DROP FUNCTION {refuse}();");
        }

        var delivery = Assert.Single(await DeliveriesAsync(alertId));
        Assert.Equal("acknowledged", delivery.Step);
        Assert.Equal(0, delivery.Attempts);
        Assert.Null(delivery.DeliveredAt);
        Assert.Equal("acknowledge", await fixture.Database.ScalarAsync<string>($"SELECT kind FROM linkage_alert_entries WHERE id = {delivery.EntryId}"));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM linkage_alert_entries WHERE alert_id = {alertId} AND kind = 'arrive'"));
        using var body = JsonDocument.Parse(delivery.Body);
        Assert.Equal(alertId, body.RootElement.GetProperty("alertId").GetInt64());
        Assert.Equal("杭州水务 上城供水服务所", body.RootElement.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task With_no_Url_configured_a_step_queues_nothing()
    {
        var alertId = await AlertAsync();
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        (await duty.PostAsJsonAsync($"/api/linkage-alerts/{alertId}/steps", new { step = "acknowledge" }, Ct)).EnsureSuccessStatusCode();

        Assert.Empty(await DeliveriesAsync(alertId));
    }

    [Fact]
    public async Task A_receiver_that_is_down_then_up_gets_the_step_after_the_backoff_with_every_try_logged_and_a_signature_that_verifies()
    {
        var alertId = await AlertAsync();
        await using var receiver = new FeedbackReceiver();
        var feedback = Feedback(receiver.Url);
        await Linkage(feedback).StepAsync(alertId, AlertStep.Acknowledge, null, _tester, null, Ct);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddSeconds(1));
        var outbox = Outbox(feedback, clock);

        Assert.Equal(1, await outbox.SendDueAsync(ct: Ct));
        var waiting = Assert.Single(await DeliveriesAsync(alertId));
        Assert.Equal(1, waiting.Attempts);
        Assert.NotNull(waiting.LastError);
        Assert.Equal(clock.GetUtcNow() + feedback.FirstBackoff, waiting.NextAttemptAt, TimeSpan.FromMilliseconds(1));
        // The first try and the two quick retries, each refused.
        var refused = await AttemptsAsync(waiting.Id);
        Assert.Equal(3, refused.Count);
        Assert.All(refused, a => Assert.Null(a.StatusCode));
        Assert.All(refused, a => Assert.False(string.IsNullOrEmpty(a.Error)));
        Assert.Equal(0, await outbox.SendDueAsync(ct: Ct));

        await receiver.StartAsync();
        clock.Advance(feedback.FirstBackoff);
        Assert.Equal(1, await outbox.SendDueAsync(ct: Ct));

        var delivered = Assert.Single(await DeliveriesAsync(alertId));
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Equal(2, delivered.Attempts);
        Assert.Equal(204, (await AttemptsAsync(delivered.Id))[^1].StatusCode);
        var post = Assert.Single(receiver.Posts);
        Assert.Equal(delivered.Id.ToString(), post.Delivery);
        Assert.True(LinkageFeedbackMessages.Verify(post.Body, Secret, post.Signature));
        Assert.False(LinkageFeedbackMessages.Verify(post.Body, "not-the-secret", post.Signature));
        Assert.Equal(delivered.Body, post.Body);
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        Assert.True(long.TryParse(post.Timestamp, out _));
    }

    [Fact]
    public async Task Two_senders_on_one_database_deliver_each_step_once_and_in_order_per_alert()
    {
        await using var receiver = await new FeedbackReceiver().StartAsync();
        var feedback = Feedback(receiver.Url);
        var linkage = Linkage(feedback);
        var alerts = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var alertId = await AlertAsync(first: i == 0);
            await linkage.StepAsync(alertId, AlertStep.Acknowledge, null, _tester, null, Ct);
            await linkage.StepAsync(alertId, AlertStep.Arrive, null, _tester, null, Ct);
            alerts.Add(alertId);
        }
        var (one, two) = (Outbox(feedback, TimeProvider.System), Outbox(feedback, TimeProvider.System));

        await Eventually.ReadAsync(async () =>
        {
            await Task.WhenAll(one.SendDueAsync(ct: Ct), two.SendDueAsync(ct: Ct), one.SendDueAsync(ct: Ct), two.SendDueAsync(ct: Ct));
            return await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM linkage_feedback_deliveries WHERE delivered_at IS NULL");
        }, left => left == 0, TimeSpan.FromSeconds(20), "every delivery delivered");

        var posts = receiver.Posts.ToList();
        Assert.Equal(8, posts.Count);
        Assert.Equal(8, posts.Select(p => p.Delivery).Distinct().Count());
        foreach (var alertId in alerts)
        {
            var steps = posts.Select(p => JsonDocument.Parse(p.Body).RootElement)
                .Where(b => b.GetProperty("alertId").GetInt64() == alertId).Select(b => b.GetProperty("step").GetString()).ToList();
            Assert.Equal(["acknowledged", "arrived"], steps);
        }
    }

    [Fact]
    public async Task An_admin_retries_a_delivery_that_gave_up_and_it_is_delivered_and_audited()
    {
        var alertId = await AlertAsync();
        await using var receiver = new FeedbackReceiver();
        var feedback = Feedback(receiver.Url, maxAttempts: 1);
        await Linkage(feedback).StepAsync(alertId, AlertStep.Acknowledge, null, _tester, null, Ct);
        var outbox = Outbox(feedback, TimeProvider.System);
        await outbox.SendDueAsync(ct: Ct);
        var failed = Assert.Single(await DeliveriesAsync(alertId));
        Assert.NotNull(failed.FailedAt);
        Assert.Equal(0, await outbox.SendDueAsync(ct: Ct));
        Assert.Contains(await outbox.UndeliveredAsync(ct: Ct), d => d.Id == failed.Id && d.FailedAt is not null && d.Attempts == 1);

        await receiver.StartAsync();
        var admin = new Actor(Actor.UserKind, "admin-id", "admin", "127.0.0.1");
        Assert.True(await outbox.RetryAsync(failed.Id, admin, Ct));
        Assert.Equal(1, await outbox.SendDueAsync(ct: Ct));

        var delivered = Assert.Single(await DeliveriesAsync(alertId));
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Null(delivered.FailedAt);
        Assert.Single(receiver.Posts);
        Assert.DoesNotContain(await outbox.UndeliveredAsync(ct: Ct), d => d.Id == failed.Id);
        Assert.False(await outbox.RetryAsync(failed.Id, admin, Ct));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE action = '{AuditActions.FeedbackRetried}' AND target = 'linkage_feedback/{failed.Id}' AND actor_name = 'admin'"));
    }
}

// The app's own sender, as configured: CAP form, woken by the step on the live outbox.
public class LinkageFeedbackSenderTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private FeedbackReceiver _receiver = default!;
    private TestDatabase _database = default!;
    private AppFactory _app = default!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await new FeedbackReceiver().StartAsync();
        _database = await TestDatabase.CreateAsync();
        _app = new AppFactory(_database.ConnectionString, b =>
        {
            b.UseSetting("Linkage:Feedback:Url", _receiver.Url.ToString());
            b.UseSetting("Linkage:Feedback:Secret", "sender-secret");
            b.UseSetting("Linkage:Feedback:Format", "cap");
            b.UseSetting("Linkage:Feedback:Sender", "cc.hz.test");
        });
        await _app.StartedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task The_configured_app_reports_a_CAP_alerts_routing_and_acknowledgement_to_110_referencing_the_original()
    {
        using var api = _app.CreateApiClient();
        var identifier = Guid.NewGuid().ToString("N");
        var created = await api.PostAsync("/api/linkage-alerts", new StringContent($"""
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
              <identifier>{identifier}</identifier><sender>110.hz.test</sender><sent>2026-12-02T10:15:00+08:00</sent>
              <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
              <info><category>Infra</category><event>自来水管爆裂</event><urgency>Immediate</urgency><severity>Moderate</severity><certainty>Observed</certainty>
                <area><areaDesc>吴山广场东侧</areaDesc><circle>30.2300,120.1850 0.1</circle></area></info>
            </alert>
            """, System.Text.Encoding.UTF8, "application/cap+xml"), Ct);
        var alert = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;
        using var duty = await SignIn.AsAsync(_app, "duty");
        (await duty.PostAsJsonAsync($"/api/linkage-alerts/{alert.Id}/steps", new { step = "acknowledge" }, Ct)).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(() => _receiver.Posts.Count >= 2, TimeSpan.FromSeconds(15), "the routing and the acknowledgement at the receiver");

        var messages = _receiver.Posts.Select(p => (Post: p, Alert: XDocument.Parse(p.Body).Root!)).ToList();
        Assert.All(messages, m => Assert.True(LinkageFeedbackMessages.Verify(m.Post.Body, "sender-secret", m.Post.Signature)));
        Assert.All(messages, m => Assert.Equal($"110.hz.test,{identifier},2026-12-02T10:15:00+08:00", m.Alert.Element(LinkageFeedbackMessages.Cap + "references")!.Value));
        Assert.Equal(["Update", "Ack"], messages.Select(m => m.Alert.Element(LinkageFeedbackMessages.Cap + "msgType")!.Value));
        Assert.All(messages, m => Assert.Equal("cc.hz.test", m.Alert.Element(LinkageFeedbackMessages.Cap + "sender")!.Value));
        Assert.All(messages, m => Assert.Equal(m.Post.Delivery, m.Alert.Element(LinkageFeedbackMessages.Cap + "identifier")!.Value));
        // The sender marks a delivery once the receiver has answered: a moment after the post arrived.
        await Eventually.ReadAsync(async () =>
        {
            await using var db = _app.CreateDb();
            return await db.LinkageFeedbackDeliveries.CountAsync(d => d.AlertId == alert.Id && d.DeliveredAt != null, Ct);
        }, n => n == 2, TimeSpan.FromSeconds(15), "both deliveries marked delivered");
    }
}
