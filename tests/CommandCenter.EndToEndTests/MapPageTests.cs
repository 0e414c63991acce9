using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class MapPageTests : IAsyncLifetime
{
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
        // Not signed in: the board sends the dispatcher to the sign-in form, then back.
        await page.Locator("#username").FillAsync("dispatcher");
        await page.Locator("#password").FillAsync(RunningApp.DemoPassword);
        await page.Locator("button[type=submit]").ClickAsync();
        // Ready for the user: the grids are drawn and the live stream is joined.
        await page.Locator("path.cc-grid").First.WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=live-status]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\blive\\b"));
        return page;
    }

    private async Task<JsonElement> PostIncidentAsync(string title)
    {
        using var http = new HttpClient { BaseAddress = _app.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        var response = await http.PostAsJsonAsync("api/incidents", new { type = "traffic_accident", latitude = 30.2420, longitude = 120.1700, title });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_posted_incident_appears_on_the_map_and_in_the_list_and_its_grid_reads_its_chain()
    {
        var page = await OpenMapAsync();
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));

        var incident = await PostIncidentAsync("端到端测试：两车追尾");
        var id = incident.GetProperty("id").GetInt64();
        var grid = incident.GetProperty("gridCode").GetString()!;
        var community = incident.GetProperty("communityName").GetString()!;

        // No reload: the marker and the row arrive over the live connections.
        await page.Locator($"path.cc-incident-{id}").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator($"[data-incident-id='{id}']")).ToContainTextAsync("端到端测试：两车追尾");
        await Assertions.Expect(page.Locator($"[data-incident-id='{id}']")).ToContainTextAsync(community);
        // Rendered from a live event, still in the user's language.
        await Assertions.Expect(page.Locator($"[data-incident-id='{id}']")).ToContainTextAsync("交通事故");

        await page.Locator($"path.cc-grid-{grid}").ClickAsync(new() { Force = true });
        var chain = page.Locator("[data-testid=grid-chain]");
        await Assertions.Expect(chain).ToContainTextAsync("上城区");
        await Assertions.Expect(chain).ToContainTextAsync(community);
        await Assertions.Expect(chain).ToContainTextAsync(grid);
        await Assertions.Expect(page.Locator("[data-testid=grid-detail]")).ToContainTextAsync("端到端测试：两车追尾");

        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ArtifactsFolder, "map.png") });
    }

    [Fact]
    public async Task The_map_says_when_its_live_connection_is_down_and_catches_up_after_the_server_returns()
    {
        var page = await OpenMapAsync();

        await _app.StopProcessAsync();
        var status = page.Locator("[data-testid=live-status]");
        await Assertions.Expect(status).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bdown\\b"), new() { Timeout = 20_000 });
        await Assertions.Expect(status).ToContainTextAsync("实时连接已断开");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ArtifactsFolder, "map-connection-lost.png") });

        await _app.StartProcessAsync();
        var incident = await PostIncidentAsync("断线后补发");
        await Assertions.Expect(status).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\blive\\b"), new() { Timeout = 30_000 });
        await page.Locator($"path.cc-incident-{incident.GetProperty("id").GetInt64()}")
            .WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
    }
}
