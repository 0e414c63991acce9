using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Incidents;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class ReplayTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly HttpClient _http = fixture.App.CreateApiClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));

    private async Task PostAsync(string deviceId, IEnumerable<(DateTimeOffset Time, double Lat, double Lon)> fixes) =>
        (await _http.PostAsJsonAsync("/api/positions",
            new { fixes = fixes.Select(f => new { deviceId, time = f.Time, latitude = f.Lat, longitude = f.Lon, heading = 0, speed = 1.5 }).ToArray() }, Ct))
        .EnsureSuccessStatusCode();

    // An incident reported (and perhaps resolved) at the given times.
    private async Task<long> IncidentAsync(string title, DateTimeOffset reportedAt, DateTimeOffset? resolvedAt)
    {
        var created = await (await _http.PostAsJsonAsync("/api/incidents",
            new { type = "theft", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon, title }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("id").GetInt64();
        var resolved = resolvedAt is { } r ? $"'{r.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00', status = 'Resolved'" : "NULL";
        await fixture.Database.ExecuteAsync($"UPDATE incidents SET reported_at = '{reportedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00', resolved_at = {resolved} WHERE id = {id}");
        return id;
    }

    [Fact]
    public async Task A_window_replays_only_its_own_fixes_decimated_with_times_and_the_incidents_alive_in_it()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()); // the track's times are in ms
        var (from, to) = (now.AddMinutes(-90), now.AddMinutes(-30));
        var (moving, movingDevice) = await RegisterAsync(_http);
        var (elsewhen, elsewhenDevice) = await RegisterAsync(_http);
        // Every 5 s from 100 to 20 minutes ago: 720 fixes in the window, more before and after it.
        await PostAsync(movingDevice, Enumerable.Range(0, 960).Select(i => (now.AddMinutes(-100).AddSeconds(i * 5), Lat + i * 0.00001, Lon)));
        await PostAsync(elsewhenDevice, [(now.AddMinutes(-120), Lat, Lon), (now.AddMinutes(-10), Lat, Lon)]);
        var before = await IncidentAsync("before", now.AddMinutes(-180), now.AddMinutes(-100));
        var spanning = await IncidentAsync("spanning", now.AddMinutes(-180), now.AddMinutes(-60));
        var during = await IncidentAsync("during", now.AddMinutes(-45), null);
        var after = await IncidentAsync("after", now.AddMinutes(-20), null);

        var response = await _http.GetAsync($"/api/patrol/replay?from={Iso(from)}&to={Iso(to)}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replay = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var units = replay.GetProperty("units").EnumerateArray().ToList();
        Assert.Contains(units, u => u.GetProperty("id").GetInt64() == moving);
        Assert.DoesNotContain(units, u => u.GetProperty("id").GetInt64() == elsewhen);
        var track = units.Single(u => u.GetProperty("id").GetInt64() == moving).GetProperty("track").EnumerateArray()
            .Select(v => (At: DateTimeOffset.FromUnixTimeMilliseconds((long)v[0].GetDouble()), Lat: v[1].GetDouble(), Lon: v[2].GetDouble())).ToList();
        Assert.All(track, v => Assert.InRange(v.At, from, to));
        Assert.InRange(track.Count, 100, 301); // 720 fixes, one per 12 s bucket at most, and the last
        Assert.Equal(track.OrderBy(v => v.At), track);
        Assert.True(track[0].At - from < TimeSpan.FromSeconds(12), $"first vertex at {track[0].At:O}, window from {from:O}");
        Assert.True(to - track[^1].At < TimeSpan.FromSeconds(5), $"last vertex at {track[^1].At:O}, window to {to:O}");
        Assert.Equal(12, replay.GetProperty("bucketSeconds").GetInt32());
        // Interpolating the decimated track stays on the raw one: lat grows 0.00001° per 5 s.
        var i0 = now.AddMinutes(-100);
        Assert.All(track, v => Assert.Equal(Lat + (v.At - i0).TotalSeconds / 5 * 0.00001, v.Lat, 6));

        var incidents = replay.GetProperty("incidents").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetInt64());
        Assert.Equal([spanning, during], incidents.Keys.Order());
        Assert.DoesNotContain(before, incidents.Keys);
        Assert.DoesNotContain(after, incidents.Keys);
        var s = incidents[spanning];
        Assert.Equal(("theft", "spanning"), (s.GetProperty("type").GetString(), s.GetProperty("title").GetString()));
        Assert.Equal(IncidentApiTests.InsideLat, s.GetProperty("lat").GetDouble(), 6);
        Assert.NotEqual(JsonValueKind.Null, s.GetProperty("resolvedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, incidents[during].GetProperty("resolvedAt").ValueKind);
    }

    [Fact]
    public async Task Without_a_window_the_last_hour_is_replayed()
    {
        var response = await _http.GetAsync("/api/patrol/replay", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replay = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(TimeSpan.FromHours(1), replay.GetProperty("to").GetDateTimeOffset() - replay.GetProperty("from").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("from=yesterday&to=2026-11-27T10:00:00Z", "from")]
    [InlineData("from=2026-11-27T10:00:00Z&to=soon", "to")]
    [InlineData("from=2026-11-27T10:00:00Z&to=2026-11-27T10:00:00Z", "from")]
    [InlineData("from=2026-11-27T11:00:00Z&to=2026-11-27T10:00:00Z", "from")]
    [InlineData("from=2026-11-26T09:00:00Z&to=2026-11-27T10:00:00Z", "to")] // 25 hours
    public async Task A_bad_window_gets_a_problem_naming_the_field(string query, string field)
    {
        var response = await _http.GetAsync($"/api/patrol/replay?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
