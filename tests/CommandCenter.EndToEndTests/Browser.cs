using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

// Debian's Chromium, headless, never a browser that a test tool downloads.
public static class Browser
{
    public static string Executable => Environment.GetEnvironmentVariable("CC_CHROMIUM") ?? "/usr/bin/chromium";

    public static string ArtifactsFolder
    {
        get
        {
            var folder = Path.Combine(RunningApp.RepoRoot, "artifacts", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        return (playwright, browser);
    }
}
