using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class LinkageTests : BrowserTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_alert_from_110_reaches_the_water_operators_phone_live_and_is_acknowledged()
    {
        var phone = await SignInAsync("water", Tablet(412, 915));
        await phone.WaitForURLAsync(url => url.EndsWith("/linkage", StringComparison.Ordinal));
        await Assertions.Expect(phone.GetByTestId("linkage-empty")).ToBeVisibleAsync();

        // The 110 system posts an alert somewhere in the district outside 清波 (the water company's).
        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        var alert = await (await http.PostAsJsonAsync("api/linkage-alerts", new
        {
            externalId = "110-e2e-0001", sentAt = DateTimeOffset.UtcNow, category = "water", priority = "high",
            latitude = 30.2300, longitude = 120.1850, address = "望江门外路口", description = "路面大量冒水", reporterContact = "13800002222",
        }, Ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = alert.GetProperty("id").GetInt64();

        // No reload: it arrives with its countdown ticking, the caller's number whole for this unit.
        var row = phone.Locator($"[data-alert-id='{id}']");
        await Assertions.Expect(row).ToContainTextAsync("路面大量冒水");
        await Assertions.Expect(row.GetByTestId("contact")).ToHaveTextAsync("13800002222");
        await Assertions.Expect(row.GetByTestId("countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[45]:\d\d$"));
        var button = row.GetByTestId("acknowledge");
        var box = await button.BoundingBoxAsync();
        Assert.True(box!.Height >= 48, $"the button is {box.Height}px high");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");

        await button.TapAsync();
        await Assertions.Expect(row.GetByTestId("alert-state")).ToHaveTextAsync("已签收");
        await Assertions.Expect(row.GetByTestId("arrive")).ToBeVisibleAsync();
        var stored = await phone.Context.APIRequest.GetAsync(new Uri(App.BaseAddress, $"api/linkage-alerts/{id}").ToString());
        Assert.Equal("acknowledged", (await stored.JsonAsync())!.Value.GetProperty("state").GetString());
        await phone.ScreenshotAsync(new() { Path = Screenshot("linkage-412x915.png"), FullPage = true });
    }

    [Fact]
    public async Task An_alert_posted_by_110_appears_on_the_wall_map_tiles_and_ticker_live()
    {
        var wall = await SignInAsync("wall", Desktop(1920, 1080), "/wall");
        await wall.WaitForURLAsync(url => url.EndsWith("/wall", StringComparison.Ordinal));
        await Assertions.Expect(wall.GetByTestId("alert-legend")).ToContainTextAsync("督办");
        await Assertions.Expect(wall.GetByTestId("kpi-alerts-open-value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));
        var before = int.Parse(await wall.GetByTestId("kpi-alerts-open-value").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        var alert = await (await http.PostAsJsonAsync("api/linkage-alerts", new
        {
            externalId = $"110-e2e-wall-{Guid.NewGuid():N}", sentAt = DateTimeOffset.UtcNow, category = "water", priority = "high",
            latitude = 30.2437, longitude = 120.1683, address = "<img src=x onerror=alert(1)>吴山广场", description = "路面冒水", reporterContact = "13800002222",
        }, Ct)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = alert.GetProperty("id").GetInt64();

        // No reload: a violet (未签收) diamond on the map, one more open alert, a line in the ticker.
        var marker = wall.Locator($".cc-alert-{id}");
        await Assertions.Expect(marker).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bcc-alert-new\b"));
        await Assertions.Expect(wall.GetByTestId("kpi-alerts-open-value")).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var line = wall.Locator($"[data-testid=event-ticker] li[data-alert-id='{id}']");
        await Assertions.Expect(line).ToContainTextAsync("<img src=x onerror=alert(1)>吴山广场");
        Assert.Equal(0, await wall.Locator("[data-testid=event-ticker] img").CountAsync());
        Assert.DoesNotContain("13800002222", await wall.ContentAsync(), StringComparison.Ordinal);
        await wall.ScreenshotAsync(new() { Path = Screenshot("wall-linkage-1920x1080.png") });
    }
}
