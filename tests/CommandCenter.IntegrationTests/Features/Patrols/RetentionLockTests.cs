using System.Net;
using CommandCenter.Web.Features.Patrols;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class RetentionLockTests() : OwnAppTest(b => b.UseSetting("Patrol:DdlLockTimeout", "00:00:00.500"))
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retention_blocked_by_a_long_reader_gives_up_quickly_so_ingest_goes_on_and_drops_the_day_on_a_later_try()
    {
        var history = App.Services.GetRequiredService<PositionHistory>();
        var old = PositionHistory.DayOf(DateTimeOffset.UtcNow.AddDays(-60));
        await history.EnsureRangeAsync(old, old, Ct);
        using var http = App.CreateApiClient();
        var (unitId, device) = await RegisterAsync(http);
        // A long replay holds the old day open.
        await using var reader = new NpgsqlConnection(Database.ConnectionString);
        await reader.OpenAsync(Ct);
        var replay = await reader.BeginTransactionAsync(Ct);
        await using (var read = new NpgsqlCommand($"SELECT count(*) FROM {PositionHistory.PartitionName(old)}", reader, replay))
            await read.ExecuteScalarAsync(Ct);

        var drop = history.DropOlderThanAsync(DateTimeOffset.UtcNow.AddDays(-1), Ct);
        var fix = await http.PostAsync(HeldHistory.Fix(device, 0), null, Ct);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => drop);

        Assert.Equal(PostgresErrorCodes.LockNotAvailable, refused.SqlState);
        Assert.Equal(HttpStatusCode.OK, fix.StatusCode);
        await Eventually.ReadAsync(() => Database.ScalarAsync<long>($"SELECT count(*) FROM positions WHERE unit_id = {unitId}"), n => n == 1,
            TimeSpan.FromSeconds(10), "the fix to be stored while the drop waited");
        await replay.CommitAsync(Ct);
        Assert.Contains(old, await history.DropOlderThanAsync(DateTimeOffset.UtcNow.AddDays(-1), Ct));
    }
}
