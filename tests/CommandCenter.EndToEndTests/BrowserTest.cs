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
    private readonly List<string> _browserLog = [];
    private readonly List<IPage> _pages = [];

    // A test class that needs other settings (the demo feeds) starts its app differently.
    protected virtual Task<RunningApp> StartAppAsync() => RunningApp.StartAsync();

    public virtual async ValueTask InitializeAsync()
    {
        App = await StartAppAsync();
        (_playwright, Chromium) = await Browser.LaunchAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed) await WriteFailureLogAsync();
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
        await context.AddInitScriptAsync(CspWatch);
        var page = Watch(await context.NewPageAsync());
        await page.GotoAsync(new Uri(App.BaseAddress, path).ToString());
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(RunningApp.DemoPassword);
        await page.Locator("button[type=submit]").ClickAsync();
        return page;
    }

    // Every page of a signed-in context keeps the Content-Security-Policy violations it saw.
    private const string CspWatch = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
        """;

    // The violations the page's Content-Security-Policy reported since it loaded.
    protected static Task<string[]> CspViolationsAsync(IPage page) => page.EvaluateAsync<string[]>("() => window.__cspViolations ?? ['no CSP watch on this page']");

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

    // What the browser said (console warnings and errors, uncaught errors, failed requests): kept for a failure.
    protected IPage Watch(IPage page)
    {
        void Add(string line) { lock (_browserLog) _browserLog.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"); }
        page.Console += (_, m) => { if (m.Type is "error" or "warning") Add($"console.{m.Type}: {m.Text}"); };
        page.PageError += (_, e) => Add($"pageerror: {e}");
        page.RequestFailed += (_, r) => Add($"request failed: {r.Method} {r.Url} {r.Failure}");
        page.Response += (_, r) => { if (r.Status >= 400) Add($"HTTP {r.Status}: {r.Request.Method} {r.Url}"); };
        lock (_pages) _pages.Add(page);
        return page;
    }

    // A failed test leaves the app's log, the browser's complaints and a screenshot of each of its
    // pages beside the other screenshots, and the tail of the logs in the test output: a flaky
    // failure in CI can then be explained without a rerun.
    private async Task WriteFailureLogAsync()
    {
        var test = TestContext.Current.Test?.TestDisplayName ?? "unknown";
        var name = string.Concat(test.Replace("CommandCenter.EndToEndTests.", "", StringComparison.Ordinal).Split(Path.GetInvalidFileNameChars()));
        name = $"failed-{name[^Math.Min(name.Length, 80)..]}";
        string browser;
        lock (_browserLog) browser = string.Join('\n', _browserLog);
        var text = $"== {test}\n== browser\n{browser}\n== app\n{App.Log}";
        File.WriteAllText(Path.Combine(Browser.ArtifactsFolder, $"{name}.log"), text);
        IPage[] pages;
        lock (_pages) pages = [.. _pages];
        for (var i = 0; i < pages.Length; i++)
        {
            try
            {
                await pages[i].ScreenshotAsync(new() { Path = Path.Combine(Browser.ArtifactsFolder, $"{name}-page{i + 1}.png") });
            }
            catch (PlaywrightException)
            {
                // the page is closed or gone with its context
            }
        }
        var lines = text.Split('\n');
        Console.Error.WriteLine(string.Join('\n', lines[^Math.Min(80, lines.Length)..]));
    }

    protected static string Screenshot(string name) => Path.Combine(Browser.ArtifactsFolder, name);
}
