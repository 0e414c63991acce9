using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class ResponderPageTests : BrowserTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string PhoneToken = "resp-phone-token-0123456789";

    [Fact]
    public async Task A_responders_phone_gets_its_assignment_live_and_moves_the_unit_en_route_and_on_scene()
    {
        // patrol01 signs in at the board's address and lands on the phone page, standing by.
        var phone = await SignInAsync("patrol01", Tablet(412, 915));
        await Assertions.Expect(phone.Locator("[data-testid=standing-by]")).ToContainTextAsync("暂无任务，待命中");
        Assert.EndsWith("/responder", phone.Url, StringComparison.Ordinal);
        var refused = new List<string>();
        phone.Response += (_, r) => { if (r.Status >= 400) lock (refused) refused.Add($"{r.Status} {r.Url}"); };
        await phone.EvaluateAsync("() => { window.__samePage = true; }");

        // The unit the account is bound to (巡001), reporting from beside the incident just now.
        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        var unit = await (await http.PostAsJsonAsync("api/admin/patrol/units", new { callsign = "巡001", kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var unitId = unit.GetProperty("id").GetInt64();
        (await http.PostAsJsonAsync("api/admin/patrol/devices", new { deviceId = "resp-phone", unitId, token = PhoneToken }, Ct)).EnsureSuccessStatusCode();
        (await http.GetAsync($"api/osmand?id=resp-phone&token={PhoneToken}&lat=30.2420&lon=120.1700&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", Ct)).EnsureSuccessStatusCode();
        var incident = await PostIncidentAsync("fight", "商场门口两人打架");
        var id = incident.GetProperty("id").GetInt64();

        // A dispatcher sends the unit, through the API with their own sign-in.
        var desk = await SignInAsync("dispatcher", Desktop());
        await desk.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        var sent = await desk.Context.APIRequest.PostAsync(new Uri(App.BaseAddress, $"api/incidents/{id}/assignments").ToString(), new()
        {
            DataObject = new { unitId },
            Headers = new Dictionary<string, string> { ["X-CC-Request"] = "1" },
        });
        Assert.Equal(201, sent.Status);

        // No reload: the assignment arrives over the live stream, with its map.
        await Assertions.Expect(phone.Locator("[data-testid=incident-title]")).ToHaveTextAsync("商场门口两人打架");
        Assert.True(await phone.EvaluateAsync<bool>("() => window.__samePage === true"));
        await phone.Locator("path.cc-grid").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await phone.Locator($"path.cc-incident-{id}").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        var step = phone.Locator("[data-testid=step]");
        await Assertions.Expect(step).ToHaveTextAsync("出发");
        var box = await step.BoundingBoxAsync();
        Assert.True(box!.Height >= 56, $"the step button is {box.Height}px high");
        Assert.True(box.Width >= 412 - 2 * 16, $"the step button is {box.Width}px wide");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");

        await step.TapAsync();
        await Assertions.Expect(step).ToHaveTextAsync("到达现场");
        await step.TapAsync();
        await Assertions.Expect(step).ToHaveTextAsync("完成撤离");

        var after = await http.GetFromJsonAsync<JsonElement>($"api/incidents/{id}", Ct);
        var assignment = after.GetProperty("assignments").EnumerateArray().Single();
        Assert.Equal("on_scene", assignment.GetProperty("status").GetString());
        Assert.Equal("handling", after.GetProperty("status").GetString());
        lock (refused) Assert.Empty(refused);
        await phone.ScreenshotAsync(new() { Path = Screenshot("responder-412x915.png"), FullPage = true });

        // The server goes away: the phone says so, across its width, legibly.
        await App.StopProcessAsync();
        var dialog = phone.Locator("#components-reconnect-modal[open]");
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await phone.WaitForFunctionAsync("() => getComputedStyle(document.getElementById('components-reconnect-modal')).opacity === '1'");
        var lost = await dialog.BoundingBoxAsync();
        Assert.InRange(lost!.Width, 360, 412);
        await phone.ScreenshotAsync(new() { Path = Screenshot("responder-connection-lost.png") });
    }
}
