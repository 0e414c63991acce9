using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class PatrolMapTests : IAsyncLifetime
{
    private const string Map = "document.querySelector('[data-testid=map]')";
    private RunningApp _app = default!;
    private IPlaywright _playwright = default!;
    private IBrowser _browser = default!;

    public async ValueTask InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<IPage> OpenMapAsync()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 } });
        await page.GotoAsync(_app.BaseAddress.ToString());
        await page.Locator("path.cc-grid").First.WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=live-status]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\blive\\b"));
        return page;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Fixes_posted_through_the_OsmAnd_endpoint_move_the_unit_on_the_map_canvas()
    {
        using var http = new HttpClient { BaseAddress = _app.BaseAddress };
        var unit = await (await http.PostAsJsonAsync("api/admin/patrol/units", new { callsign = "巡E2E", kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var unitId = unit.GetProperty("id").GetInt64();
        (await http.PostAsJsonAsync("api/admin/patrol/devices", new { deviceId = "e2e-phone", unitId }, Ct)).EnsureSuccessStatusCode();
        var page = await OpenMapAsync();

        (await http.GetAsync($"api/osmand?id=e2e-phone&lat=30.2420&lon=120.1700&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}&bearing=0", Ct)).EnsureSuccessStatusCode();
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
        (await http.GetAsync($"api/osmand?id=e2e-phone&lat={F(lat)}&lon={F(lon)}&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1}", Ct)).EnsureSuccessStatusCode();
        await page.WaitForFunctionAsync($"id => Math.abs({Map}.ccPatrols.unit(id).lat - {F(lat)}) < 1e-6", unitId);
        Assert.Equal("available", await page.EvaluateAsync<string>($"id => {Map}.ccPatrols.unit(id).status", unitId));
    }
}

public class PatrolDemoTests : IAsyncLifetime
{
    private RunningApp _app = default!;
    private IPlaywright _playwright = default!;
    private IBrowser _browser = default!;

    public async ValueTask InitializeAsync()
    {
        _app = await RunningApp.StartAsync(demo: true);
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_demo_feed_reports_its_units_over_HTTP_and_the_map_draws_them()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 } });
        await page.GotoAsync(_app.BaseAddress.ToString());
        await page.Locator("path.cc-grid").First.WaitForAsync();

        // At least 200 simulated units, each having reported through /api/osmand.
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=map]').dataset.patrolUnits) >= 200",
            null, new() { Timeout = 60_000 });
        var stats = await page.EvaluateAsync<JsonElement>("() => document.querySelector('[data-testid=map]').ccPatrols.stats()");
        Assert.True(stats.GetProperty("batches").GetInt32() >= 1);
        await page.WaitForTimeoutAsync(1500);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ArtifactsFolder, "patrols.png") });
    }
}
