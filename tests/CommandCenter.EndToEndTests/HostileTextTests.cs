using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

// Text from outside — an API client's incident, a device's unit — is shown as text on every page
// that draws it, and the Content-Security-Policy has nothing to refuse while the pages work.
public partial class HostileTextTests : BrowserTest
{
    private const string Map = "document.querySelector('[data-testid=map]')";
    private const string Img = "<img src=x onerror=\"window.__xss=1\">";
    private const string Script = "<script>window.__xss=2</script>";
    private const string Callsign = "<img src=x onerror=\"window.__xss=3\">巡";
    private const string GridName = "<img src=x onerror=\"window.__xss=4\">";
    private const string SubdistrictName = "<img src=x onerror=\"window.__xss=5\">";
    private const double UnitLat = 30.2300, UnitLon = 120.1650;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Api()
    {
        var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        return http;
    }

    // A unit with a hostile callsign that walked north for 25 minutes up to now, a fix every 30 s.
    private static async Task<long> HostileUnitAsync(HttpClient http)
    {
        var unit = await (await http.PostAsJsonAsync("api/admin/patrol/units", new { callsign = Callsign, kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var unitId = unit.GetProperty("id").GetInt64();
        (await http.PostAsJsonAsync("api/admin/patrol/devices", new { deviceId = "hostile-phone", unitId }, Ct)).EnsureSuccessStatusCode();
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-25).ToUnixTimeSeconds());
        var fixes = Enumerable.Range(0, 50).Select(i => new { deviceId = "hostile-phone", time = start.AddSeconds(30 * i), latitude = UnitLat + i * 0.0002, longitude = UnitLon, heading = 0, speed = 0.7 });
        (await http.PostAsJsonAsync("api/positions", new { fixes }, Ct)).EnsureSuccessStatusCode();
        return unitId;
    }

    // Territory names come from an import file; there is no import over HTTP, so the names are
    // changed where the importer would have written them.
    private async Task HostileTerritoryNamesAsync()
    {
        await using var db = new Npgsql.NpgsqlConnection(App.ConnectionString);
        await db.OpenAsync(Ct);
        await using var cmd = new Npgsql.NpgsqlCommand("UPDATE grids SET name = @grid || name; UPDATE subdistricts SET name = @subdistrict || name", db);
        cmd.Parameters.AddWithValue("grid", GridName);
        cmd.Parameters.AddWithValue("subdistrict", SubdistrictName);
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    // No injected script ran, and the policy had nothing to refuse on this page.
    private static async Task AssertNothingRanAsync(IPage page, string where)
    {
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        Assert.True((await CspViolationsAsync(page)).Length == 0, $"{where}: {string.Join("; ", await CspViolationsAsync(page))}");
    }

    // A Leaflet tooltip that shows the text literally and holds no element made from it.
    private static async Task ExpectTooltipAsync(IPage page, string text)
    {
        var tooltip = page.Locator(".leaflet-tooltip", new() { HasText = text });
        await Assertions.Expect(tooltip.First).ToBeVisibleAsync();
        Assert.Contains(text, await tooltip.First.TextContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator(".leaflet-tooltip img, .leaflet-tooltip script")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Hostile_titles_callsigns_and_territory_names_are_shown_as_text_on_the_wall_the_board_the_room_and_the_replay()
    {
        using var http = Api();
        var unitId = await HostileUnitAsync(http);
        await HostileTerritoryNamesAsync();

        // The wall first: a critical incident arriving live is flown to, with its callout.
        var wall = await SignInAsync("wall", Desktop(1920, 1080), "/wall");
        await wall.Locator("path.cc-grid").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(wall.Locator("[data-testid=live-status]")).ToHaveClassAsync(LiveClass());
        await ExpectTooltipAsync(wall, SubdistrictName);

        var incident = await (await http.PostAsJsonAsync("api/incidents",
                new { type = "fire", priority = "critical", latitude = 30.2420, longitude = 120.1700, title = $"{Img}{Script}", description = $"{Script}{Img}" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = incident.GetProperty("id").GetInt64();

        await Assertions.Expect(wall.Locator(".cc-callout .cc-callout-title")).ToHaveTextAsync($"{Img}{Script}");
        await Assertions.Expect(wall.Locator("[data-testid=event-ticker]")).ToContainTextAsync("<img src=x");
        await Assertions.Expect(wall.Locator(".cc-callout img, [data-testid=event-ticker] img")).ToHaveCountAsync(0);
        await AssertNothingRanAsync(wall, "wall");

        // The board: the territory's labels and tooltips, the incident's tooltip, the unit's tooltip
        // on the canvas, the unit list and the trail's label.
        var board = await OpenBoardAsync();
        await ExpectTooltipAsync(board, SubdistrictName);
        await board.Locator("path.cc-grid").First.HoverAsync(new() { Force = true });
        await ExpectTooltipAsync(board, GridName);
        var marker = board.Locator($"path.cc-incident-{id}");
        await marker.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(board.Locator($"[data-incident-id='{id}']")).ToContainTextAsync("<img src=x");
        await marker.HoverAsync(new() { Force = true });
        await ExpectTooltipAsync(board, "<img src=x onerror=\"window.__xss=1\"><script>");

        await board.WaitForFunctionAsync($"id => {Map}.ccPatrols.unit(id) !== null", unitId);
        var point = await board.EvaluateAsync<JsonElement>($"id => {Map}.ccPatrols.pointOf(id)", unitId);
        var box = await board.Locator("[data-testid=map]").BoundingBoxAsync();
        await board.Mouse.MoveAsync(box!.X + point.GetProperty("x").GetSingle(), box.Y + point.GetProperty("y").GetSingle());
        await ExpectTooltipAsync(board, Callsign);

        await board.GetByTestId("tab-units").ClickAsync();
        var row = board.Locator($"[data-unit-id='{unitId}']");
        await Assertions.Expect(row.Locator(".cc-unit-callsign")).ToHaveTextAsync(Callsign);
        await row.ClickAsync();
        await Assertions.Expect(board.Locator("path.cc-trail")).ToHaveCountAsync(1);
        await ExpectTooltipAsync(board, Callsign);
        await AssertNothingRanAsync(board, "board");

        // The incident's room, in the same signed-in browser.
        await board.GotoAsync(new Uri(App.BaseAddress, $"/incidents/{id}/room").ToString());
        await Assertions.Expect(board.Locator("[data-testid=timeline]")).ToContainTextAsync($"{Img}{Script}");
        await Assertions.Expect(board.Locator("[data-testid=timeline] img")).ToHaveCountAsync(0);
        await AssertNothingRanAsync(board, "room");

        // The replay of the incident: scrubbed to the end, its marker and the unit are drawn again.
        await board.GotoAsync(new Uri(App.BaseAddress, $"/replay?incident={id}").ToString());
        await board.WaitForFunctionAsync($"() => Number({Map}?.dataset.replayUnits) >= 1");
        await board.EvaluateAsync("() => { const s = document.querySelector('[data-testid=replay-slider]'); s.value = s.max; s.dispatchEvent(new Event('input')); }");
        var replayed = board.Locator($"path.cc-incident-{id}");
        await Assertions.Expect(replayed).ToHaveCountAsync(1);
        await replayed.HoverAsync(new() { Force = true });
        await ExpectTooltipAsync(board, "<img src=x onerror=\"window.__xss=1\"><script>");
        await AssertNothingRanAsync(board, "replay");
        await board.ScreenshotAsync(new() { Path = Screenshot("hostile-text-replay.png") });
    }

    [GeneratedRegex("\\blive\\b")]
    private static partial Regex LiveClass();
}
