using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task A_burst_of_events_reaches_a_screen_as_one_state_that_still_names_every_change()
    {
        // A feed of its own on a clock of its own, fed through a bus of its own; the snapshot is
        // the real one (nothing open after the reset).
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var bus = new LiveBus(NullLogger<LiveBus>.Instance);
        using var feed = new IncidentFeed(fixture.App.Services.GetRequiredService<IncidentService>(), bus,
            Options.Create(new IncidentFeedOptions { TellEvery = TimeSpan.FromMilliseconds(200) }), clock, NullLogger<IncidentFeed>.Instance);
        var told = new ConcurrentQueue<IncidentFeed.BoardState>();
        using var screen = await feed.OpenBoardAsync(told.Enqueue, Ct);
        var opened = Assert.Single(told);
        var seq = opened.LastSeq;
        void Report(long id) => bus.Publish(new LiveEvent(LiveStreams.Incidents, ++seq, IncidentEvents.Created,
            JsonSerializer.SerializeToElement(Incident(id, clock.GetUtcNow()), LiveEventStore.Json), clock.GetUtcNow()));

        // After a quiet spell the first event is told at once…
        clock.Advance(TimeSpan.FromSeconds(1));
        Report(1);
        await Eventually.TrueAsync(() => told.Count == 2, TimeSpan.FromSeconds(10), "the first event told at once");
        // …the next nine within the same fifth of a second wait for it to pass, and come as one.
        for (var id = 2; id <= 10; id++) Report(id);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        await Eventually.TrueAsync(() => told.Count == 3, TimeSpan.FromSeconds(10), "the burst told once");

        var (first, burst) = (told.ElementAt(1), told.ElementAt(2));
        Assert.Equal(10, burst.Items.Count);
        Assert.Equal(Enumerable.Range(2, 9).Select(i => (long)i), burst.ChangesSince(first.Version)!.Select(i => i.Id));
        Assert.Equal(3, told.Count);
    }

    private static IncidentView Incident(long id, DateTimeOffset at) =>
        new(id, "theft", "medium", 3, "reported", true, $"突发 {id}", null, null, IncidentApiTests.InsideLat, IncidentApiTests.InsideLon,
            null, null, null, null, "phone", null, at, null);
}
