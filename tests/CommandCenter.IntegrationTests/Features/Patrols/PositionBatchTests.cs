using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Patrols;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;
using static System.FormattableString;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class PositionBatchTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly HttpClient _http = fixture.App.CreateApiClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Fix(string deviceId, DateTimeOffset time, double lat = Lat, double lon = Lon) =>
        new { deviceId, time, latitude = lat, longitude = lon, speed = 1.2, heading = 10, accuracy = 5, battery = 90 };

    private async Task<HttpResponseMessage> PostAsync(params object[] fixes) =>
        await _http.PostAsJsonAsync("/api/positions", new { fixes }, Ct);

    private Task<long> HistoryCountAsync(long unitId) => fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM positions WHERE unit_id = {unitId}");

    [Fact]
    public async Task A_mixed_batch_keeps_the_valid_fixes_and_says_which_were_rejected_and_why()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        using var fixes = new MetricCollector<long>(fixture.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            PatrolMetrics.MeterName, PatrolMetrics.FixesInstrument);
        var now = DateTimeOffset.UtcNow;

        var response = await PostAsync(Fix(deviceId, now.AddSeconds(-2)), Fix(deviceId, now.AddSeconds(-1), lat: 91), Fix("nobody", now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<BatchResult>(Ct);
        Assert.Equal((3, 1, 1), (result!.Received, result.Accepted, result.Stored));
        Assert.Equal([1, 2], result.Rejected.Select(r => r.Index));
        Assert.Equal(["fixes[1].latitude"], result.Rejected[0].Errors.Keys);
        Assert.Equal(["fixes[2].deviceId"], result.Rejected[1].Errors.Keys);
        Assert.Equal(1, await HistoryCountAsync(unitId));
        var measured = fixes.GetMeasurementSnapshot();
        Assert.Equal(1, measured.Where(m => Equals(m.Tags["outcome"], "stored")).Sum(m => m.Value));
        Assert.Equal(1, measured.Where(m => Equals(m.Tags["outcome"], "rejected") && Equals(m.Tags["reason"], "latitude")).Sum(m => m.Value));
        Assert.Equal(1, measured.Where(m => Equals(m.Tags["outcome"], "unknown_device")).Sum(m => m.Value));
    }

    [Theory]
    [InlineData(2)]   // one prepared batch
    [InlineData(100)] // binary COPY through the staging table
    public async Task A_repeated_batch_stores_nothing_twice(int size)
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var now = DateTimeOffset.UtcNow;
        object[] batch = [.. Enumerable.Range(1, size).Select(s => Fix(deviceId, now.AddSeconds(-s), lat: Lat + s * 0.001))];

        var first = await (await PostAsync(batch)).Content.ReadFromJsonAsync<BatchResult>(Ct);
        var again = await (await PostAsync(batch)).Content.ReadFromJsonAsync<BatchResult>(Ct);

        Assert.Equal(size, first!.Stored);
        Assert.Equal((size, 0), (again!.Accepted, again.Stored));
        Assert.Equal(size, await HistoryCountAsync(unitId));
        Assert.Equal(Lat + 0.001, await fixture.Database.ScalarAsync<double>($"SELECT ST_Y(location) FROM unit_positions WHERE unit_id = {unitId}"), 6);
    }

    [Fact]
    public async Task A_large_batch_holding_one_stored_fix_among_new_ones_stores_the_new_ones()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var now = DateTimeOffset.UtcNow;
        await PostAsync(Fix(deviceId, now.AddSeconds(-50)));
        // Large enough for the COPY path, whose optimistic COPY fails on the stored fix.
        object[] batch = [.. Enumerable.Range(1, 100).Select(s => Fix(deviceId, now.AddSeconds(-s), lat: Lat + s * 0.001))];

        var result = await (await PostAsync(batch)).Content.ReadFromJsonAsync<BatchResult>(Ct);

        Assert.Equal((100, 99), (result!.Accepted, result.Stored));
        Assert.Equal(100, await HistoryCountAsync(unitId));
        // The unit was upserted moments ago: its newest fix may wait for its turn, as on every path.
        await Eventually.ReadAsync(() => fixture.Database.ScalarAsync<double>($"SELECT ST_Y(location) FROM unit_positions WHERE unit_id = {unitId}"),
            value => Math.Abs(value - (Lat + 0.001)) < 1e-9, TimeSpan.FromSeconds(5), "the newest fix to become the latest position");
    }

    [Theory]
    [InlineData(2)]   // one prepared batch
    [InlineData(100)] // binary COPY straight into the history
    public async Task The_history_and_the_latest_position_carry_the_one_received_at_of_their_write(int size)
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var now = DateTimeOffset.UtcNow;
        object[] batch = [.. Enumerable.Range(1, size).Select(s => Fix(deviceId, now.AddSeconds(-s)))];

        Assert.Equal(size, (await (await PostAsync(batch)).Content.ReadFromJsonAsync<BatchResult>(Ct))!.Stored);

        Assert.Equal(1, await fixture.Database.ScalarAsync<long>($"""
            SELECT count(DISTINCT received_at) FROM (
                SELECT received_at FROM positions WHERE unit_id = {unitId}
                UNION ALL SELECT received_at FROM unit_positions WHERE unit_id = {unitId}) AS stamps
            """));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(100)]
    public async Task A_fix_repeated_within_one_batch_is_stored_once(int size)
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var now = DateTimeOffset.UtcNow;
        object[] batch = [.. Enumerable.Range(1, size).Select(s => Fix(deviceId, now.AddSeconds(-s))), Fix(deviceId, now.AddSeconds(-1))];

        var result = await (await PostAsync(batch)).Content.ReadFromJsonAsync<BatchResult>(Ct);

        Assert.Equal((size + 1, size), (result!.Accepted, result.Stored));
        Assert.Equal(size, await HistoryCountAsync(unitId));
    }

    [Fact]
    public async Task A_new_large_batch_is_stored_whole_and_moves_each_unit_to_its_newest_fix()
    {
        var units = new List<(long UnitId, string DeviceId)>();
        for (var i = 0; i < 3; i++) units.Add(await RegisterAsync(_http));
        var now = DateTimeOffset.UtcNow;
        // Interleaved and out of time order, as a gateway may forward them.
        object[] batch = [.. Enumerable.Range(1, 90).Select(s => Fix(units[s % 3].DeviceId, now.AddSeconds(-((s * 37) % 90) - 1), lat: Lat + ((s * 37) % 90) * 0.001))];
        using var fixes = new MetricCollector<long>(fixture.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            PatrolMetrics.MeterName, PatrolMetrics.FixesInstrument);

        var result = await (await PostAsync(batch)).Content.ReadFromJsonAsync<BatchResult>(Ct);

        Assert.Equal((90, 90), (result!.Accepted, result.Stored));
        Assert.Equal(90, fixes.GetMeasurementSnapshot().Where(m => Equals(m.Tags["outcome"], "stored")).Sum(m => m.Value));
        foreach (var (unitId, _) in units)
        {
            Assert.Equal(30, await HistoryCountAsync(unitId));
            var newest = await fixture.Database.ScalarAsync<double>($"SELECT ST_Y(location) FROM positions WHERE unit_id = {unitId} ORDER BY fix_time DESC LIMIT 1");
            Assert.Equal(newest, await fixture.Database.ScalarAsync<double>($"SELECT ST_Y(location) FROM unit_positions WHERE unit_id = {unitId}"), 6);
        }
    }

    [Fact]
    public async Task A_unit_reporting_faster_than_the_latest_interval_still_ends_on_its_newest_fix()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var now = DateTimeOffset.UtcNow;
        object[] Batch(int from) => [.. Enumerable.Range(from, 100).Select(s => Fix(deviceId, now.AddSeconds(-s), lat: Lat + s * 0.001))];

        await PostAsync(Batch(101)); // fixes -101 … -200 s: the unit is upserted now
        await PostAsync(Batch(1));   // -1 … -100 s, moments later: its newest fix is held for its turn

        Assert.Equal(200, await HistoryCountAsync(unitId));
        var lat = await Eventually.ReadAsync(() => fixture.Database.ScalarAsync<double>($"SELECT ST_Y(location) FROM unit_positions WHERE unit_id = {unitId}"),
            value => Math.Abs(value - (Lat + 0.001)) < 1e-9, TimeSpan.FromSeconds(5), "the held newest fix to become the latest position");
        Assert.Equal(Lat + 0.001, lat, 6);
    }

    [Fact]
    public async Task A_late_fix_is_kept_in_history_but_does_not_move_the_unit_back()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var now = DateTimeOffset.UtcNow;

        await PostAsync(Fix(deviceId, now.AddSeconds(-5), lat: 30.2500));
        await PostAsync(Fix(deviceId, now.AddSeconds(-60), lat: 30.2300)); // arrives late

        Assert.Equal(2, await HistoryCountAsync(unitId));
        Assert.Equal(30.2500, await fixture.Database.ScalarAsync<double>($"SELECT ST_Y(location) FROM unit_positions WHERE unit_id = {unitId}"), 6);
    }

    [Fact]
    public async Task Jitter_below_the_minimum_move_refreshes_the_time_but_not_the_position()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var now = DateTimeOffset.UtcNow;
        var (lat, lon) = Geo.Offset(Lat, Lon, 60, 4); // 4 m: under the default 10 m

        await PostAsync(Fix(deviceId, now.AddSeconds(-20)));
        await PostAsync(Fix(deviceId, now.AddSeconds(-10), lat, lon)); // moments later: may wait for its turn

        var stored = await Eventually.ReadAsync(() => fixture.Database.ScalarAsync<string>(
                $"SELECT ST_Y(location)::text || ' ' || (abs(extract(epoch FROM fix_time - '{now.AddSeconds(-10).UtcDateTime:O}'::timestamptz)) < 0.001)::text FROM unit_positions WHERE unit_id = {unitId}"),
            value => value.EndsWith(" true", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the second fix's time on the latest position");
        Assert.Equal($"{Lat} true", stored);
    }

    [Fact]
    public async Task A_fix_too_far_in_the_future_or_older_than_the_retention_is_rejected()
    {
        var (_, deviceId) = await RegisterAsync(_http);

        var response = await PostAsync(Fix(deviceId, DateTimeOffset.UtcNow.AddHours(1)), Fix(deviceId, DateTimeOffset.UtcNow.AddDays(-400)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("fixes[0].time", out _));
        Assert.True(errors.TryGetProperty("fixes[1].time", out _));
    }

    [Fact]
    public async Task A_batch_over_the_byte_limit_or_the_fix_limit_is_refused_as_too_large()
    {
        var huge = "{\"fixes\":[" + string.Join(',', Enumerable.Repeat("""{"deviceId":"x","time":"2026-01-01T00:00:00Z","latitude":30,"longitude":120}""", 40_000)) + "]}";
        var many = "{\"fixes\":[" + string.Join(',', Enumerable.Repeat("{}", 5_001)) + "]}";

        var bytes = await _http.PostAsync("/api/positions", new StringContent(huge, Encoding.UTF8, "application/json"), Ct);
        var count = await _http.PostAsync("/api/positions", new StringContent(many, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bytes.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, count.StatusCode);
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("""{"fixes":{}}""", "fixes")]
    [InlineData("""{"fixes":[{"deviceId":"x","time":"2026-01-01T00:00:00Z","latitude":"north","longitude":120}]}""", "fixes[0].latitude")]
    public async Task A_malformed_batch_gets_a_problem_naming_the_field(string json, string field)
    {
        var response = await _http.PostAsync("/api/positions", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task Concurrent_batches_are_all_stored()
    {
        var devices = new List<(long UnitId, string DeviceId)>();
        for (var i = 0; i < 5; i++) devices.Add(await RegisterAsync(_http));
        var now = DateTimeOffset.UtcNow;

        var posts = devices.Select(d => PostAsync([.. Enumerable.Range(1, 200).Select(s => Fix(d.DeviceId, now.AddSeconds(-s)))]));
        var results = await Task.WhenAll(posts);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var (unitId, _) in devices) Assert.Equal(200, await HistoryCountAsync(unitId));
    }

    [Fact]
    public async Task A_large_batch_stores_every_value_as_sent_and_leaves_unsent_ones_empty()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        // Microseconds in the time: the history keeps them, and a trail must not round them away.
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-5).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond + 1_234_560, TimeSpan.Zero);
        object[] batch =
        [
            .. Enumerable.Range(0, 70).Select(s => (object)new
            {
                deviceId, time = start.AddSeconds(s), latitude = Lat + s * 0.0001, longitude = Lon - s * 0.0001,
                speed = 3.5 + s, heading = 270.25, accuracy = 4.5, altitude = s % 2 == 0 ? (double?)12.5 : null, battery = 88,
            }),
        ];

        var result = await (await PostAsync(batch)).Content.ReadFromJsonAsync<BatchResult>(Ct);

        Assert.Equal((70, 70), (result!.Accepted, result.Stored));
        var at = start.AddSeconds(41);
        var row = await fixture.Database.ScalarAsync<string>(
            $"SELECT concat_ws('|', to_char(fix_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), ST_SRID(location), round(ST_Y(location)::numeric, 7), " +
            $"round(ST_X(location)::numeric, 7), speed, heading, accuracy, coalesce(altitude::text, 'none'), battery) " +
            $"FROM positions WHERE unit_id = {unitId} AND fix_time = '{at.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'");
        Assert.Equal(Invariant($"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}|4326|{Lat + 41 * 0.0001:0.0000000}|{Lon - 41 * 0.0001:0.0000000}|44.5|270.25|4.5|none|88"), row);
        Assert.Equal(35, await fixture.Database.ScalarAsync<long>($"SELECT count(altitude) FROM positions WHERE unit_id = {unitId} AND altitude = 12.5"));
    }
}
