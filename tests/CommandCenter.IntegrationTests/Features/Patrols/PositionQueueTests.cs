using System.Net;
using CommandCenter.Web.Features.Patrols;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

// The writer is held up by a lock on the history, as a slow or busy database would hold it.
internal static class HeldHistory
{
    public static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Lock)> HoldAsync(TestDatabase database)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var tx = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand("LOCK TABLE positions IN ACCESS EXCLUSIVE MODE", connection, tx);
        await cmd.ExecuteNonQueryAsync();
        return (connection, tx);
    }

    public static string Fix(string deviceId, int second) =>
        OsmAndUrl(deviceId, $"lat={Num(Lat)}&lon={Num(Lon)}&timestamp={Unix(DateTimeOffset.UtcNow.AddMinutes(-5).AddSeconds(second))}");
}

public class PositionQueueFullTests() : OwnAppTest(b =>
{
    b.UseSetting("Patrol:QueueCapacity", "2");
    b.UseSetting("Patrol:Writers", "1");
    b.UseSetting("Patrol:OsmAndAck", "Committed");
})
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_position_queue_answers_503_with_Retry_After_and_every_fix_answered_200_is_stored()
    {
        using var http = App.CreateApiClient();
        var (unitId, device) = await RegisterAsync(http);
        var (connection, held) = await HeldHistory.HoldAsync(Database);
        await using var _ = connection;

        var sends = Enumerable.Range(0, 12).Select(i => http.PostAsync(HeldHistory.Fix(device, i), null, Ct)).ToList();
        // Those beyond the queue are answered at once, while the writer is still held.
        await Eventually.TrueAsync(() => sends.Exists(s => s.IsCompletedSuccessfully && s.Result.StatusCode == HttpStatusCode.ServiceUnavailable),
            TimeSpan.FromSeconds(20), "a refusal while the queue is full");
        await held.CommitAsync(Ct);
        var answers = await Task.WhenAll(sends);

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        var ok = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(12, ok + refused.Count);
        Assert.All(refused, r => Assert.Equal("5", r.Headers.GetValues("Retry-After").Single()));
        Assert.Equal(ok, await Database.ScalarAsync<long>($"SELECT count(*) FROM positions WHERE unit_id = {unitId}"));
    }
}

public class PositionDrainTests() : OwnAppTest(b =>
{
    b.UseSetting("Patrol:Writers", "1");
    b.UseSetting("Patrol:OsmAndAck", "Queued");
    b.UseSetting("Patrol:DrainGrace", "00:00:30");
})
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fixes_answered_before_a_normal_shutdown_are_written_before_the_instance_stops()
    {
        using var http = App.CreateApiClient();
        var (unitId, device) = await RegisterAsync(http);
        var (connection, held) = await HeldHistory.HoldAsync(Database);
        await using var _ = connection;
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(HeldHistory.Fix(device, i), null, Ct)).StatusCode);
        var writer = App.Services.GetRequiredService<PositionWriter>();

        var stopped = App.DisposeAsync().AsTask();
        await Eventually.TrueAsync(() => writer.Stopping, TimeSpan.FromSeconds(20), "the shutdown to begin");
        Assert.False(stopped.IsCompleted);
        await held.CommitAsync(Ct);
        await stopped;

        Assert.Equal(5L, await Database.ScalarAsync<long>($"SELECT count(*) FROM positions WHERE unit_id = {unitId}"));
    }
}
