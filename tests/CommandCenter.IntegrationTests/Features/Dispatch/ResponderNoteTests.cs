using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Dispatch;

// Notes from the scene (the responder's phone), through the service the page uses.
public class ResponderNoteTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Actor Patrol = new(Actor.UserKind, "patrol01-id", "巡逻一组", "10.0.0.8");
    private readonly HttpClient _api = fixture.App.CreateApiClient();
    private DispatchService Dispatch => fixture.App.Services.GetRequiredService<DispatchService>();

    private async Task<long> ReportingUnitAsync()
    {
        var (unitId, deviceId) = await RegisterAsync(_api);
        var fix = new { deviceId, time = DateTimeOffset.UtcNow.AddSeconds(-2), latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon };
        (await _api.PostAsJsonAsync("/api/positions", new { fixes = new[] { fix } }, Ct)).EnsureSuccessStatusCode();
        return unitId;
    }

    private async Task<IncidentView> ReportAsync() =>
        (await (await _api.PostAsJsonAsync("/api/incidents", new { type = "fight", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct))!;

    private static async Task<string[]> TimelineKindsAsync(HttpClient client, long incidentId) =>
        [.. (await client.GetFromJsonAsync<JsonElement[]>($"/api/incidents/{incidentId}/timeline", Ct))!.Select(e => e.GetProperty("kind").GetString()!)];

    [Fact]
    public async Task A_responders_note_lands_on_the_timeline_of_the_incident_their_unit_was_sent_to_and_is_audited()
    {
        var incident = await ReportAsync();
        var unit = await ReportingUnitAsync();
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");
        (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = unit }, Ct)).EnsureSuccessStatusCode();

        var note = await Dispatch.AddNoteAsync(incident.Id, "  伤者已送医，现场已控制  ", Patrol, onlyUnitId: unit, Ct);

        Assert.NotNull(note);
        var timeline = await dispatcher.GetFromJsonAsync<JsonElement[]>($"/api/incidents/{incident.Id}/timeline", Ct);
        var last = timeline![^1];
        Assert.Equal("note", last.GetProperty("kind").GetString());
        Assert.Equal("伤者已送医，现场已控制", last.GetProperty("text").GetString());
        Assert.Equal("巡逻一组", last.GetProperty("actorName").GetString());
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE action = 'dispatch.note' AND target = 'incident/{incident.Id}' AND actor_name = '巡逻一组'"));
    }

    [Fact]
    public async Task Another_units_responder_may_not_write_on_the_incident_and_an_empty_note_is_refused()
    {
        var incident = await ReportAsync();
        var sent = await ReportingUnitAsync();
        var elsewhere = await ReportingUnitAsync();
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");
        (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/assignments", new { unitId = sent }, Ct)).EnsureSuccessStatusCode();

        var notYours = await Assert.ThrowsAsync<DispatchRefusedException>(() => Dispatch.AddNoteAsync(incident.Id, "我也来看看", Patrol, onlyUnitId: elsewhere, Ct));
        var empty = await Assert.ThrowsAsync<DispatchRefusedException>(() => Dispatch.AddNoteAsync(incident.Id, "   ", Patrol, onlyUnitId: sent, Ct));

        Assert.Equal("not_your_unit", notYours.Refusal.Code);
        Assert.Equal("note_missing", empty.Refusal.Code);
        Assert.DoesNotContain("note", await TimelineKindsAsync(dispatcher, incident.Id));
    }
}
