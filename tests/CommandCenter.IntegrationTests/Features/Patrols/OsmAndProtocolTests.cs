using Microsoft.AspNetCore.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CommandCenter.Web.Features.Patrols;
using Microsoft.Extensions.DependencyInjection;
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

        var response = await http.GetAsync(OsmAndUrl(deviceId, $"lat={Num(Lat)}&lon={Num(Lon)}&timestamp={Unix(DateTimeOffset.UtcNow.AddSeconds(-1))}"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await Eventually.ReadAsync(() => fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM positions WHERE unit_id = {unitId}"),
            count => count > 0, TimeSpan.FromSeconds(5), "the queued fix to be written");
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

        var response = await _http.GetAsync(OsmAndUrl(deviceId, $"timestamp={Unix(at)}&lat={Lat}&lon={Lon}&speed=10&bearing=90&batt=80"), Ct);

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
            ["deviceid"] = deviceId, ["token"] = TokenOf(deviceId), ["location"] = $"{Lat},{Lon}", ["timestamp"] = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("O"), ["heading"] = "45",
        });

        var response = await _http.PostAsync("/api/osmand", form, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await HistoryCountAsync(unitId));
    }

    [Fact]
    public async Task A_POST_with_the_parameters_in_the_url_and_no_body_is_stored_as_Traccar_Client_sends_it()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);

        var response = await _http.PostAsync(OsmAndUrl(deviceId, $"lat={Lat}&lon={Lon}&timestamp={Unix(DateTimeOffset.UtcNow) + "000"}"), null, Ct);

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

        var response = await _http.PostAsync($"/api/osmand?token={TokenOf(deviceId)}", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(55, await fixture.Database.ScalarAsync<double>($"SELECT round(battery)::float8 FROM positions WHERE unit_id = {unitId}"));
    }

    [Fact]
    public async Task An_unknown_device_a_missing_token_and_a_wrong_token_get_the_same_answer_and_never_create_a_unit()
    {
        var units = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM patrol_units");
        var (unitId, deviceId) = await RegisterAsync(_http);
        var fix = $"lat={Lat}&lon={Lon}&timestamp={Unix(DateTimeOffset.UtcNow)}";
        string Json(string id) => $$"""
            {"device_id":"{{id}}","location":{"timestamp":"{{DateTimeOffset.UtcNow:O}}","coords":{"latitude":30.24,"longitude":120.17} } }
            """;
        Task<HttpResponseMessage> PostJson(string id, string? token) =>
            _http.PostAsync($"/api/osmand{(token is null ? "" : $"?token={token}")}", new StringContent(Json(id), Encoding.UTF8, "application/json"), Ct);

        var queries = new[]
        {
            await _http.GetAsync($"/api/osmand?id=nobody-{Guid.NewGuid():N}&token={TokenOf("nobody")}&{fix}", Ct),
            await _http.GetAsync($"/api/osmand?id={deviceId}&{fix}", Ct),
            await _http.GetAsync($"/api/osmand?id={deviceId}&token=not-the-token-at-all&{fix}", Ct),
            await _http.PostAsync("/api/osmand", new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = deviceId, ["token"] = "wrong-wrong-wrong-wrong", ["lat"] = "30", ["lon"] = "120" }), Ct),
        };
        var jsons = new[] { await PostJson($"nobody-{Guid.NewGuid():N}", "some-token-0123456789"), await PostJson(deviceId, null), await PostJson(deviceId, "not-the-token-at-all") };

        Assert.All(queries, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.All(jsons, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Single((await Task.WhenAll(queries.Select(BodyWithoutTraceAsync))).Distinct());
        Assert.Single((await Task.WhenAll(jsons.Select(BodyWithoutTraceAsync))).Distinct());
        Assert.Equal(0, await HistoryCountAsync(unitId));
        Assert.Equal(units + 1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM patrol_units"));
    }

    [Fact]
    public async Task A_fix_without_a_device_id_is_refused()
    {
        var response = await _http.GetAsync($"/api/osmand?lat={Lat}&lon={Lon}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_device_registered_with_its_token_reports_with_it()
    {
        var (unitId, deviceId) = await RegisterAsync(_http, token: "a-long-enough-device-token");

        var right = await _http.GetAsync($"/api/osmand?id={deviceId}&lat={Lat}&lon={Lon}&timestamp={Unix(DateTimeOffset.UtcNow)}&token=a-long-enough-device-token", Ct);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(1, await HistoryCountAsync(unitId));
    }

    [Fact]
    public async Task A_device_registered_without_a_token_gets_one_generated_and_shown_only_in_the_answer()
    {
        var (unitId, _) = await RegisterAsync(_http);
        var deviceId = $"gen-{Guid.NewGuid():N}";

        var registered = await (await _http.PostAsJsonAsync("/api/admin/patrol/devices", new { deviceId, unitId }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<DeviceView>(Ct);
        var listed = await _http.GetStringAsync("/api/admin/patrol/devices", Ct);
        var without = await _http.GetAsync($"/api/osmand?id={deviceId}&lat={Lat}&lon={Lon}", Ct);
        var with = await _http.GetAsync($"/api/osmand?id={deviceId}&lat={Lat}&lon={Lon}&token={Uri.EscapeDataString(registered!.Token!)}", Ct);

        Assert.True(registered.HasToken);
        Assert.True(registered.Token!.Length >= 16);
        Assert.DoesNotContain(registered.Token, listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }

    [Fact]
    public async Task A_device_stored_without_a_token_is_refused_by_default()
    {
        var (unitId, deviceId) = await RegisterAsync(_http);
        await fixture.Database.ExecuteAsync($"UPDATE patrol_devices SET token_hash = NULL WHERE device_id = '{deviceId}'");
        fixture.App.Services.GetRequiredService<DeviceDirectory>().Invalidate(deviceId);

        var response = await _http.GetAsync($"/api/osmand?id={deviceId}&lat={Lat}&lon={Lon}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await HistoryCountAsync(unitId));
    }

    [Theory]
    [InlineData("an id with spaces")]
    [InlineData("dev/1")]
    [InlineData("dév-1")]
    [InlineData("x' OR '1'='1")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")] // 70 characters
    public async Task A_device_id_too_long_or_with_other_characters_gets_400_naming_id_before_any_lookup(string deviceId)
    {
        var directory = fixture.App.Services.GetRequiredService<DeviceDirectory>();
        var (lookups, unknown) = (directory.Lookups, directory.Unknown.Count);

        var query = await _http.GetAsync($"/api/osmand?id={Uri.EscapeDataString(deviceId)}&lat={Lat}&lon={Lon}", Ct);
        var json = await _http.PostAsync("/api/osmand", JsonContent.Create(new { device_id = deviceId, location = new { coords = new { latitude = Lat, longitude = Lon } } }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Contains("\"id\"", await query.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("\"id\"", await json.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(lookups, directory.Lookups);
        Assert.Equal(unknown, directory.Unknown.Count);
    }

    // Problem bodies carry a per-request trace id; everything else must match.
    private static async Task<string> BodyWithoutTraceAsync(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }

    [Theory]
    [InlineData("lat=91&lon=120.17", "latitude")]
    [InlineData("lat=NaN&lon=120.17", "latitude")]
    [InlineData("lat=30.24&lon=east", "longitude")]
    [InlineData("lat=30.24&lon=120.17&timestamp=4102444800", "time")] // 2100: beyond the future margin
    public async Task A_bad_fix_from_a_known_device_is_refused_naming_the_field(string query, string field)
    {
        var (unitId, deviceId) = await RegisterAsync(_http);

        var response = await _http.GetAsync(OsmAndUrl(deviceId, query), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, await HistoryCountAsync(unitId));
    }
}
