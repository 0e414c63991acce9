using Microsoft.Playwright;

namespace CommandCenter.EndToEndTests;

public class IncidentRoomTests : BrowserTest
{
    [Fact]
    public async Task A_leaders_instruction_from_the_tablet_appears_on_the_dispatchers_timeline_live()
    {
        var incident = await PostIncidentAsync("mass_incident", "小区门口人员聚集");
        var room = $"/incidents/{incident.GetProperty("id").GetInt64()}/room";

        var dispatcher = await SignInAsync("dispatcher", Desktop(), room);
        await Assertions.Expect(dispatcher.Locator("[data-testid=timeline]")).ToContainTextAsync("小区门口人员聚集");

        var leader = await SignInAsync("leader", Tablet(1024, 768), room);
        await Assertions.Expect(leader.Locator("[data-testid=presence]")).ToContainTextAsync("领导 张");
        await Assertions.Expect(leader.Locator("[data-testid=presence]")).ToContainTextAsync("调度员 李");
        await leader.Locator("textarea").FillAsync("立即疏散周边群众，注意控制现场");
        await leader.Locator("textarea").BlurAsync();
        await leader.Locator("[data-addressee=Dispatcher]").TapAsync();
        await leader.Locator("[data-testid=instruction-send]").TapAsync();

        // The dispatcher did nothing: the instruction and its task arrive over the live stream.
        await Assertions.Expect(dispatcher.Locator("[data-testid=timeline]")).ToContainTextAsync("立即疏散周边群众，注意控制现场");
        await Assertions.Expect(dispatcher.Locator("[data-testid=tasks]")).ToContainTextAsync("调度员");
        await dispatcher.ScreenshotAsync(new() { Path = Screenshot("room-dispatcher.png") });

        // Audited with who and from where, although it came over a circuit, not a request.
        await using (var db = new Npgsql.NpgsqlConnection(App.ConnectionString))
        {
            await db.OpenAsync(TestContext.Current.CancellationToken);
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT actor_name || '@' || remote_address FROM audit_log WHERE action = 'incident.instruction'", db);
            Assert.Equal("领导 张@127.0.0.1", await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }

        // Touch targets on the tablet are at least 44 px.
        foreach (var target in await leader.Locator(".cc-touch").AllAsync())
        {
            var box = await target.BoundingBoxAsync();
            Assert.True(box!.Height >= 44, $"a touch target is {box.Height}px high");
        }
        await leader.ScreenshotAsync(new() { Path = Screenshot("room-tablet-1024x768.png") });
        await leader.SetViewportSizeAsync(1180, 820);
        await leader.ScreenshotAsync(new() { Path = Screenshot("room-tablet-1180x820.png") });
    }

    [Fact]
    public async Task A_leaders_tablet_opens_on_the_cases_they_lead()
    {
        var incident = await PostIncidentAsync("dispute", "邻里纠纷调处");
        var id = incident.GetProperty("id").GetInt64();

        var leader = await SignInAsync("leader", Tablet(1180, 820), $"/incidents/{id}/room");
        await leader.Locator("[data-testid=lead]").TapAsync();
        await Assertions.Expect(leader.Locator("[data-testid=timeline]")).ToContainTextAsync("领导包案");

        await leader.GotoAsync(new Uri(App.BaseAddress, "/leader").ToString());
        await Assertions.Expect(leader.Locator($"[data-testid=my-cases] [data-incident-id='{id}']")).ToContainTextAsync("邻里纠纷调处");
        await leader.ScreenshotAsync(new() { Path = Screenshot("leader-home.png") });
    }

    [Fact]
    public async Task A_tablet_that_slept_shows_what_happened_meanwhile()
    {
        var incident = await PostIncidentAsync("fire", "仓库起火");
        var room = $"/incidents/{incident.GetProperty("id").GetInt64()}/room";
        var tablet = await SignInAsync("leader", Tablet(1024, 768), room);
        await Assertions.Expect(tablet.Locator("[data-testid=timeline]")).ToContainTextAsync("仓库起火");

        await tablet.Context.SetOfflineAsync(true);
        var admin = await SignInAsync("admin", Desktop(), room);
        await admin.Locator("textarea").FillAsync("消防到场前先疏散");
        await admin.Locator("textarea").BlurAsync();
        await admin.Locator("[data-addressee=DutyOfficer]").ClickAsync();
        await admin.Locator("[data-testid=instruction-send]").ClickAsync();
        // Stored and sent: the admin's own timeline shows it. (Offline emulation leaves an open
        // WebSocket up — microsoft/playwright#4910 — so a pause here would prove nothing more.)
        await Assertions.Expect(admin.Locator("[data-testid=timeline]")).ToContainTextAsync("消防到场前先疏散");
        await tablet.Context.SetOfflineAsync(false);

        await Assertions.Expect(tablet.Locator("[data-testid=timeline]")).ToContainTextAsync("消防到场前先疏散", new() { Timeout = 30_000 });
    }
}
