using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Linkage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.IntegrationTests.Features.Linkage;

public class LinkageApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _api = fixture.App.CreateApiClient();

    // 吴山广场 lies in 清波街道 (the water-qingbo team); 30.2300,120.1850 is in the district elsewhere.
    private const double QingboLat = 30.2437, QingboLon = 120.1683;

    private async Task<HttpResponseMessage> PostAsync(string category, double lat = QingboLat, double lon = QingboLon, string? id = null, string? contact = "13900001111") =>
        await _api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = id ?? $"110-{Guid.NewGuid():N}", sentAt = DateTimeOffset.UtcNow, category, priority = "high",
            latitude = lat, longitude = lon, address = "吴山广场东侧", description = "路面冒水", reporterContact = contact,
        }, Ct);

    private static async Task<LinkageAlertView> AlertOf(HttpResponseMessage response) =>
        (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;

    [Fact]
    public async Task An_alert_goes_to_the_unit_with_the_most_specific_area_that_handles_its_category()
    {
        var inQingbo = await AlertOf(await PostAsync("water"));
        var elsewhere = await AlertOf(await PostAsync("water", 30.2300, 120.1850));
        var gas = await AlertOf(await PostAsync("gas"));

        Assert.Equal("清波街道 供水抢修队", inQingbo.UnitName);
        Assert.Equal("routed", inQingbo.State);
        Assert.Equal("杭州水务 上城供水服务所", elsewhere.UnitName);
        Assert.Equal("杭州天然气 上城抢修站", gas.UnitName);
        Assert.NotNull(inQingbo.AcknowledgeDueAt);
        Assert.InRange((inQingbo.AcknowledgeDueAt!.Value - inQingbo.ReceivedAt).TotalMinutes, 4.9, 5.1);
    }

    [Fact]
    public async Task An_alert_no_unit_takes_or_outside_every_grid_waits_for_the_duty_officer_and_is_not_dropped()
    {
        var other = await AlertOf(await PostAsync("other"));
        var outside = await AlertOf(await PostAsync("water", 31.0, 121.0));
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        var queue = await duty.GetFromJsonAsync<LinkageAlertView[]>("/api/linkage-alerts", Ct);

        Assert.Equal("unrouted", other.State);
        Assert.True(outside.OutOfArea);
        Assert.Equal("unrouted", outside.State);
        Assert.Contains(queue!, a => a.Id == other.Id);
        Assert.Contains(queue!, a => a.Id == outside.Id);
    }

    [Fact]
    public async Task The_same_external_id_twice_stores_one_alert()
    {
        var id = $"110-{Guid.NewGuid():N}";
        var first = await PostAsync("power", id: id);
        var again = await PostAsync("power", id: id);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await AlertOf(first)).Id, (await AlertOf(again)).Id);
    }

    [Fact]
    public async Task Bad_alerts_are_refused_naming_the_field()
    {
        var badCategory = await PostAsync("spaceships");
        var badLat = await PostAsync("water", lat: 95);

        Assert.Equal(HttpStatusCode.BadRequest, badCategory.StatusCode);
        Assert.Contains("\"category\"", await badCategory.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, badLat.StatusCode);
        Assert.Contains("\"latitude\"", await badLat.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_operator_acknowledges_arrives_and_reports_back_on_their_own_units_alerts_only()
    {
        // The demo operator "water" belongs to the district water company (code water).
        var mine = await AlertOf(await PostAsync("water", 30.2300, 120.1850));
        var theirs = await AlertOf(await PostAsync("power"));
        using var water = await SignIn.AsAsync(fixture.App, "water");

        var inbox = await water.GetFromJsonAsync<LinkageAlertView[]>("/api/linkage-alerts", Ct);
        Assert.Contains(inbox!, a => a.Id == mine.Id && a.ReporterContact == "13900001111");
        Assert.DoesNotContain(inbox!, a => a.Id == theirs.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await water.GetAsync($"/api/linkage-alerts/{theirs.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await water.PostAsJsonAsync($"/api/linkage-alerts/{theirs.Id}/steps", new { step = "acknowledge" }, Ct)).StatusCode);

        foreach (var step in new[] { "acknowledge", "arrive" })
            (await water.PostAsJsonAsync($"/api/linkage-alerts/{mine.Id}/steps", new { step }, Ct)).EnsureSuccessStatusCode();
        var noText = await water.PostAsJsonAsync($"/api/linkage-alerts/{mine.Id}/steps", new { step = "feedback" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noText.StatusCode);
        Assert.Contains("\"feedback\"", await noText.Content.ReadAsStringAsync(Ct));
        var done = await AlertOf(await water.PostAsJsonAsync($"/api/linkage-alerts/{mine.Id}/steps", new { step = "feedback", feedback = "已关阀抢修，供水恢复" }, Ct));
        Assert.Equal("done", done.State);
    }

    [Fact]
    public async Task An_operator_hands_an_alert_back_and_the_duty_officer_routes_it_again_with_its_clock_kept()
    {
        var alert = await AlertOf(await PostAsync("water", 30.2300, 120.1850));
        using var water = await SignIn.AsAsync(fixture.App, "water");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        var back = await AlertOf(await water.PostAsJsonAsync($"/api/linkage-alerts/{alert.Id}/hand-back", new { reason = "属燃气管线，非供水" }, Ct));
        var units = await duty.GetFromJsonAsync<LinkageUnitView[]>("/api/linkage-units", Ct);
        var gas = units!.Single(u => u.Code == "gas");
        var again = await AlertOf(await duty.PostAsJsonAsync($"/api/linkage-alerts/{alert.Id}/route", new { unitId = gas.Id }, Ct));

        Assert.Equal("unrouted", back.State);
        Assert.Null(back.UnitId);
        Assert.Equal(gas.Id, again.UnitId);
        Assert.Equal(alert.AcknowledgeDueAt, again.AcknowledgeDueAt);
    }

    [Fact]
    public async Task A_missed_deadline_makes_the_alert_overdue_once_and_a_second_miss_puts_it_under_supervision_with_two_schedulers()
    {
        var alert = await AlertOf(await PostAsync("power"));
        var linkage = fixture.App.Services.GetRequiredService<LinkageService>();
        // A second scheduler, as another instance would run it, on the same database.
        var other = new LinkageService(fixture.App.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Web.Data.CommandCenterDb>>(),
            fixture.App.Services.GetRequiredService<IOptions<LinkageOptions>>(), TimeProvider.System);

        await fixture.Database.ExecuteAsync($"UPDATE linkage_deadlines SET due_at = now() - interval '1 minute' WHERE alert_id = {alert.Id} AND step IN ('acknowledge', 'arrive')");
        await Task.WhenAll(linkage.FireDueAsync(ct: Ct), other.FireDueAsync(ct: Ct), linkage.FireDueAsync(ct: Ct));

        // The app's own ladder may have claimed one of the two (SKIP LOCKED) and not yet committed.
        var after = await Eventually.ReadAsync(() => linkage.GetAsync(alert.Id, Ct), a => a!.Misses >= 2, TimeSpan.FromSeconds(20), "both misses");
        Assert.Equal(2, after!.Misses);
        Assert.True(after.Overdue);
        Assert.True(after.Supervised);
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM linkage_deadlines WHERE alert_id = {alert.Id} AND fired_at IS NOT NULL"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM linkage_alert_entries WHERE alert_id = {alert.Id} AND kind = 'supervised'"));
    }

    [Fact]
    public async Task A_deadline_met_in_time_fires_without_a_miss()
    {
        var alert = await AlertOf(await PostAsync("gas"));
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        (await duty.PostAsJsonAsync($"/api/linkage-alerts/{alert.Id}/steps", new { step = "acknowledge" }, Ct)).EnsureSuccessStatusCode();

        await fixture.Database.ExecuteAsync($"UPDATE linkage_deadlines SET due_at = now() - interval '1 minute' WHERE alert_id = {alert.Id} AND step = 'acknowledge'");
        await fixture.App.Services.GetRequiredService<LinkageService>().FireDueAsync(ct: Ct);

        var after = await fixture.App.Services.GetRequiredService<LinkageService>().GetAsync(alert.Id, Ct);
        Assert.Equal(0, after!.Misses);
        Assert.False(after.Overdue);
    }

    private static string Cap(string identifier, string msgType = "Alert", string references = "") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>{identifier}</identifier>
          <sender>110.hz.test</sender>
          <sent>2026-12-02T10:15:00+08:00</sent>
          <status>Actual</status>
          <msgType>{msgType}</msgType>
          <scope>Public</scope>
          {references}
          <info>
            <category>Infra</category>
            <event>自来水管爆裂</event>
            <urgency>Immediate</urgency>
            <severity>Moderate</severity>
            <certainty>Observed</certainty>
            <headline>路面冒水</headline>
            <description>吴山广场东侧路面大量冒水</description>
            <contact>13800002222</contact>
            <area>
              <areaDesc>吴山广场东侧</areaDesc>
              <polygon>30.2432,120.1678 30.2442,120.1678 30.2442,120.1688 30.2432,120.1688 30.2432,120.1678</polygon>
            </area>
          </info>
        </alert>
        """;

    private Task<HttpResponseMessage> PostCapAsync(string xml, string type = "application/cap+xml") =>
        _api.PostAsync("/api/linkage-alerts", new StringContent(xml, Encoding.UTF8, type), Ct);

    [Fact]
    public async Task A_CAP_alert_is_taken_in_routed_and_cancelled_by_its_sender()
    {
        var id = Guid.NewGuid().ToString("N");
        var created = await PostCapAsync(Cap(id));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var alert = await AlertOf(created);
        Assert.Equal("water", alert.Category);
        Assert.Equal("high", alert.Priority);
        Assert.Equal("清波街道 供水抢修队", alert.UnitName);
        Assert.Equal($"110.hz.test/{id}", alert.ExternalId);

        var cancel = await PostCapAsync(Cap(Guid.NewGuid().ToString("N"), "Cancel", $"<references>110.hz.test,{id},2026-12-02T10:15:00+08:00</references>"), "application/xml");
        Assert.Equal("cancelled", (await AlertOf(cancel)).State);
    }

    [Fact]
    public async Task Hostile_or_broken_XML_is_refused_with_a_400()
    {
        var xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>
            """;
        var refused = await PostCapAsync(xxe);
        var broken = await PostCapAsync("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("root:", await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    [Fact]
    public async Task A_browser_session_cannot_post_CAP_and_a_key_without_the_alerts_scope_cannot_post_at_all()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");
        var viaCookie = await admin.PostAsync("/api/linkage-alerts", new StringContent(Cap(Guid.NewGuid().ToString("N")), Encoding.UTF8, "application/cap+xml"), Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, viaCookie.StatusCode);
    }
}
