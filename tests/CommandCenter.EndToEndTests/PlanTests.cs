using System.Net.Http.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

// The emergency-plan loop across screens: reports cluster, the rules raise the flood plan to Ⅲ on
// the wall, more reports ask for Ⅱ, the leader approves on a tablet, and the wall turns orange.
public class PlanTests : BrowserTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override Task<RunningApp> StartAppAsync() => RunningApp.StartAsync(new Dictionary<string, string>
    {
        ["Plans__RulesEnabled"] = "true",
        ["Plans__RuleInterval"] = "00:00:01",
    });

    private static async Task ReportAsync(HttpClient http, int n) =>
        (await http.PostAsJsonAsync("api/incidents", new
        {
            type = "other", title = $"下穿通道积水 {n}", latitude = 30.2070 + n * 0.0004, longitude = 120.1643 + n * 0.0003,
        }, Ct)).EnsureSuccessStatusCode();

    [Fact]
    public async Task A_cluster_of_reports_raises_the_flood_plan_a_leader_approves_level_two_on_a_tablet_and_the_wall_turns_orange()
    {
        var wall = await SignInAsync("wall", Desktop(1920, 1080), "/wall");
        await wall.WaitForURLAsync(url => url.EndsWith("/wall", StringComparison.Ordinal));
        await Assertions.Expect(wall.GetByTestId("kpi-plans-active-value")).ToHaveTextAsync("0");
        var tablet = await SignInAsync("leader", Tablet(820, 1180), "/leader");
        await Assertions.Expect(tablet.GetByTestId("no-pending")).ToBeVisibleAsync();
        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);

        // Six reports within a kilometre: the flood plan at Ⅲ, yellow on the wall.
        for (var n = 0; n < 6; n++) await ReportAsync(http, n);
        var banner = wall.GetByTestId("plan-banner");
        await Assertions.Expect(banner).ToHaveAttributeAsync("data-plan-level", "III", new() { Timeout = 30_000 });
        await Assertions.Expect(banner).ToHaveAttributeAsync("data-plan-colour", "yellow");
        await Assertions.Expect(banner.GetByTestId("plan-banner-name")).ToHaveTextAsync("城市内涝防汛应急预案");

        // Ten: the rules ask the leader for Ⅱ; the wall shows it waiting, Ⅲ still in force.
        for (var n = 6; n < 10; n++) await ReportAsync(http, n);
        var request = tablet.Locator("[data-testid=pending-approvals] [data-run-id]");
        await Assertions.Expect(request.GetByTestId("approval-reason")).ToContainTextAsync("同类警情10起", new() { Timeout = 30_000 });
        await Assertions.Expect(tablet.GetByTestId("notices")).ToContainTextAsync("待审批");
        await Assertions.Expect(wall.GetByTestId("kpi-plans-pending-value")).ToHaveTextAsync("1");
        await Assertions.Expect(banner.GetByTestId("plan-banner-pending")).ToBeVisibleAsync();
        var approve = request.GetByTestId("approve");
        var box = await approve.BoundingBoxAsync();
        Assert.True(box!.Height >= 44, $"the approve button is {box.Height}px high");
        await tablet.ScreenshotAsync(new() { Path = Screenshot("leader-approval-820x1180.png"), FullPage = true });

        await approve.TapAsync();

        await Assertions.Expect(banner).ToHaveAttributeAsync("data-plan-colour", "orange");
        await Assertions.Expect(banner).ToHaveAttributeAsync("data-plan-level", "II");
        await Assertions.Expect(wall.GetByTestId("kpi-plans-pending-value")).ToHaveTextAsync("0");
        await Assertions.Expect(tablet.GetByTestId("no-pending")).ToBeVisibleAsync();
        await wall.ScreenshotAsync(new() { Path = Screenshot("wall-plan-orange-1920x1080.png") });
    }
}
