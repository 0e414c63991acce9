using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;

namespace CommandCenter.IntegrationTests.Features.Linkage;

public class LinkageBoardQueriesTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    // 12:30 in Shanghai; the center's day began at 16:00 UTC the day before.
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 4, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CenterMidnight = new(2026, 11, 26, 16, 0, 0, TimeSpan.Zero);
    private const string Contact = "13800002222";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LinkageBoardQueries Queries => fixture.App.Services.GetRequiredService<LinkageBoardQueries>();

    public async ValueTask InitializeAsync() => await fixture.Database.ExecuteAsync("TRUNCATE linkage_alerts RESTART IDENTITY CASCADE");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<long> UnitAsync(string code)
    {
        await using var db = fixture.App.CreateDb();
        return await db.LinkageUnits.Where(u => u.Code == code).Select(u => u.Id).SingleAsync(Ct);
    }

    // An alert routed at `routed` to the unit, with its three deadlines; steps done at the times given.
    private async Task<long> AlertAsync(long? unitId, AlertState state, DateTimeOffset routed, DateTimeOffset? acknowledged = null,
        DateTimeOffset? arrived = null, DateTimeOffset? done = null, bool overdue = false, bool supervised = false)
    {
        await using var db = fixture.App.CreateDb();
        var alert = new LinkageAlert
        {
            ExternalId = $"110-{Guid.NewGuid():N}", Source = "test", Format = "json", SentAt = routed, ReceivedAt = routed,
            Category = "water", Priority = IncidentPriority.High, Location = new Point(120.1683, 30.2437) { SRID = 4326 },
            Address = "吴山广场东侧", Description = "路面冒水", ReporterContact = Contact, State = state, UnitId = unitId, RoutedAt = routed,
            AcknowledgeDueAt = routed.AddMinutes(5), ArriveDueAt = routed.AddMinutes(30), FeedbackDueAt = routed.AddHours(24),
            AcknowledgedAt = acknowledged, ArrivedAt = arrived, DoneAt = done, Overdue = overdue, Supervised = supervised, StateChangedAt = routed,
        };
        db.LinkageAlerts.Add(alert);
        await db.SaveChangesAsync(Ct);
        db.LinkageDeadlines.AddRange(
            new LinkageDeadline { AlertId = alert.Id, Step = AlertStep.Acknowledge, DueAt = alert.AcknowledgeDueAt.Value },
            new LinkageDeadline { AlertId = alert.Id, Step = AlertStep.Arrive, DueAt = alert.ArriveDueAt.Value },
            new LinkageDeadline { AlertId = alert.Id, Step = AlertStep.Feedback, DueAt = alert.FeedbackDueAt.Value });
        await db.SaveChangesAsync(Ct);
        return alert.Id;
    }

    [Fact]
    public async Task The_league_counts_steps_done_by_their_deadline_over_steps_due_today_and_in_the_last_seven_days()
    {
        var water = await UnitAsync("water-qingbo");
        var power = await UnitAsync("power");
        // Today: acknowledged in time, arrival missed (due 30 min after routing, not yet there); feedback not due yet.
        var today = Now.AddMinutes(-65);
        await AlertAsync(water, AlertState.Acknowledged, today, acknowledged: today.AddMinutes(2), overdue: true);
        // Three days ago, done: acknowledged in time, arrived late, reported back in time.
        var earlier = Now.AddDays(-3);
        await AlertAsync(water, AlertState.Done, earlier, acknowledged: earlier.AddMinutes(5), arrived: earlier.AddMinutes(31), done: earlier.AddHours(20));
        // Cancelled today (its missed acknowledgement does not count), and one from nine days ago (outside the week).
        await AlertAsync(water, AlertState.Cancelled, Now.AddMinutes(-20));
        await AlertAsync(water, AlertState.Done, Now.AddDays(-9), acknowledged: Now.AddDays(-9).AddMinutes(1));
        // Before the center's midnight: in the week, not today.
        var lastNight = CenterMidnight.AddHours(-1);
        await AlertAsync(power, AlertState.OnScene, lastNight, acknowledged: lastNight.AddMinutes(9), arrived: lastNight.AddMinutes(29));

        var league = await Queries.LeagueAsync(Now, CenterMidnight, Ct);

        Assert.Equal(new LeagueRow(water, "清波街道 供水抢修队", DueToday: 2, OnTimeToday: 1, DueWeek: 5, OnTimeWeek: 3, OverdueNow: 1),
            league.Single(r => r.UnitId == water));
        var powerRow = league.Single(r => r.UnitId == power);
        Assert.Equal((0, 0, 2, 1, 0), (powerRow.DueToday, powerRow.OnTimeToday, powerRow.DueWeek, powerRow.OnTimeWeek, powerRow.OverdueNow));
        Assert.Null(powerRow.RateToday);
        Assert.Equal(0.5, powerRow.RateWeek);
        // Every unit has a row, those with nothing due too.
        await using var db = fixture.App.CreateDb();
        Assert.Equal(await db.LinkageUnits.CountAsync(Ct), league.Count);
    }

    [Fact]
    public async Task The_map_reads_open_alerts_with_how_long_overdue_and_never_the_reporter_contact()
    {
        var water = await UnitAsync("water-qingbo");
        var routed = Now.AddHours(-1);
        var open = await AlertAsync(water, AlertState.Acknowledged, routed, acknowledged: routed.AddMinutes(1), overdue: true, supervised: true);
        await AlertAsync(water, AlertState.Done, routed, acknowledged: routed, arrived: routed, done: routed);
        await AlertAsync(null, AlertState.Cancelled, routed);

        var alerts = await Queries.OpenAlertsAsync(Ct);

        var alert = Assert.Single(alerts);
        Assert.Equal(new AlertMapItem(open, "water", "high", "acknowledged", true, true, "清波街道 供水抢修队", "吴山广场东侧", 30.2437, 120.1683,
            routed, routed.AddMinutes(30)), alert);
        Assert.DoesNotContain(Contact, JsonSerializer.Serialize(alerts, LiveEventStore.Json));
    }

    [Fact]
    public async Task A_posted_alert_reaches_a_board_map_through_the_hub_without_the_reporter_contact()
    {
        using var api = fixture.App.CreateApiClient();
        var posted = await api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = $"110-{Guid.NewGuid():N}", sentAt = DateTimeOffset.UtcNow, category = "water", priority = "high",
            latitude = 30.2437, longitude = 120.1683, address = "吴山广场东侧", description = "路面冒水", reporterContact = Contact,
        }, Ct);
        var id = (await posted.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        var cookie = await SignIn.CookieAsync(fixture.App, "wall");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.App.Server.BaseAddress, LiveHubContract.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => fixture.App.Server.CreateHandler();
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        await hub.StartAsync(Ct);

        // The board reads on the stream's change (coalesced); a map that joins gets it in the snapshot.
        var snapshot = await Eventually.ReadAsync(() => hub.InvokeAsync<JsonElement>(LiveHubContract.JoinAlerts, Ct),
            s => s.GetProperty("alerts").EnumerateArray().Any(a => a.GetProperty("id").GetInt64() == id), TimeSpan.FromSeconds(15), "the alert on the map");

        var json = snapshot.GetRawText();
        Assert.True(snapshot.GetProperty("snapshot").GetBoolean());
        Assert.DoesNotContain(Contact, json, StringComparison.Ordinal);
        Assert.DoesNotContain("reporterContact", json, StringComparison.OrdinalIgnoreCase);
        var alert = snapshot.GetProperty("alerts").EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == id);
        Assert.Equal("routed", alert.GetProperty("state").GetString());
        Assert.Equal("清波街道 供水抢修队", alert.GetProperty("unitName").GetString());
    }
}
