using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Plans;

namespace CommandCenter.IntegrationTests.Features.Plans;

public class PlanAdminApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A plan of its own (not one of the repository's), valid as written.
    private static string Drill(string code, int version = 1, string ownerRole = "DutyOfficer") => $$"""
        code: {{code}}
        version: {{version}}
        name: 疏散演练预案
        incidentTypes: [other]
        levels:
          - level: IV
            notify: { roles: [DutyOfficer] }
            tasks:
              - { code: muster, title: 集合点清点人数, ownerRole: {{ownerRole}}, due: 20m }
        """;

    private async Task<long> IncidentAsync()
    {
        using var api = fixture.App.CreateApiClient();
        var response = await api.PostAsJsonAsync("/api/incidents",
            new { type = "public_utility", latitude = 30.2437, longitude = 120.1683, title = "路面大面积积水" }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct))!.Id;
    }

    private static async Task<PlanRunView> StartFloodAsync(HttpClient duty, long incident) =>
        (await (await duty.PostAsJsonAsync($"/api/incidents/{incident}/plans", new { planCode = "flood", level = "IV" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<PlanRunView>(Ct))!;

    private static async Task<Dictionary<string, string[]>> ErrorsOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;

    private Task<long> VersionsSavedAsync(string code) =>
        fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM plan_versions WHERE code = '{code}'");

    [Fact]
    public async Task A_version_an_admin_saves_becomes_current_and_a_run_started_before_keeps_its_version()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        var earlier = await StartFloodAsync(duty, await IncidentAsync());
        var original = (await admin.GetFromJsonAsync<PlanDetail>("/api/admin/plans/flood", Ct))!;

        var edited = original.Current.Document.Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("name: 城市内涝防汛应急预案", "name: 城市内涝防汛应急预案（修订）", StringComparison.Ordinal);
        var saved = await admin.PostAsJsonAsync("/api/admin/plans", new { document = edited }, Ct);
        var list = (await admin.GetFromJsonAsync<PlanVersionInfo[]>("/api/admin/plans", Ct))!;
        var now = (await admin.GetFromJsonAsync<PlanDetail>("/api/admin/plans/flood", Ct))!;
        var first = (await admin.GetFromJsonAsync<PlanText>("/api/admin/plans/flood/versions/1", Ct))!;
        var runs = (await duty.GetFromJsonAsync<PlanRunView[]>($"/api/incidents/{earlier.IncidentId}/plans", Ct))!;
        var later = await StartFloodAsync(duty, await IncidentAsync());

        Assert.Equal((1, "plans-folder"), (original.Current.Version, original.Current.SavedBy));
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        Assert.Equal("/api/admin/plans/flood/versions/2", saved.Headers.Location?.OriginalString);
        var version = (await saved.Content.ReadFromJsonAsync<PlanVersionInfo>(Ct))!;
        Assert.Equal(("flood", 2, "系统管理员"), (version.Code, version.Version, version.SavedBy));
        Assert.Equal((2, "城市内涝防汛应急预案（修订）", "系统管理员"), list.Where(p => p.Code == "flood").Select(p => (p.Version, p.Name, p.SavedBy)).Single());
        Assert.Contains(list, p => (p.Code, p.Version, p.SavedBy) == ("gas-leak", 1, "plans-folder"));
        Assert.Equal((2, edited), (now.Current.Version, now.Current.Document));
        Assert.Equal([2, 1], now.Versions.Select(v => v.Version));
        Assert.Equal(original.Current.Document, first.Document);
        Assert.Equal((1, "城市内涝防汛应急预案"), (Assert.Single(runs).PlanVersion, runs[0].PlanName));
        Assert.Equal(2, later.PlanVersion);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'plan.save' AND target = 'plan/flood' AND actor_kind = 'user'"));
    }

    [Fact]
    public async Task A_new_code_is_saved_as_its_first_version_and_the_desks_can_start_it()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        var saved = await admin.PostAsJsonAsync("/api/admin/plans", new { document = Drill("drill-new") }, Ct);
        var forDesks = await duty.GetFromJsonAsync<JsonElement[]>("/api/plans", Ct);

        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var version = (await saved.Content.ReadFromJsonAsync<PlanVersionInfo>(Ct))!;
        Assert.Equal(("drill-new", 1), (version.Code, version.Version));
        Assert.Contains("drill-new", forDesks!.Select(x => x.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/admin/plans/drill-new/versions/2", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/admin/plans/no-such-plan", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_invalid_document_is_refused_with_422_naming_each_field_by_its_path_and_nothing_is_saved()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");

        var badRole = await admin.PostAsJsonAsync("/api/admin/plans", new { document = Drill("drill-bad", ownerRole: "Janitor") }, Ct);
        var notYaml = await admin.PostAsJsonAsync("/api/admin/plans", new { document = "code: [drill-bad\nversion: 1" }, Ct);
        var missing = await admin.PostAsJsonAsync("/api/admin/plans", new { }, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, badRole.StatusCode);
        var errors = await ErrorsOf(badRole);
        Assert.Equal(["levels[0].tasks[0].ownerRole"], errors.Keys);
        Assert.Contains("DutyOfficer", errors["levels[0].tasks[0].ownerRole"][0]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notYaml.StatusCode);
        Assert.Contains("Line", Assert.Single((await ErrorsOf(notYaml))[""]));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await ErrorsOf(missing)).ContainsKey("document"));
        Assert.Equal(0L, await VersionsSavedAsync("drill-bad"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/admin/plans/drill-bad", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_version_number_not_above_the_current_one_is_refused_on_version()
    {
        using var admin = await SignIn.AsAsync(fixture.App, "admin");
        var current = (await admin.GetFromJsonAsync<PlanDetail>("/api/admin/plans/water-supply", Ct))!;

        var same = await admin.PostAsJsonAsync("/api/admin/plans", new { document = current.Current.Document + "\n# 只改了注释\n" }, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, same.StatusCode);
        Assert.Contains($"{current.Current.Version + 1}", Assert.Single((await ErrorsOf(same))["version"]));
        Assert.Equal(1L, await VersionsSavedAsync("water-supply"));
    }

    [Fact]
    public async Task Only_an_admin_reads_or_saves_plans_here()
    {
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");
        using var leader = await SignIn.AsAsync(fixture.App, "leader");

        var list = await dispatcher.GetAsync("/api/admin/plans", Ct);
        var one = await dispatcher.GetAsync("/api/admin/plans/flood", Ct);
        var old = await dispatcher.GetAsync("/api/admin/plans/flood/versions/1", Ct);
        var save = await dispatcher.PostAsJsonAsync("/api/admin/plans", new { document = Drill("drill-denied") }, Ct);
        var byLeader = await leader.PostAsJsonAsync("/api/admin/plans", new { document = Drill("drill-denied") }, Ct);

        Assert.All([list, one, old, save, byLeader], r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(0L, await VersionsSavedAsync("drill-denied"));
    }
}
