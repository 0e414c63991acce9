using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Wall;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;

namespace CommandCenter.IntegrationTests.Features.Wall;

public class WallQueriesTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    // 12:30 in Shanghai; the center's day began at 16:00 UTC the day before.
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 4, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CenterMidnight = new(2026, 11, 26, 16, 0, 0, TimeSpan.Zero);

    public async ValueTask InitializeAsync() => await fixture.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static Incident Incident(string title, DateTimeOffset reportedAt, IncidentStatus status = IncidentStatus.Reported, DateTimeOffset? resolvedAt = null) => new()
    {
        Type = IncidentType.Other,
        Priority = IncidentPriority.Low,
        Status = status,
        Title = title,
        Location = new Point(120.17, 30.242) { SRID = 4326 },
        Source = "test",
        ReportedAt = reportedAt,
        ResolvedAt = resolvedAt,
    };

    [Fact]
    public async Task The_counts_use_the_last_hour_and_the_center_day_and_skip_reopened_incidents()
    {
        await using (var db = fixture.App.CreateDb())
        {
            db.Incidents.AddRange(
                Incident("half an hour ago, open", Now.AddMinutes(-30)),
                Incident("61 minutes ago, resolved ten minutes ago", Now.AddMinutes(-61), IncidentStatus.Resolved, Now.AddMinutes(-10)),
                Incident("closed at the center's midnight", CenterMidnight.AddHours(-2), IncidentStatus.Closed, CenterMidnight),
                Incident("resolved a second before the center's midnight", CenterMidnight.AddHours(-3), IncidentStatus.Resolved, CenterMidnight.AddSeconds(-1)),
                Incident("resolved this morning, then reopened", CenterMidnight.AddHours(1), IncidentStatus.Handling, CenterMidnight.AddHours(2)));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var counts = await fixture.App.Services.GetRequiredService<WallQueries>().CountsAsync(Now, TestContext.Current.CancellationToken);

        Assert.Equal(new WallCounts(ReportedLastHour: 1, ResolvedToday: 2), counts);
    }
}
