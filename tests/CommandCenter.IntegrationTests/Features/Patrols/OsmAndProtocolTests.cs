using Microsoft.AspNetCore.Hosting;
using System.Net;
using System.Text;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

// These tests read the database right after each answer, so answers wait for the commit
// (Patrol:OsmAndAck = Committed); the queued answer has its own test.
public sealed class CommittedAckFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = default!;
    public AppFactory App { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        App = new AppFactory(Database.ConnectionString, b => b.UseSetting("Patrol:OsmAndAck", "Committed"));
        await App.StartedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public class OsmAndQueuedAckTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_queued_fix_is_answered_at_once_and_stored_moments_later()
    {
        var http = fixture.App.CreateApiClient();
        var (unitId, deviceId) = await RegisterAsync(http);

        var response = await http.GetAsync($"/api/osmand?id={deviceId}&lat={Num(Lat)}&lon={Num(Lon)}&timestamp={Unix(DateTimeOffset.UtcNow.AddSeconds(-1))}",
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        long stored;
        while ((stored = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM positions WHERE unit_id = {unitId}")) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.Equal(1, stored);
    }
}

public class OsmAndProtocolTests(CommittedAckFixture fixture) : IClassFixture<CommittedAckFixture>
{
    private readonly HttpClient _http = fixture.App.CreateApiClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<long> HistoryCountAsync(long unitId) => fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM positions WHERE unit_id = {unitId}");

    [Fact]
    public async Task A_query_GET_from_a_registered_device_stores_the_fix_with_speed_converted_from_knots()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var at = DateTimeOffset.UtcNow.AddSeconds(-3);

        var response = await _http.GetAsync($"/api/osmand?id={deviceId}&timestamp={Unix(at)}&lat={Lat}&lon={Lon}&speed=10&bearing=90&batt=80", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await HistoryCountAsync(unitId));
        Assert.Equal(5.14, await fixture.Database.ScalarAsync<double>($"SELECT round(speed::numeric, 2)::float8 FROM unit_positions WHERE unit_id = {unitId}"));
        Assert.Equal(Lat, await fixture.Database.ScalarAsync<double>($"SELECT ST_Y(location) FROM unit_positions WHERE unit_id = {unitId}"), 6);
    }

    [Fact]
    public async Task A_form_POST_with_a_location_pair_is_stored()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["deviceid"] = deviceId, ["location"] = $"{Lat},{Lon}", ["timestamp"] = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("O"), ["heading"] = "45",
        });

        var response = await _http.PostAsync("/api/osmand", form, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await HistoryCountAsync(unitId));
    }

    [Fact]
    public async Task A_POST_with_the_parameters_in_the_url_and_no_body_is_stored_as_Traccar_Client_sends_it()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);

        var response = await _http.PostAsync($"/api/osmand?id={deviceId}&lat={Lat}&lon={Lon}&timestamp={Unix(DateTimeOffset.UtcNow) + "000"}", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await HistoryCountAsync(unitId));
    }

    [Fact]
    public async Task The_JSON_form_is_stored_with_its_battery_as_a_percentage()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        var json = $$$"""
            {"location":{"timestamp":"{{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}}","coords":{"latitude":{{{Lat}}},"longitude":{{{Lon}}},"accuracy":5,"speed":1.5,"heading":-1,"altitude":8},
             "is_moving":true,"battery":{"level":0.55,"is_charging":true},"activity":{"type":"on_foot"}},"device_id":"{{{deviceId}}}"}
            """;

        var response = await _http.PostAsync("/api/osmand", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(55, await fixture.Database.ScalarAsync<double>($"SELECT round(battery)::float8 FROM positions WHERE unit_id = {unitId}"));
    }

    [Fact]
    public async Task An_unknown_device_gets_400_on_the_query_form_and_404_on_the_JSON_form_and_never_creates_a_unit()
    {
        var units = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM patrol_units");
        var json = $$"""
            {"device_id":"nobody-{{Guid.NewGuid():N}}","location":{"timestamp":"{{DateTimeOffset.UtcNow:O}}","coords":{"latitude":30.24,"longitude":120.17} } }
            """;

        var query = await _http.GetAsync($"/api/osmand?id=nobody-{Guid.NewGuid():N}&lat={Lat}&lon={Lon}", Ct);
        var form = await _http.PostAsync("/api/osmand", new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "nobody", ["lat"] = "30", ["lon"] = "120" }), Ct);
        var body = await _http.PostAsync("/api/osmand", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        var noId = await _http.GetAsync($"/api/osmand?lat={Lat}&lon={Lon}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, body.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Equal(units, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM patrol_units"));
    }

    [Fact]
    public async Task A_device_with_a_token_must_present_it()
    {
        var (unitId, deviceId) = await RegisterAsync(_http, token: "a-long-enough-device-token");
        var fix = $"/api/osmand?id={deviceId}&lat={Lat}&lon={Lon}&timestamp={Unix(DateTimeOffset.UtcNow)}";

        var without = await _http.GetAsync(fix, Ct);
        var wrong = await _http.GetAsync(fix + "&token=not-the-token-at-all", Ct);
        var right = await _http.GetAsync(fix + "&token=a-long-enough-device-token", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(1, await HistoryCountAsync(unitId));
    }

    [Theory]
    [InlineData("lat=91&lon=120.17", "latitude")]
    [InlineData("lat=NaN&lon=120.17", "latitude")]
    [InlineData("lat=30.24&lon=east", "longitude")]
    [InlineData("lat=30.24&lon=120.17&timestamp=4102444800", "time")] // 2100: beyond the future margin
    public async Task A_bad_fix_from_a_known_device_is_refused_naming_the_field(string query, string field)
    {
        var (unitId, deviceId) = await RegisterAsync(_http);

        var response = await _http.GetAsync($"/api/osmand?id={deviceId}&{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, await HistoryCountAsync(unitId));
    }
}
