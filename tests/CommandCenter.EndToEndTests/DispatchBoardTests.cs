using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class DispatchBoardTests : BrowserTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string PhoneToken = "dispatch-phone-token-0123456789";

    [Fact]
    public async Task A_dispatcher_takes_a_call_sends_the_recommended_unit_and_the_responder_moves_it_on_scene_live_everywhere()
    {
        // 巡001 (patrol01's unit) reports from beside 吴山广场 just now.
        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        var unitId = (await (await http.PostAsJsonAsync("api/admin/patrol/units", new { callsign = "巡001", kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        (await http.PostAsJsonAsync("api/admin/patrol/devices", new { deviceId = "dispatch-phone", unitId, token = PhoneToken }, Ct)).EnsureSuccessStatusCode();
        (await http.GetAsync($"api/osmand?id=dispatch-phone&token={PhoneToken}&lat=30.2440&lon=120.1690&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", Ct)).EnsureSuccessStatusCode();

        var wall = await SignInAsync("wall", Desktop(1920, 1080), "/wall");
        var phone = await SignInAsync("patrol01", Tablet(412, 915));
        await Assertions.Expect(phone.Locator("[data-testid=standing-by]")).ToBeVisibleAsync();
        var board = await SignInAsync("dispatcher", Desktop());
        var newCall = board.GetByTestId("new-call");
        await Assertions.Expect(newCall).ToBeEnabledAsync();

        // The call, from the keyboard only: F2, then the fields in the order of the call.
        await board.Keyboard.PressAsync("F2");
        var form = board.GetByTestId("call-form");
        await Assertions.Expect(board.GetByTestId("call-type")).ToBeFocusedAsync();
        await board.GetByTestId("call-type").SelectOptionAsync("fight");
        await board.GetByTestId("call-place").FillAsync("吴山");
        await Assertions.Expect(board.GetByTestId("place-hits")).ToContainTextAsync("吴山广场");
        await board.GetByTestId("call-place").PressAsync("Enter");
        await Assertions.Expect(board.GetByTestId("call-latitude")).Not.ToHaveValueAsync("");
        await board.GetByTestId("call-callback").FillAsync("138 1234 5678");
        await board.GetByTestId("call-description").FillAsync("广场上两人打架，有人受伤");
        await board.GetByTestId("call-description").PressAsync("Control+Enter");

        // The new incident opens with the nearest available unit ranked first; key 1 sends it.
        var panel = board.GetByTestId("dispatch-panel");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(board.GetByTestId("callback")).ToHaveTextAsync("13812345678");
        var first = panel.Locator(".cc-recommendation").First;
        await Assertions.Expect(first).ToHaveAttributeAsync("data-unit-id", unitId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(first.GetByTestId("why")).ToContainTextAsync("分钟");
        var id = long.Parse((await panel.GetAttributeAsync("data-incident-id"))!, System.Globalization.CultureInfo.InvariantCulture);
        await first.GetByTestId("send").FocusAsync();
        await board.Keyboard.PressAsync("1");
        await Assertions.Expect(panel.Locator($"[data-assignment-id]")).ToHaveAttributeAsync("data-status", "dispatched");
        await Assertions.Expect(board.Locator($"[data-incident-id='{id}'] [data-testid=incident-status]")).ToHaveTextAsync("已派遣");

        // The responder's phone gets it without a reload and moves the unit along.
        await Assertions.Expect(phone.Locator("[data-testid=description]")).ToContainTextAsync("两人打架");
        await Assertions.Expect(phone.Locator("[data-testid=address]")).ToContainTextAsync("吴山广场");
        var step = phone.Locator("[data-testid=step]");
        await Assertions.Expect(step).ToHaveTextAsync("出发");
        await step.TapAsync();
        await Assertions.Expect(step).ToHaveTextAsync("到达现场");
        await step.TapAsync();

        // Every screen follows at once: the board's panel and list, and the wall's ticker.
        await Assertions.Expect(panel.Locator("[data-assignment-id]")).ToHaveAttributeAsync("data-status", "on_scene");
        await Assertions.Expect(board.Locator($"[data-incident-id='{id}'] [data-testid=incident-status]")).ToHaveTextAsync("处置中");
        await Assertions.Expect(wall.Locator($"[data-testid=event-ticker] [data-incident-id='{id}'] [data-testid=ticker-status]")).ToHaveTextAsync("处置中");
        await Assertions.Expect(panel.GetByTestId("dispatch-timeline")).ToContainTextAsync("巡001 到达现场");
        // The list shows the number masked; only the incident shows it whole.
        await Assertions.Expect(board.GetByTestId("incident-list")).Not.ToContainTextAsync("13812345678");
        await board.ScreenshotAsync(new() { Path = Screenshot("dispatch-board.png") });
    }
}
