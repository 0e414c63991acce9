using System.Net.Http.Json;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Plans;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Plans;

// The wall's plan board on a real database, fed the way the wall is: plan moves go through the
// service, their events through the outbox, and the board re-reads on its own.
public class PlanBoardTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);
    private static readonly Actor Duty = Actor.System("值班员 王");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PlanRunService Runs => fixture.App.Services.GetRequiredService<PlanRunService>();

    private IPlanBoard Board => fixture.App.Services.GetRequiredService<IPlanBoard>();

    // Ids restart with each reset: only a board read after it speaks of this test's plans.
    private DateTimeOffset _resetAt;

    public async ValueTask InitializeAsync()
    {
        await fixture.ResetAsync();
        _resetAt = DateTimeOffset.UtcNow;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<long> IncidentAsync()
    {
        using var api = fixture.App.CreateApiClient();
        var response = await api.PostAsJsonAsync("/api/incidents",
            new { type = "public_utility", latitude = 30.2437, longitude = 120.1683, title = "路面大面积积水" }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct))!.Id;
    }

    private Task<PlanBoardSnapshot> BoardAsync(Func<PlanBoardSnapshot, bool> until, string awaited) =>
        Eventually.ReadAsync(() => Task.FromResult(Board.Current!), b => b is not null && b.At >= _resetAt && until(b), Within, awaited);

    [Fact]
    public async Task Starting_a_plan_puts_it_on_the_board_at_its_level_and_completing_a_task_moves_its_progress()
    {
        var incident = await IncidentAsync();

        var run = await Runs.RequestAsync(incident, "flood", ResponseLevel.III, null, Duty, isLeader: false, Ct);
        var started = await BoardAsync(b => b.Runs.Any(r => r.RunId == run.Id), "the plan on the board");

        var shown = started.Runs.Single();
        Assert.Equal((incident, "城市内涝防汛应急预案", ResponseLevel.III, (ResponseLevel?)null), (shown.IncidentId, shown.PlanName, shown.Level, shown.Pending));
        Assert.Equal((0, 2), (shown.TasksDone, shown.TasksTotal));
        Assert.Empty(shown.Overdue);
        Assert.Equal((1, 0), (started.Active, started.Pending));

        await Runs.CompleteTaskAsync(run.Tasks.First(t => t.Code == "close-underpass").Id, Duty, Ct);
        var after = await BoardAsync(b => b.Runs.Single().TasksDone == 1, "the ticked task counted");

        Assert.Equal((1, 2), (after.Runs.Single().TasksDone, after.Runs.Single().TasksTotal));
    }

    [Fact]
    public async Task An_escalation_and_a_first_request_waiting_for_a_leader_are_counted_with_the_gravest_level()
    {
        var flooded = await IncidentAsync();
        var gas = await IncidentAsync();
        var flood = await Runs.RequestAsync(flooded, "flood", ResponseLevel.IV, null, Duty, isLeader: false, Ct);

        await Runs.EscalateAsync(flood.Id, ResponseLevel.I, "积水漫入地铁站，多人被困", Duty, isLeader: false, Ct);
        await Runs.RequestAsync(gas, "gas-leak", ResponseLevel.II, "燃气爆燃，多人受伤", Duty, isLeader: false, Ct);
        var board = await BoardAsync(b => b.Pending == 2, "two requests waiting");

        // The flood plan stays at Ⅳ, waiting for Ⅰ; the gas plan has no level in force yet: no banner.
        var shown = board.Runs.Single();
        Assert.Equal((flood.Id, ResponseLevel.IV, (ResponseLevel?)ResponseLevel.I), (shown.RunId, shown.Level, shown.Pending));
        Assert.Equal((1, 2, (ResponseLevel?)ResponseLevel.I), (board.Active, board.Pending, board.GravestPending));

        await Runs.ApproveAsync(flood.Id, Actor.System("领导 李"), isLeader: true, Ct);
        var approved = await BoardAsync(b => b.Pending == 1, "the approval taken off the count");

        Assert.Equal((ResponseLevel.I, (ResponseLevel?)null, 1), (approved.Runs.Single().Level, approved.Runs.Single().Pending, approved.Runs.Single().TasksTotal));
        Assert.Equal(ResponseLevel.II, approved.GravestPending);
    }

    [Fact]
    public async Task A_task_whose_deadline_passes_is_named_overdue_without_another_event()
    {
        var incident = await IncidentAsync();
        var run = await Runs.RequestAsync(incident, "flood", ResponseLevel.IV, null, Duty, isLeader: false, Ct);
        var lowRoads = run.Tasks.Single(t => t.Code == "low-roads");
        await fixture.Database.ExecuteAsync($"UPDATE plan_tasks SET due_at = now() + interval '3 seconds' WHERE id = {lowRoads.Id}");

        // The last event: the board reads the new deadline with it, then nothing more is announced.
        await Runs.CompleteTaskAsync(run.Tasks.Single(t => t.Code == "linkage-water").Id, Duty, Ct);
        await BoardAsync(b => b.Runs.SingleOrDefault()?.TasksDone == 1, "the ticked task counted");
        var overdue = await BoardAsync(b => b.Runs.Single().Overdue.Count > 0, "the task named overdue");

        Assert.Equal([new OverdueTask(lowRoads.Title, Critical: false)], overdue.Runs.Single().Overdue);
        Assert.False(overdue.Runs.Single().CriticalOverdue);
    }
}
