using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class PatrolAdminTests : BrowserTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ILocator Input(IPage page, string testId) =>
        page.Locator($":is(input[data-testid={testId}], [data-testid={testId}] input)").First;

    private async Task<int> OsmAndStatusAsync(string deviceId, string? token = null)
    {
        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        var response = await http.GetAsync($"api/osmand?id={deviceId}&token={token}&lat=30.2420&lon=120.1700&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", Ct);
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task An_admin_creates_a_unit_registers_its_phone_which_can_then_report_and_removes_it_again()
    {
        var page = await SignInAsync("admin", Desktop(), "/admin/patrol");
        Assert.Equal(400, await OsmAndStatusAsync("e2e-admin-phone")); // unknown until registered

        await Input(page, "unit-callsign").FillAsync("巡E2E管理");
        await page.GetByTestId("create-unit").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=patrol-units-table] tr", new() { HasText = "巡E2E管理" })).ToHaveCountAsync(1);

        await Input(page, "device-id").FillAsync("e2e-admin-phone");
        await page.GetByTestId("device-unit").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "巡E2E管理" }).ClickAsync();
        await page.GetByTestId("register-device").ClickAsync();
        var chip = page.Locator("[data-device-id='e2e-admin-phone']");
        await Assertions.Expect(chip).ToBeVisibleAsync();
        // No token entered: one is generated and shown once, inside the URL for the phone.
        var shown = await page.GetByTestId("device-token-generated").TextContentAsync();
        var token = System.Text.RegularExpressions.Regex.Match(shown ?? "", "token=([A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.Equal(400, await OsmAndStatusAsync("e2e-admin-phone"));
        Assert.Equal(200, await OsmAndStatusAsync("e2e-admin-phone", token));

        // A second unit with the same callsign is refused, naming why.
        await Input(page, "unit-callsign").FillAsync("巡E2E管理");
        await page.GetByTestId("create-unit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("patrol-admin-error")).ToContainTextAsync("巡E2E管理");
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-patrol.png") });

        await chip.Locator("button, .mud-chip-close-button").First.ClickAsync();
        await Assertions.Expect(chip).ToHaveCountAsync(0);
        // The device directory caches for Patrol:DeviceCacheTtl, but a removal invalidates it here.
        Assert.Equal(400, await OsmAndStatusAsync("e2e-admin-phone", token));
    }
}
