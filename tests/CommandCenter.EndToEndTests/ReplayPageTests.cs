using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class ReplayPageTests : BrowserTest
{
    private const string Map = "document.querySelector('[data-testid=map]')";
    private const double Lat = 30.2420, Lon = 120.1700;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Api()
    {
        var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        return http;
    }

    // A unit that walked north for 20 minutes, a fix every 30 s (0.0002° ≈ 22 m apart), ending 5 minutes ago.
    private static async Task<(long UnitId, DateTimeOffset Start)> WalkedUnitAsync(HttpClient http, string callsign)
    {
        var unit = await (await http.PostAsJsonAsync("api/admin/patrol/units", new { callsign, kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var unitId = unit.GetProperty("id").GetInt64();
        var deviceId = $"dev-replay-{unitId}"; // device ids are ASCII; callsigns need not be
        (await http.PostAsJsonAsync("api/admin/patrol/devices", new { deviceId, unitId }, Ct)).EnsureSuccessStatusCode();
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-25).ToUnixTimeSeconds());
        var fixes = Enumerable.Range(0, 41).Select(i => new { deviceId, time = start.AddSeconds(30 * i), latitude = Lat + i * 0.0002, longitude = Lon, heading = 0, speed = 0.7 });
        (await http.PostAsJsonAsync("api/positions", new { fixes }, Ct)).EnsureSuccessStatusCode();
        return (unitId, start);
    }

    private static Task<double> DrawnLatAsync(IPage page, long unitId) =>
        page.EvaluateAsync<double>($"id => {Map}.ccPatrols.unit(id).lat", unitId);

    [Fact]
    public async Task A_leader_replays_an_incident_from_its_room_and_sees_the_unit_walk_on_the_canvas()
    {
        using var http = Api();
        var (unitId, start) = await WalkedUnitAsync(http, "巡回放01");
        var incident = await PostIncidentAsync("fight", "广场斗殴回放");
        var incidentId = incident.GetProperty("id").GetInt64();

        var page = await SignInAsync("leader", Tablet(1180, 820), $"/incidents/{incidentId}/room");
        await page.Locator("[data-testid=open-replay]").TapAsync();
        await page.WaitForURLAsync($"**/replay?incident={incidentId}");
        // The window opens 30 minutes before the incident was reported; every unit that reported in it is loaded.
        await page.WaitForFunctionAsync($"() => Number({Map}.dataset.replayUnits) >= 1");
        await Assertions.Expect(page.Locator("[data-testid=replay-play]")).ToBeEnabledAsync();
        var from = DateTime.ParseExact(await page.Locator("[data-testid=replay-from]").InputValueAsync(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture);
        var reported = TimeZoneInfo.ConvertTime(incident.GetProperty("reportedAt").GetDateTimeOffset(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        Assert.InRange((reported.DateTime - from).TotalMinutes, 30, 31);
        // At the start of the window the unit had not reported yet.
        Assert.Equal("null", await page.EvaluateAsync<string>($"id => JSON.stringify({Map}.ccPatrols.unit(id))", unitId));

        // Scrub to the end with the slider: the unit stands at its last fix, the incident is on the map.
        await page.EvaluateAsync("() => { const s = document.querySelector('[data-testid=replay-slider]'); s.value = s.max; s.dispatchEvent(new Event('input')); }");
        Assert.Equal(Lat + 40 * 0.0002, await DrawnLatAsync(page, unitId), 6);
        await Assertions.Expect(page.Locator($"path.cc-incident-{incidentId}")).ToHaveCountAsync(1);

        // Half-way between two fixes the unit is drawn half-way between them.
        var between = start.AddSeconds(30 * 10 + 15).ToUnixTimeMilliseconds();
        await page.EvaluateAsync($"t => {Map}.ccReplay.seek(t)", between);
        Assert.Equal(Lat + 10.5 * 0.0002, await DrawnLatAsync(page, unitId), 6);
        var clock = await page.Locator("[data-testid=replay-clock]").TextContentAsync();
        Assert.Equal(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(between), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), clock);
        var painted = await page.EvaluateAsync<bool>($$"""
            id => {
              const hooks = {{Map}}.ccPatrols; hooks.drawNow();
              const p = hooks.pointOf(id); const canvas = document.querySelector('[data-testid=patrol-canvas]');
              const r = window.devicePixelRatio || 1;
              return canvas.getContext('2d').getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data[3] > 0;
            }
            """, unitId);
        Assert.True(painted);

        // Play at 60×: a replay minute per second, the unit moves north and the clock runs.
        await page.Locator("[data-testid=replay-speed-60]").TapAsync();
        await page.Locator("[data-testid=replay-play]").TapAsync();
        await page.WaitForFunctionAsync($"lat => {Map}.ccPatrols.unit({unitId}).lat > lat + 0.0004", Lat + 10.5 * 0.0002);
        await Assertions.Expect(page.Locator("[data-testid=replay-clock]")).Not.ToHaveTextAsync(clock!);
        await page.ScreenshotAsync(new() { Path = Screenshot("replay-tablet-1180x820.png") });
        await page.Locator("[data-testid=replay-play]").TapAsync(); // pause
        // The tap goes through the circuit to the map: wait for it to land, then the clock must hold.
        await page.WaitForFunctionAsync($"() => !{Map}.ccReplay.playing()");
        var paused = await page.EvaluateAsync<double>($"() => {Map}.ccReplay.time()");
        // Three animation frames: while playing, each of them would have moved the clock.
        await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(done))))");
        Assert.Equal(paused, await page.EvaluateAsync<double>($"() => {Map}.ccReplay.time()"));

        foreach (var target in await page.Locator(".cc-replay-bar button, .cc-replay-bar input").AllAsync())
        {
            var box = await target.BoundingBoxAsync();
            Assert.True(box!.Height >= 44, $"a control is {box.Height}px high");
        }
    }

    [Fact]
    public async Task A_window_the_server_refuses_is_explained_on_the_page()
    {
        var page = await SignInAsync("duty", Desktop(), "/replay");
        await Assertions.Expect(page.Locator("[data-testid=replay-play]")).ToBeEnabledAsync();

        await page.Locator("[data-testid=replay-from]").FillAsync("2026-11-20T10:00");
        await page.Locator("[data-testid=replay-to]").FillAsync("2026-11-22T10:00");
        await page.Locator("[data-testid=replay-load]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=replay-summary]")).ToContainTextAsync("24");
        await Assertions.Expect(page.Locator("[data-testid=replay-play]")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task Clicking_a_unit_on_the_board_draws_its_trail_and_Escape_clears_it()
    {
        using var http = Api();
        var (unitId, _) = await WalkedUnitAsync(http, "巡轨迹01");
        var page = await OpenBoardAsync();
        await page.WaitForFunctionAsync($"id => {Map}.ccPatrols.unit(id) !== null", unitId);

        var point = await page.EvaluateAsync<JsonElement>($"id => {Map}.ccPatrols.pointOf(id)", unitId);
        var box = await page.Locator("[data-testid=map]").BoundingBoxAsync();
        await page.Mouse.ClickAsync(box!.X + point.GetProperty("x").GetSingle(), box.Y + point.GetProperty("y").GetSingle());

        await Assertions.Expect(page.Locator("path.cc-trail")).ToHaveCountAsync(1);
        Assert.Equal(unitId.ToString(CultureInfo.InvariantCulture), await page.Locator("[data-testid=map]").GetAttributeAsync("data-trail-unit"));
        Assert.Equal("41", await page.Locator("[data-testid=map]").GetAttributeAsync("data-trail-fixes"));
        Assert.Equal("2", await page.Locator("[data-testid=map]").GetAttributeAsync("data-trail-vertices")); // a straight walk
        // The click was the unit's, not the grid's under it.
        await Assertions.Expect(page.Locator("[data-testid=grid-detail]")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Screenshot("trail.png") });

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("path.cc-trail")).ToHaveCountAsync(0);
    }
}
