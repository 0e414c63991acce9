using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class PatrolMapTests : BrowserTest
{
    private const string Map = "document.querySelector('[data-testid=map]')";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private const string PhoneToken = "e2e-phone-token-0123456789";

    [Fact]
    public async Task Fixes_posted_through_the_OsmAnd_endpoint_move_the_unit_on_the_map_canvas()
    {
        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        var unit = await (await http.PostAsJsonAsync("api/admin/patrol/units", new { callsign = "巡E2E", kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var unitId = unit.GetProperty("id").GetInt64();
        (await http.PostAsJsonAsync("api/admin/patrol/devices", new { deviceId = "e2e-phone", unitId, token = PhoneToken }, Ct)).EnsureSuccessStatusCode();
        var page = await OpenBoardAsync();

        (await http.GetAsync($"api/osmand?id=e2e-phone&token={PhoneToken}&lat=30.2420&lon=120.1700&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}&bearing=0", Ct)).EnsureSuccessStatusCode();
        await page.WaitForFunctionAsync($"id => {Map}.ccPatrols.unit(id) !== null", unitId);

        // Drawn on the canvas where the unit is: the pixel there is not transparent.
        var painted = await page.EvaluateAsync<bool>($$"""
            id => {
              const hooks = {{Map}}.ccPatrols; hooks.drawNow();
              const p = hooks.pointOf(id); const canvas = document.querySelector('[data-testid=patrol-canvas]');
              const r = window.devicePixelRatio || 1;
              return canvas.getContext('2d').getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data[3] > 0;
            }
            """, unitId);
        Assert.True(painted);

        var (lat, lon) = (30.2450, 120.1700); // ~330 m north
        (await http.GetAsync($"api/osmand?id=e2e-phone&token={PhoneToken}&lat={F(lat)}&lon={F(lon)}&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1}", Ct)).EnsureSuccessStatusCode();
        await page.WaitForFunctionAsync($"id => Math.abs({Map}.ccPatrols.unit(id).lat - {F(lat)}) < 1e-6", unitId);
        Assert.Equal("available", await page.EvaluateAsync<string>($"id => {Map}.ccPatrols.unit(id).status", unitId));
    }

    // The issue's map measurement: 5,000 moving units, every unit changed in every batch, received
    // as the hub sends them (compact JSON, parsed in the task that applies it) and drawn on the next
    // animation frame, at the board's district zoom and closer. Timings are printed and written to
    // artifacts/map-5000-units.txt, not asserted (a shared CI machine makes them noisy); the counts
    // and the aggregation are asserted.
    [Fact]
    public async Task The_map_applies_and_draws_batches_of_5000_moving_units()
    {
        var page = await OpenBoardAsync();
        // The harness is a module of its own under bench/map, served to the page from the repository.
        var harness = Path.Combine(RunningApp.RepoRoot, "bench", "map", "harness-5000.js");
        await page.RouteAsync("**/bench/map/harness-5000.js", route => route.FulfillAsync(new() { Path = harness, ContentType = "text/javascript" }));

        var result = await page.EvaluateAsync<JsonElement>("""
            async () => (await import('/bench/map/harness-5000.js')).measure5000Units()
            """);

        // The machine's load with it: long tasks on a shared 2-core machine are often waits for a core.
        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", Ct)).Split(' ')[0] : "?";
        TestContext.Current.TestOutputHelper?.WriteLine($"5000 units (load {load}, {Environment.ProcessorCount} cores): {result}");
        await File.AppendAllTextAsync(Path.Combine(Browser.ArtifactsFolder, "..", "map-5000-units.txt"),
            $"{DateTimeOffset.UtcNow:O} load {load} cores {Environment.ProcessorCount} {result}\n", Ct);
        Assert.True(result.GetProperty("minCount").GetInt32() >= 5000, result.ToString());
        var district = result.GetProperty("district");
        Assert.True(district.GetProperty("clusters").GetInt32() > 0, result.ToString());
        var close = result.GetProperty("close");
        Assert.Equal(0, close.GetProperty("clusters").GetInt32());
        Assert.True(close.GetProperty("individuals").GetInt32() > 0, result.ToString());
    }
}

public class PatrolDemoTests : BrowserTest
{
    protected override Task<RunningApp> StartAppAsync() => RunningApp.StartAsync(demo: true);

    [Fact]
    public async Task The_demo_feed_reports_its_units_over_HTTP_and_the_map_draws_them()
    {
        var page = await SignInAsync("dispatcher", Desktop());
        await page.Locator("path.cc-grid").First.WaitForAsync();

        // At least 200 simulated units, each having reported through /api/osmand.
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=map]').dataset.patrolUnits) >= 200",
            null, new() { Timeout = 60_000 });
        var stats = await page.EvaluateAsync<JsonElement>("() => document.querySelector('[data-testid=map]').ccPatrols.stats()");
        Assert.True(stats.GetProperty("batches").GetInt32() >= 1);
        // The screenshot once the layer has drawn units on screen and the frame after it is painted.
        await page.WaitForFunctionAsync("() => { const s = document.querySelector('[data-testid=map]').ccPatrols.stats(); return s.lastDrawMs > 0 && s.visible > 0; }");
        await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ArtifactsFolder, "patrols.png") });
    }

    [Fact]
    public async Task The_unit_list_beside_the_map_follows_the_demo_units_and_filters_them()
    {
        var page = await SignInAsync("dispatcher", Desktop());
        await page.GetByTestId("tab-units").ClickAsync();

        // "显示 N / 共 M": every demo unit is listed once it has reported.
        await page.WaitForFunctionAsync("""
            () => { const m = /共 (\d+)/.exec(document.querySelector('[data-testid=unit-count]')?.textContent || ''); return m && Number(m[1]) >= 200; }
            """, null, new() { Timeout = 60_000 });
        var summary = await Task.WhenAll(new[] { "summary-available", "summary-busy", "summary-silent" }.Select(id => page.GetByTestId(id).InnerTextAsync()));
        var total = summary.Sum(text => int.Parse(text.Split('\n')[0].Trim(), CultureInfo.InvariantCulture));
        Assert.True(total >= 200, $"the counts add up to {total}");

        await page.GetByTestId("filter-kind").SelectOptionAsync("vehicle");
        // The list re-renders from the circuit: wait until the filter has reached it (and rows are drawn:
        // "every" over no rows at all would be true at once).
        await page.WaitForFunctionAsync("""
            () => { const metas = [...document.querySelectorAll('[data-unit-id] .cc-unit-meta')];
                    return metas.length > 0 && metas.every(e => e.textContent.trim().startsWith('巡逻车')); }
            """);
        var metas = await page.Locator("[data-unit-id] .cc-unit-meta").AllInnerTextsAsync();
        Assert.NotEmpty(metas);
        Assert.All(metas, meta => Assert.StartsWith("巡逻车", meta));

        var first = page.Locator("[data-unit-id]").First;
        var unitId = await first.GetAttributeAsync("data-unit-id");
        await first.ClickAsync();
        await Assertions.Expect(first).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("selected"));
        // Picking a unit in the list draws its trail on the map.
        await Assertions.Expect(page.Locator("[data-testid=map]")).ToHaveAttributeAsync("data-trail-unit", unitId!);
        await Assertions.Expect(page.Locator("path.cc-trail")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Screenshot("unit-list.png") });
    }
}
