using System.Collections.Concurrent;
using System.Net.Http.Json;
using CommandCenter.Web.Features.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Incidents;

// One board of open incidents per instance, shared by every screen.
public class IncidentFeedTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await fixture.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<IncidentView> ReportAsync(string title)
    {
        using var api = fixture.App.CreateApiClient();
        return (await (await api.PostAsJsonAsync("/api/incidents",
            new { type = "theft", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon, title }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct))!;
    }

    [Fact]
    public async Task Two_screens_get_the_same_board_and_a_screen_that_left_gets_nothing_more()
    {
        var feed = fixture.App.Services.GetRequiredService<IncidentFeed>();
        var first = new ConcurrentQueue<IncidentFeed.BoardState>();
        var second = new ConcurrentQueue<IncidentFeed.BoardState>();
        using var one = await feed.OpenBoardAsync(first.Enqueue, Ct);
        var two = await feed.OpenBoardAsync(second.Enqueue, Ct);

        var theft = await ReportAsync("共享看板：盗窃");
        await Eventually.TrueAsync(() => first.Any(s => s.Items.Any(i => i.Id == theft.Id)) && second.Any(s => s.Items.Any(i => i.Id == theft.Id)),
            TimeSpan.FromSeconds(20), "the report on both screens");
        var (a, b) = (first.Last(s => s.Items.Any(i => i.Id == theft.Id)), second.Last(s => s.Items.Any(i => i.Id == theft.Id)));
        // One picture, not one copy per screen.
        Assert.Same(a.Items, b.Items);

        two.Dispose();
        var seenByTwo = second.Count;
        var fire = await ReportAsync("共享看板：火情");
        await Eventually.TrueAsync(() => first.Any(s => s.Items.Any(i => i.Id == fire.Id)), TimeSpan.FromSeconds(20), "the next report on the screen still open");
        Assert.Equal(seenByTwo, second.Count);
    }

    [Fact]
    public async Task A_screen_opened_after_all_had_closed_reads_the_board_afresh()
    {
        var feed = fixture.App.Services.GetRequiredService<IncidentFeed>();
        var stale = await ReportAsync("旧警情");
        using (await feed.OpenBoardAsync(_ => { }, Ct))
        {
        }
        // Gone behind the board's back, as after a restore; no event says so.
        await fixture.ResetAsync();

        IncidentFeed.BoardState? state = null;
        using var again = await feed.OpenBoardAsync(s => state = s, Ct);

        Assert.NotNull(state);
        Assert.DoesNotContain(state.Items, i => i.Title == stale.Title);
    }
}
