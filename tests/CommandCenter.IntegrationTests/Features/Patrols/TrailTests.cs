using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class TrailTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly HttpClient _http = fixture.App.CreateApiClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task PostAsync(string deviceId, IEnumerable<(DateTimeOffset Time, double Lat, double Lon)> fixes) =>
        (await _http.PostAsJsonAsync("/api/positions",
            new { fixes = fixes.Select(f => new { deviceId, time = f.Time, latitude = f.Lat, longitude = f.Lon }).ToArray() }, Ct))
        .EnsureSuccessStatusCode();

    private async Task<JsonElement> TrailAsync(long unitId, string? hours = null)
    {
        var response = await _http.GetAsync($"/api/patrol/units/{unitId}/trail{(hours is null ? "" : $"?hours={hours}")}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static double[][] Coordinates(JsonElement feature) =>
        [.. feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => new[] { c[0].GetDouble(), c[1].GetDouble() })];

    [Fact]
    public async Task A_dense_straight_track_comes_back_as_its_two_endpoints_with_the_raw_fix_count()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var start = DateTimeOffset.UtcNow.AddMinutes(-100);
        // 200 fixes, 30 s apart, due north in a straight line (~1.1 km).
        var fixes = Enumerable.Range(0, 200).Select(i => (start.AddSeconds(i * 30), Lat + i * 0.00005, Lon)).ToList();
        await PostAsync(deviceId, fixes);

        var trail = await TrailAsync(unitId);

        Assert.Equal("LineString", trail.GetProperty("geometry").GetProperty("type").GetString());
        var properties = trail.GetProperty("properties");
        Assert.Equal(unitId, properties.GetProperty("unitId").GetInt64());
        Assert.StartsWith("T-", properties.GetProperty("callsign").GetString());
        Assert.Equal(200, properties.GetProperty("fixes").GetInt64());
        Assert.Equal(2, properties.GetProperty("vertices").GetInt32());
        var line = Coordinates(trail);
        Assert.Equal(2, line.Length);
        Assert.Equal((Lon, Lat), (line[0][0], line[0][1]));
        Assert.Equal(Lat + 199 * 0.00005, line[1][1], 9);
    }

    [Fact]
    public async Task A_turn_is_kept_by_the_simplification()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        // North 50 fixes, then east 50 fixes: an L of ~275 m each way.
        var north = Enumerable.Range(0, 50).Select(i => (start.AddSeconds(i * 10), Lat + i * 0.00005, Lon));
        var east = Enumerable.Range(1, 50).Select(i => (start.AddSeconds(490 + i * 10), Lat + 49 * 0.00005, Lon + i * 0.00005));
        await PostAsync(deviceId, north.Concat(east));

        var trail = await TrailAsync(unitId, "1");

        Assert.Equal(100, trail.GetProperty("properties").GetProperty("fixes").GetInt64());
        var line = Coordinates(trail);
        Assert.Equal(3, line.Length);
        Assert.Equal((Lon, Lat + 49 * 0.00005), (line[1][0], line[1][1]));
    }

    [Fact]
    public async Task Only_fixes_inside_the_last_N_hours_make_the_trail()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var now = DateTimeOffset.UtcNow;
        await PostAsync(deviceId, [(now.AddHours(-5), Lat - 0.01, Lon), (now.AddHours(-3), Lat - 0.005, Lon), (now.AddMinutes(-50), Lat, Lon), (now.AddMinutes(-10), Lat + 0.002, Lon)]);

        var lastHour = await TrailAsync(unitId, "1");
        var lastFourHours = await TrailAsync(unitId, "4");
        var byDefault = await TrailAsync(unitId);

        Assert.Equal(2, lastHour.GetProperty("properties").GetProperty("fixes").GetInt64());
        Assert.Equal(Lat, Coordinates(lastHour)[0][1], 9);
        Assert.Equal(3, lastFourHours.GetProperty("properties").GetProperty("fixes").GetInt64());
        Assert.Equal(2, byDefault.GetProperty("properties").GetProperty("fixes").GetInt64()); // 2 hours
        var from = DateTimeOffset.Parse(lastHour.GetProperty("properties").GetProperty("from").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(from, now.AddHours(-1).AddMinutes(-1), now.AddHours(-1).AddMinutes(1));
    }

    [Fact]
    public async Task A_unit_without_fixes_in_the_window_has_an_empty_trail_and_an_unknown_unit_is_404()
    {
        var (unitId, _) = await RegisterAsync(_http);

        var empty = await TrailAsync(unitId);
        var unknown = await _http.GetAsync("/api/patrol/units/987654321/trail", Ct);

        Assert.Equal(JsonValueKind.Null, empty.GetProperty("geometry").ValueKind);
        Assert.Equal(0, empty.GetProperty("properties").GetProperty("fixes").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("25")]
    [InlineData("NaN")]
    public async Task Bad_hours_get_a_problem_naming_hours(string hours)
    {
        var (unitId, _) = await RegisterAsync(_http);

        var response = await _http.GetAsync($"/api/patrol/units/{unitId}/trail?hours={hours}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("hours", out _), problem.ToString());
    }

    [Fact]
    public async Task Trails_need_a_board_reader()
    {
        using var stranger = fixture.App.CreateApiClient(apiKey: null);
        using var responder = await Access.SignIn.AsAsync(fixture.App, "patrol01");

        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/patrol/units/1/trail", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await responder.GetAsync("/api/patrol/units/1/trail", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await responder.GetAsync("/api/patrol/replay", Ct)).StatusCode);
    }
}
