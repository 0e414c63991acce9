using System.Net.Http.Json;
using CommandCenter.Web.Features.Patrols;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class PositionHistoryTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PositionHistory History => fixture.App.Services.GetRequiredService<PositionHistory>();

    [Fact]
    public async Task Day_partitions_exist_from_today_to_the_days_ahead_after_start()
    {
        await fixture.App.Services.GetRequiredService<PositionPartitionMaintainer>().FirstRun.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var today = PositionHistory.DayOf(DateTimeOffset.UtcNow);

        var days = await History.PartitionDaysAsync(Ct);

        Assert.Subset(days.ToHashSet(), Enumerable.Range(0, 4).Select(today.AddDays).ToHashSet());
        Assert.Equal("p", await fixture.Database.ScalarAsync<string>("SELECT relkind::text FROM pg_class WHERE relname = 'positions'"));
    }

    [Fact]
    public async Task A_fix_from_yesterday_lands_in_a_partition_made_for_it()
    {
        var http = fixture.App.CreateApiClient();
        var (unitId, deviceId) = await RegisterAsync(http);
        var yesterday = DateTimeOffset.UtcNow.AddDays(-1);

        (await http.PostAsJsonAsync("/api/positions", new { fixes = new[] { new { deviceId, time = yesterday, latitude = Lat, longitude = Lon } } }, Ct))
            .EnsureSuccessStatusCode();

        Assert.Equal(PositionHistory.PartitionName(PositionHistory.DayOf(yesterday)),
            await fixture.Database.ScalarAsync<string>($"SELECT tableoid::regclass::text FROM positions WHERE unit_id = {unitId}"));
    }

    [Fact]
    public async Task Retention_drops_whole_partitions_older_than_the_window_and_keeps_the_rest()
    {
        var today = PositionHistory.DayOf(DateTimeOffset.UtcNow);
        await History.EnsureRangeAsync(today.AddDays(-45), today.AddDays(-43), Ct);
        await History.EnsureRangeAsync(today.AddDays(-29), today.AddDays(-29), Ct);
        await fixture.Database.ExecuteAsync(
            $"INSERT INTO positions VALUES (-1, '{today.AddDays(-44):yyyy-MM-dd} 12:00:00+00', ST_SetSRID(ST_MakePoint(120.17, 30.24), 4326), null, null, null, null, null, now())");

        await fixture.App.Services.GetRequiredService<PositionPartitionMaintainer>().RunOnceAsync(Ct); // retention: 30 days

        var days = await History.PartitionDaysAsync(Ct);
        Assert.DoesNotContain(today.AddDays(-44), days);
        Assert.DoesNotContain(today.AddDays(-43), days);
        Assert.Contains(today.AddDays(-29), days);
        Assert.Contains(today, days);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM positions WHERE unit_id = -1"));
    }
}
