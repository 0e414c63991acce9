using System.Net;
using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Linkage;

namespace CommandCenter.IntegrationTests.Features.Linkage;

public class LinkageDirectoryTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _api = fixture.App.CreateApiClient();

    // 吴山广场 lies in 清波第2社区 (330102001002, in 清波街道); 30.2300,120.1850 is in 紫阳街道.
    private const string QingboCommunity2 = "330102001002";
    private const double InsideLat = 30.2437, InsideLon = 120.1683, OutsideLat = 30.2300, OutsideLon = 120.1850;

    private static object Unit(string code, string[]? areaCodes = null, object[]? limits = null, string? supervisor = "water-lead", string[]? categories = null) => new
    {
        code, name = $"{code} 供水抢修小组", categories = categories ?? ["water"], areaCodes = areaCodes ?? [QingboCommunity2],
        supervisorName = "陈立", supervisorUserName = supervisor, limits = limits ?? [],
    };

    private static object Limit(string acknowledge, string arrive = "00:20:00", string feedback = "12:00:00", string? category = null) =>
        new { category, priority = (string?)null, limits = new { acknowledge, arrive, feedback } };

    private async Task<LinkageAlertView> AlertAsync(double lat, double lon)
    {
        var response = await _api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = $"110-{Guid.NewGuid():N}", sentAt = DateTimeOffset.UtcNow, category = "water", priority = "medium",
            latitude = lat, longitude = lon, address = "吴山广场东侧", description = "路面冒水",
        }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;
    }

    [Fact]
    public async Task A_unit_an_admin_creates_for_one_community_takes_the_alerts_inside_it_with_its_own_limits_and_the_rest_go_as_before()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");

        var created = await admin.PostAsJsonAsync("/api/admin/linkage-units", Unit("water-qb2", limits: [Limit("00:02:00")]), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var unit = (await created.Content.ReadFromJsonAsync<LinkageDirectoryUnit>(Ct))!;
        var inside = await AlertAsync(InsideLat, InsideLon);
        var outside = await AlertAsync(OutsideLat, OutsideLon);

        Assert.Equal([QingboCommunity2], unit.AreaCodes);
        Assert.Equal("water-lead", unit.SupervisorUserName);
        Assert.Equal(unit.Id, inside.UnitId);
        Assert.InRange((inside.AcknowledgeDueAt!.Value - inside.ReceivedAt).TotalMinutes, 1.9, 2.1);
        Assert.Equal("杭州水务 上城供水服务所", outside.UnitName);
        Assert.InRange((outside.AcknowledgeDueAt!.Value - outside.ReceivedAt).TotalMinutes, 4.9, 5.1);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'linkage.unit_create' AND target = 'linkage_unit/water-qb2' AND actor_kind = 'user'"));
    }

    [Fact]
    public async Task The_directory_lists_each_units_area_in_square_kilometres_its_codes_and_its_operators()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");
        // Heating, which no other test posts: this unit never takes another test's water alert.
        (await admin.PostAsJsonAsync("/api/admin/linkage-units", Unit("water-list", categories: ["heating"]), Ct)).EnsureSuccessStatusCode();

        var units = (await admin.GetFromJsonAsync<LinkageDirectoryUnit[]>("/api/admin/linkage-units", Ct))!;

        var district = units.Single(u => u.Code == "water");
        var community = units.Single(u => u.Code == "water-list");
        Assert.Empty(district.AreaCodes);
        Assert.Equal(["water", "water-lead"], district.Operators.Select(o => o.UserName));
        Assert.All(district.Operators, o => Assert.False(o.Locked));
        Assert.InRange(district.AreaKm2, 10, 40);
        Assert.InRange(community.AreaKm2, 0.01, district.AreaKm2 / 4);
        Assert.Empty(community.Operators);
    }

    [Fact]
    public async Task Changing_a_unit_routes_new_alerts_by_its_new_area_and_limits_and_leaves_alerts_already_routed_where_they_are()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");
        var unit = (await (await admin.PostAsJsonAsync("/api/admin/linkage-units", Unit("water-move", areaCodes: ["330102005002"]), Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageDirectoryUnit>(Ct))!;
        var before = await AlertAsync(OutsideLat, OutsideLon);

        // Moved to 紫阳第1社区 (330102005001), with water acknowledged within 3 minutes.
        var changed = await admin.PutAsJsonAsync($"/api/admin/linkage-units/{unit.Id}",
            Unit("ignored", areaCodes: ["330102005001"], limits: [Limit("00:03:00", category: "water")]), Ct);
        var leftBehind = await AlertAsync(OutsideLat, OutsideLon);
        var inNewArea = await AlertAsync(30.23577, 120.16434);
        var beforeNow = (await admin.GetFromJsonAsync<LinkageAlertView>($"/api/linkage-alerts/{before.Id}", Ct))!;

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("water-move", (await changed.Content.ReadFromJsonAsync<LinkageDirectoryUnit>(Ct))!.Code);
        Assert.Equal(unit.Id, before.UnitId);
        Assert.Equal(unit.Id, beforeNow.UnitId);
        Assert.Equal(before.AcknowledgeDueAt, beforeNow.AcknowledgeDueAt);
        Assert.Equal("杭州水务 上城供水服务所", leftBehind.UnitName);
        Assert.Equal(unit.Id, inNewArea.UnitId);
        Assert.InRange((inNewArea.AcknowledgeDueAt!.Value - inNewArea.ReceivedAt).TotalMinutes, 2.9, 3.1);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'linkage.unit_update' AND target = 'linkage_unit/water-move'"));
        Assert.Equal(HttpStatusCode.NotFound,
            (await admin.PutAsJsonAsync("/api/admin/linkage-units/999999", Unit("x"), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_bad_entry_is_refused_naming_the_field_and_nothing_is_stored()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");

        var unknownArea = await admin.PostAsJsonAsync("/api/admin/linkage-units", Unit("water-bad1", areaCodes: [QingboCommunity2, "330102999999"]), Ct);
        var badLimits = await admin.PostAsJsonAsync("/api/admin/linkage-units", Unit("water-bad2", limits: [Limit("00:00:10")]), Ct);
        var duplicate = await admin.PostAsJsonAsync("/api/admin/linkage-units", Unit("water"), Ct);
        var noAccount = await admin.PostAsJsonAsync("/api/admin/linkage-units", Unit("water-bad3", supervisor: "nobody-here"), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownArea.StatusCode);
        var unknownBody = await unknownArea.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"areaCodes\"", unknownBody);
        Assert.Contains("330102999999", unknownBody);
        Assert.Equal(HttpStatusCode.BadRequest, badLimits.StatusCode);
        Assert.Contains("\"limits[0].acknowledge\"", await badLimits.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("\"code\"", await duplicate.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noAccount.StatusCode);
        Assert.Contains("\"supervisorUserName\"", await noAccount.Content.ReadAsStringAsync(Ct));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM linkage_units WHERE code LIKE 'water-bad%'"));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE target LIKE 'linkage_unit/water-bad%'"));
    }

    [Fact]
    public async Task A_dispatcher_may_not_read_or_change_the_directory()
    {
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        Assert.Equal(HttpStatusCode.Forbidden, (await dispatcher.GetAsync("/api/admin/linkage-units", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dispatcher.PostAsJsonAsync("/api/admin/linkage-units", Unit("water-disp"), Ct)).StatusCode);
    }
}
