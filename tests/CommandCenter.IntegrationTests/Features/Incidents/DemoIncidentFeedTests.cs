using System.Net.Http.Json;
using CommandCenter.Web.Features.Incidents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.IntegrationTests.Features.Incidents;

public class DemoIncidentFeedTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await fixture.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task The_demo_feed_resolves_its_own_old_incidents_and_leaves_a_real_report_open()
    {
        using var api = fixture.App.CreateApiClient();
        var real = await (await api.PostAsJsonAsync("/api/incidents",
            new { type = "fire", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon, title = "真实警情" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Ct);

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var feed = new DemoIncidentFeed(fixture.App.Services.GetRequiredService<IncidentService>(), fixture.App.Services.GetRequiredService<IDbContextFactory<Web.Data.CommandCenterDb>>(),
            Options.Create(new DemoOptions { Enabled = true, ResolveAfter = TimeSpan.FromMinutes(3) }), clock, NullLogger<DemoIncidentFeed>.Instance);
        await using var db = fixture.App.CreateDb();
        var district = await db.Districts.Select(d => d.Boundary).FirstAsync(Ct);

        await feed.StepAsync(district, new Random(1), Ct);
        // The demo's clock runs ten minutes ahead: every incident so far is past ResolveAfter.
        clock.Advance(TimeSpan.FromMinutes(10));
        await feed.StepAsync(district, new Random(2), Ct);

        var open = await db.Incidents.Where(i => i.ResolvedAt == null).Select(i => i.Source).ToListAsync(Ct);
        var demoResolved = await db.Incidents.CountAsync(i => i.Source == "demo" && i.ResolvedAt != null, Ct);
        Assert.Equal(new[] { "api:demo" }, open);
        Assert.Equal(2, demoResolved);
        Assert.Equal("reported", (await api.GetFromJsonAsync<IncidentView>($"/api/incidents/{real!.Id}", Ct))!.Status);
    }
}
