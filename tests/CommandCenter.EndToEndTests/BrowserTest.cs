using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

// Each test class gets its own running app (own database) and one headless Chromium.
public abstract class BrowserTest : IAsyncLifetime
{
    protected RunningApp App { get; private set; } = default!;
    protected IBrowser Chromium { get; private set; } = default!;
    private IPlaywright _playwright = default!;

    // A test class that needs other settings (the demo feeds) starts its app differently.
    protected virtual Task<RunningApp> StartAppAsync() => RunningApp.StartAsync();

    public virtual async ValueTask InitializeAsync()
    {
        App = await StartAppAsync();
        (_playwright, Chromium) = await Browser.LaunchAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
        await App.DisposeAsync();
    }

    protected static BrowserNewContextOptions Desktop(int width = 1600, int height = 900) => new() { ViewportSize = new ViewportSize { Width = width, Height = height } };

    protected static BrowserNewContextOptions Tablet(int width, int height) => new()
    {
        ViewportSize = new ViewportSize { Width = width, Height = height },
        HasTouch = true,
        IsMobile = true,
        DeviceScaleFactor = 1,
    };

    // Opens path; not signed in, the app sends the browser to the sign-in form and back.
    protected async Task<IPage> SignInAsync(string user, BrowserNewContextOptions options, string path = "/")
    {
        var context = await Chromium.NewContextAsync(options);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(App.BaseAddress, path).ToString());
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(RunningApp.DemoPassword);
        await page.Locator("button[type=submit]").ClickAsync();
        return page;
    }

    // The dispatcher's board, ready for the user: grids drawn and the live stream joined.
    protected async Task<IPage> OpenBoardAsync()
    {
        var page = await SignInAsync("dispatcher", Desktop());
        await page.Locator("path.cc-grid").First.WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=live-status]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\blive\\b"));
        return page;
    }

    // Reports an incident as a machine would (the demo API key), at a point inside the district.
    protected async Task<JsonElement> PostIncidentAsync(string type, string title, double latitude = 30.2420, double longitude = 120.1700)
    {
        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        var response = await http.PostAsJsonAsync("api/incidents", new { type, latitude, longitude, title }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    protected static string Screenshot(string name) => Path.Combine(Browser.ArtifactsFolder, name);
}
