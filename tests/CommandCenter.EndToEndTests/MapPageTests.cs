using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class MapPageTests : BrowserTest
{
    [Fact]
    public async Task A_posted_incident_appears_on_the_map_and_in_the_list_and_its_grid_reads_its_chain()
    {
        var page = await OpenBoardAsync();
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));

        var incident = await PostIncidentAsync("traffic_accident", "端到端测试：两车追尾");
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

        await page.ScreenshotAsync(new() { Path = Screenshot("map.png") });
    }

    [Fact]
    public async Task The_map_says_when_its_live_connection_is_down_and_catches_up_after_the_server_returns()
    {
        var page = await OpenBoardAsync();

        await App.StopProcessAsync();
        var status = page.Locator("[data-testid=live-status]");
        await Assertions.Expect(status).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bdown\\b"), new() { Timeout = 20_000 });
        await Assertions.Expect(status).ToContainTextAsync("实时连接已断开");
        await page.ScreenshotAsync(new() { Path = Screenshot("map-connection-lost.png") });

        await App.StartProcessAsync();
        var incident = await PostIncidentAsync("traffic_accident", "断线后补发");
        await Assertions.Expect(status).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\blive\\b"), new() { Timeout = 30_000 });
        await page.Locator($"path.cc-incident-{incident.GetProperty("id").GetInt64()}")
            .WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
    }
}
