using System.Collections.Concurrent;
using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Dispatch;

// The duty officer's list to verify (核查), as every board asks for it when an incident is resolved.
public class VerificationListTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await fixture.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<IncidentView> ReportAndResolveAsync(HttpClient dispatcher, string title)
    {
        using var api = fixture.App.CreateApiClient();
        var incident = (await (await api.PostAsJsonAsync("/api/incidents",
            new { type = "theft", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon, title }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct))!;
        (await dispatcher.PostAsJsonAsync($"/api/incidents/{incident.Id}/resolve", new { outcome = "现场处置完毕" }, Ct)).EnsureSuccessStatusCode();
        return incident;
    }

    // The state a board is told once the resolve has reached the shared incident board.
    private static async Task<IncidentFeed.BoardState> ToldOfResolveAsync(ConcurrentQueue<IncidentFeed.BoardState> told, long incidentId)
    {
        await Eventually.TrueAsync(() => told.Any(s => s.Recent.Any(c => c.Incident.Id == incidentId && !c.Incident.IsOpen)),
            TimeSpan.FromSeconds(20), "the resolve told to the board");
        return told.Last(s => s.Recent.Any(c => c.Incident.Id == incidentId && !c.Incident.IsOpen));
    }

    [Fact]
    public async Task Boards_told_of_one_resolve_share_one_read_of_the_list_and_a_later_resolve_is_in_the_next()
    {
        var feed = fixture.App.Services.GetRequiredService<IncidentFeed>();
        var desk = fixture.App.Services.GetRequiredService<IDispatchDesk>();
        var told = new ConcurrentQueue<IncidentFeed.BoardState>();
        using var board = await feed.OpenBoardAsync(told.Enqueue, Ct);
        using var dispatcher = await SignIn.AsAsync(fixture.App, "dispatcher");

        var first = await ReportAndResolveAsync(dispatcher, "核查：第一起");
        var state = await ToldOfResolveAsync(told, first.Id);
        // Fifty duty officers' boards told of the same state at once.
        var lists = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => desk.AwaitingVerificationAsync(state.LastSeq, Ct)));

        Assert.All(lists, list => Assert.Contains(list, i => i.Id == first.Id));
        Assert.All(lists, list => Assert.Same(lists[0], list));

        var second = await ReportAndResolveAsync(dispatcher, "核查：第二起");
        var later = await desk.AwaitingVerificationAsync((await ToldOfResolveAsync(told, second.Id)).LastSeq, Ct);

        Assert.Contains(later, i => i.Id == first.Id);
        Assert.Contains(later, i => i.Id == second.Id);
    }
}
