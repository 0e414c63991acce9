using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Patrols;
using Npgsql;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Dispatch;

public class DispatchApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _api = fixture.App.CreateApiClient();

    private async Task<IncidentView> ReportAsync(string type = "fight", double metersNorth = 0, string? callbackNumber = null) =>
        (await (await _api.PostAsJsonAsync("/api/incidents",
                new { type, latitude = IncidentApiTests.InsideLat + metersNorth / 111_195, longitude = IncidentApiTests.InsideLon, callbackNumber }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct))!;

    // A unit reporting from beside the incident just now.
    private async Task<long> ReportingUnitAsync()
    {
        var (unitId, deviceId) = await RegisterAsync(_api);
        var fix = new { deviceId, time = DateTimeOffset.UtcNow.AddSeconds(-2), latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon };
        (await _api.PostAsJsonAsync("/api/positions", new { fixes = new[] { fix } }, Ct)).EnsureSuccessStatusCode();
        return unitId;
    }

    private static async Task<string> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString()!;

    private async Task<string> DutyOf(long unitId) =>
        (await fixture.Database.ScalarAsync<string>($"SELECT duty FROM patrol_units WHERE id = {unitId}"));

    [Fact]
    public async Task A_dispatcher_sends_a_unit_which_goes_en_route_and_on_scene_and_the_case_follows_to_closure()
    {
        var incident = await ReportAsync();
        var unit = await ReportingUnitAsync();
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");

        var sent = await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = unit }, Ct);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var assignment = (await sent.Content.ReadFromJsonAsync<AssignmentView>(Ct))!;
        Assert.Equal("dispatched", assignment.Status);
        Assert.Equal("assigned", await DutyOf(unit));
        Assert.Equal("dispatched", (await dispatcher.GetFromJsonAsync<IncidentView>($"/api/incidents/{incident.Id}", Ct))!.Status);

        (await dispatcher.PostAsJsonAsync($"/api/assignments/{assignment.Id}/steps", new { step = "depart" }, Ct)).EnsureSuccessStatusCode();
        var arrived = await (await dispatcher.PostAsJsonAsync($"/api/assignments/{assignment.Id}/steps", new { step = "arrive" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<AssignmentView>(Ct);
        Assert.Equal("on_scene", arrived!.Status);
        Assert.NotNull(arrived.EnRouteAt);
        Assert.Equal("on_scene", await DutyOf(unit));
        var handling = await dispatcher.GetFromJsonAsync<IncidentView>($"/api/incidents/{incident.Id}", Ct);
        Assert.Equal("handling", handling!.Status);
        Assert.Equal("on_scene", Assert.Single(handling.Units).Status);

        // Resolving records the outcome; closing waits for the unit to leave and for a verification.
        (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/resolve", new { outcome = "双方已调解，现场秩序恢复" }, Ct)).EnsureSuccessStatusCode();
        var stillOnScene = await duty.PostAsJsonAsync($"/api/incidents/{incident.Id}/close", new { verification = "回访当事人，属实" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, stillOnScene.StatusCode);
        Assert.Equal("unit_on_scene", await CodeOf(stillOnScene));
        (await dispatcher.PostAsJsonAsync($"/api/assignments/{assignment.Id}/steps", new { step = "clear" }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal("available", await DutyOf(unit));
        var dispatcherMayNotClose = await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/close", new { verification = "回访当事人，属实" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, dispatcherMayNotClose.StatusCode);
        var closed = await (await duty.PostAsJsonAsync($"/api/incidents/{incident.Id}/close", new { verification = "回访当事人，属实" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct);
        Assert.Equal("closed", closed!.Status);
        Assert.Equal("双方已调解，现场秩序恢复", closed.Outcome);
    }

    [Fact]
    public async Task Two_dispatchers_sending_the_same_unit_at_once_one_wins_and_the_other_is_told_why()
    {
        var first = await ReportAsync();
        var second = await ReportAsync("fire", metersNorth: 900);
        var unit = await ReportingUnitAsync();
        using var a = await SignIn.AsAsync(fixture.App, "dispatcher");
        using var b = await SignIn.AsAsync(fixture.App, "duty");

        var results = await Task.WhenAll(
            a.PostAsJsonAsync($"/api/incidents/{first.Id}/assignments", new { unitId = unit }, Ct),
            b.PostAsJsonAsync($"/api/incidents/{second.Id}/assignments", new { unitId = unit }, Ct));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        var loser = Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Contains(await CodeOf(loser), new[] { "unit_taken", "unit_busy" });
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM assignments WHERE unit_id = {unit} AND cleared_at IS NULL"));
    }

    [Fact]
    public async Task Steps_out_of_order_and_bad_commands_are_refused_with_the_field_or_reason()
    {
        var incident = await ReportAsync();
        var unit = await ReportingUnitAsync();
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");
        var assignment = (await (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = unit }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<AssignmentView>(Ct))!;
        (await dispatcher.PostAsJsonAsync($"/api/assignments/{assignment.Id}/steps", new { step = "clear" }, Ct)).EnsureSuccessStatusCode();

        var afterClear = await dispatcher.PostAsJsonAsync($"/api/assignments/{assignment.Id}/steps", new { step = "arrive" }, Ct);
        var badStep = await dispatcher.PostAsJsonAsync($"/api/assignments/{assignment.Id}/steps", new { step = "teleport" }, Ct);
        var noOutcome = await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/resolve", new { outcome = " " }, Ct);
        var noUnit = await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, afterClear.StatusCode);
        Assert.Equal("step_not_allowed", await CodeOf(afterClear));
        Assert.Equal(HttpStatusCode.BadRequest, badStep.StatusCode);
        Assert.Contains("\"step\"", await badStep.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, noOutcome.StatusCode);
        Assert.Contains("\"outcome\"", await noOutcome.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, noUnit.StatusCode);
        Assert.Contains("\"unitId\"", await noUnit.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_timeline_keeps_every_step_in_order_and_the_database_refuses_to_rewrite_it()
    {
        var incident = await ReportAsync(callbackNumber: "138 1234 5678");
        var unit = await ReportingUnitAsync();
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");
        var assignment = (await (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = unit }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<AssignmentView>(Ct))!;
        (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/linked-reports", new { description = "邻居再次来电", callbackNumber = "13900001111" }, Ct)).EnsureSuccessStatusCode();
        (await dispatcher.PostAsJsonAsync($"/api/assignments/{assignment.Id}/steps", new { step = "arrive" }, Ct)).EnsureSuccessStatusCode();

        var timeline = await dispatcher.GetFromJsonAsync<JsonElement[]>($"/api/incidents/{incident.Id}/timeline", Ct);
        Assert.Equal(["reported", "unit_dispatched", "linked_report", "unit_on_scene"], timeline!.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(1, (await dispatcher.GetFromJsonAsync<IncidentView>($"/api/incidents/{incident.Id}", Ct))!.LinkedReports);

        // Even the schema owner cannot edit or remove what happened.
        foreach (var sql in new[] { $"UPDATE incident_timeline SET text = 'x' WHERE incident_id = {incident.Id}", $"DELETE FROM incident_timeline WHERE incident_id = {incident.Id}" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => fixture.Database.ExecuteAsync(sql));
            Assert.Contains("append-only", refused.MessageText);
        }
    }

    [Fact]
    public async Task A_second_call_nearby_about_the_same_thing_is_offered_as_a_duplicate()
    {
        var fire = await ReportAsync("fire");
        var farFire = await ReportAsync("fire", metersNorth: 2_000);
        var fight = await ReportAsync("fight");
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        var lat = (IncidentApiTests.InsideLat + 100 / 111_195.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var found = await dispatcher.GetFromJsonAsync<PossibleDuplicateView[]>(
            $"/api/incidents/duplicates?type=fire&latitude={lat}&longitude={IncidentApiTests.InsideLon.ToString(System.Globalization.CultureInfo.InvariantCulture)}", Ct);

        Assert.NotNull(found);
        var ids = found.Select(d => d.Incident.Id).ToList();
        Assert.Contains(fire.Id, ids);
        Assert.DoesNotContain(farFire.Id, ids);
        Assert.DoesNotContain(fight.Id, ids);
        Assert.InRange(found.First(d => d.Incident.Id == fire.Id).DistanceMeters, 90, 110);
    }

    [Fact]
    public async Task A_responder_moves_only_their_own_units_assignment()
    {
        // patrol01 is bound to the unit with callsign 巡001.
        var own = (await (await _api.PostAsJsonAsync("/api/admin/patrol/units", new { callsign = "巡001", kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UnitView>(Ct))!.Id;
        var device = $"dev-own-{Guid.NewGuid():N}"[..20];
        (await _api.PostAsJsonAsync("/api/admin/patrol/devices", new { deviceId = device, unitId = own, token = TokenOf(device) }, Ct)).EnsureSuccessStatusCode();
        (await _api.PostAsJsonAsync("/api/positions", new { fixes = new[] { new { deviceId = device, time = DateTimeOffset.UtcNow, latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon } } }, Ct)).EnsureSuccessStatusCode();
        var other = await ReportingUnitAsync();
        var incident = await ReportAsync();
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");
        var mine = (await (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = own }, Ct)).Content.ReadFromJsonAsync<AssignmentView>(Ct))!;
        var theirs = (await (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = other }, Ct)).Content.ReadFromJsonAsync<AssignmentView>(Ct))!;
        using var responder = await SignIn.AsAsync(fixture.App, "patrol01");

        var current = await responder.GetFromJsonAsync<AssignmentView>("/api/responder/assignment", Ct);
        var moved = await responder.PostAsJsonAsync($"/api/assignments/{mine.Id}/steps", new { step = "depart" }, Ct);
        var refused = await responder.PostAsJsonAsync($"/api/assignments/{theirs.Id}/steps", new { step = "depart" }, Ct);
        var mayNotSend = await responder.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = other }, Ct);

        Assert.Equal(mine.Id, current!.Id);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mayNotSend.StatusCode);
    }

    [Fact]
    public async Task A_dispatcher_changes_a_units_duty_but_not_while_it_is_on_an_assignment()
    {
        var unit = await ReportingUnitAsync();
        var incident = await ReportAsync();
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        (await dispatcher.PutAsJsonAsync($"/api/patrol/units/{unit}/duty", new { duty = "assigned" }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal("assigned", await DutyOf(unit));
        (await dispatcher.PutAsJsonAsync($"/api/patrol/units/{unit}/duty", new { duty = "available" }, Ct)).EnsureSuccessStatusCode();
        (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = unit }, Ct)).EnsureSuccessStatusCode();
        var refused = await dispatcher.PutAsJsonAsync($"/api/patrol/units/{unit}/duty", new { duty = "available" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("assigned", await DutyOf(unit));
    }

    [Fact]
    public async Task The_gazetteer_finds_landmarks_and_areas_by_name()
    {
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        var landmark = await dispatcher.GetFromJsonAsync<PlaceHit[]>("/api/places?q=吴山", Ct);
        var area = await dispatcher.GetFromJsonAsync<PlaceHit[]>("/api/places?q=清波街道", Ct);
        var empty = await dispatcher.GetAsync("/api/places?q=", Ct);

        Assert.Contains(landmark!, p => p.Name == "吴山广场" && p.Kind == "place" && p.Context is not null);
        Assert.Equal("subdistrict", area![0].Kind);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }
}
