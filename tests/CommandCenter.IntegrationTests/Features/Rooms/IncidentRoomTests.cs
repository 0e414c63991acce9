using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Rooms;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Rooms;

public class IncidentRoomTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly Actor Leader = new(Actor.UserKind, "leader-id", "领导 张", "10.0.0.9");

    private IncidentRoomService Rooms => fixture.App.Services.GetRequiredService<IncidentRoomService>();

    private async Task<IncidentView> NewIncidentAsync() =>
        (await (await fixture.App.CreateApiClient().PostAsJsonAsync("/api/incidents",
            new { type = "mass_incident", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon, title = "小区门口人员聚集" }))
            .Content.ReadFromJsonAsync<IncidentView>())!;

    [Fact]
    public async Task An_instruction_lands_on_the_timeline_and_as_a_task_for_its_addressee()
    {
        var incident = await NewIncidentAsync();

        var errors = await Rooms.InstructAsync(incident.Id, new Instruction("立即疏散，控制现场", Roles.Dispatcher), Leader, TestContext.Current.CancellationToken);
        var room = await Rooms.GetAsync(incident.Id, TestContext.Current.CancellationToken);

        Assert.Empty(errors);
        var entry = Assert.Single(room!.Timeline, t => t.Kind == TimelineKinds.Instruction);
        Assert.Equal(("领导 张", "立即疏散，控制现场", Roles.Dispatcher), (entry.ActorName, entry.Text, entry.Addressee));
        var task = Assert.Single(room.Tasks);
        Assert.Equal((Roles.Dispatcher, false), (task.Addressee, task.Done));
        Assert.Contains(room.Timeline, t => t.Kind == TimelineKinds.Reported);
    }

    [Fact]
    public async Task An_empty_instruction_or_one_without_addressee_is_refused_by_field_and_stores_nothing()
    {
        var incident = await NewIncidentAsync();

        var errors = await Rooms.InstructAsync(incident.Id, new Instruction("   ", "Nobody"), Leader, TestContext.Current.CancellationToken);
        var room = await Rooms.GetAsync(incident.Id, TestContext.Current.CancellationToken);

        Assert.Equal(["addressee", "text"], errors.Keys.Order());
        Assert.Empty(room!.Tasks);
    }

    [Fact]
    public async Task A_case_a_leader_takes_on_is_on_their_home_list_and_on_the_timeline()
    {
        var incident = await NewIncidentAsync();

        await Rooms.SetLeadershipAsync(incident.Id, Leader.Id, lead: true, on: true, Leader, TestContext.Current.CancellationToken);
        var mine = await Rooms.ForLeaderAsync(Leader.Id, TestContext.Current.CancellationToken);
        var room = await Rooms.GetAsync(incident.Id, TestContext.Current.CancellationToken);

        Assert.Contains(mine, c => c.Id == incident.Id && c.LeadName == "领导 张");
        Assert.Contains(room!.Timeline, t => t.Kind == TimelineKinds.Lead);
    }

    [Fact]
    public async Task Presence_shows_who_has_the_room_open_and_forgets_who_left()
    {
        var incident = await NewIncidentAsync();

        await Rooms.HeartbeatAsync("tablet-1", incident.Id, new PresentPerson("leader", "领导 张", Roles.Leader), TestContext.Current.CancellationToken);
        await Rooms.HeartbeatAsync("desk-1", incident.Id, new PresentPerson("dispatcher", "调度员 李", Roles.Dispatcher), TestContext.Current.CancellationToken);
        var both = await Rooms.GetAsync(incident.Id, TestContext.Current.CancellationToken);
        await Rooms.LeaveAsync("tablet-1", TestContext.Current.CancellationToken);
        var one = await Rooms.GetAsync(incident.Id, TestContext.Current.CancellationToken);

        Assert.Equal(["调度员 李", "领导 张"], both!.Present.Select(p => p.DisplayName).Order());
        Assert.Equal(["调度员 李"], one!.Present.Select(p => p.DisplayName));
    }

    [Fact]
    public async Task An_instruction_is_audited()
    {
        var incident = await NewIncidentAsync();

        await Rooms.InstructAsync(incident.Id, new Instruction("注意安全", Roles.Responder), Leader, TestContext.Current.CancellationToken);

        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE action = 'incident.instruction' AND target = 'incident/{incident.Id}' AND remote_address = '10.0.0.9'"));
    }
}
