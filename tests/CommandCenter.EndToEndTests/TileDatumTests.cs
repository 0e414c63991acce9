using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommandCenter.EndToEndTests;

// Map:TileDatum gcj02: the app keeps WGS84 and the map draws it onto GCJ-02 tiles.
public class TileDatumTests : BrowserTest
{
    private const string Map = "document.querySelector('[data-testid=map]')";

    private const string PhoneToken = "gcj-phone-token-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override Task<RunningApp> StartAppAsync() =>
        RunningApp.StartAsync(new Dictionary<string, string> { ["Map__TileDatum"] = "gcj02" });

    [Fact]
    public async Task On_GCJ02_tiles_a_WGS84_point_is_drawn_on_the_pixel_where_those_tiles_show_its_place()
    {
        var page = await OpenBoardAsync();

        // The published pair (Tiananmen): WGS84 39.915, 116.404 is GCJ-02 39.91640428150164, 116.41024449916938.
        var offset = await page.EvaluateAsync<double>($$"""
            () => {
              const map = {{Map}}.ccMap, z = 18;
              const drawn = map.project([39.915, 116.404], z);
              const tile = L.CRS.EPSG3857.latLngToPoint(L.latLng(39.91640428150164, 116.41024449916938), z);
              return drawn.distanceTo(tile);
            }
            """);
        Assert.True(offset < 0.5, $"{offset} px from the GCJ-02 tile pixel");
        // A click there reads back WGS84.
        var back = await page.EvaluateAsync<JsonElement>($"() => {{ const m = {Map}.ccMap; return m.unproject(m.project([30.2420, 120.1700], 17), 17); }}");
        Assert.Equal(30.2420, back.GetProperty("lat").GetDouble(), 6);
        Assert.Equal(120.1700, back.GetProperty("lng").GetDouble(), 6);
    }

    [Fact]
    public async Task On_GCJ02_tiles_a_unit_on_the_canvas_and_an_incident_at_the_same_place_are_drawn_together()
    {
        using var http = new HttpClient { BaseAddress = App.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", RunningApp.DemoApiKey);
        var unit = await (await http.PostAsJsonAsync("api/admin/patrol/units", new { callsign = "巡GCJ", kind = "street_patrol" }, Ct))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        var unitId = unit.GetProperty("id").GetInt64();
        (await http.PostAsJsonAsync("api/admin/patrol/devices", new { deviceId = "gcj-phone", unitId, token = PhoneToken }, Ct)).EnsureSuccessStatusCode();
        var page = await OpenBoardAsync();
        var incident = await PostIncidentAsync("fire", "同一地点", 30.2420, 120.1700);
        var incidentId = incident.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        (await http.GetAsync($"api/osmand?id=gcj-phone&token={PhoneToken}&lat=30.2420&lon=120.1700&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", Ct)).EnsureSuccessStatusCode();
        await page.WaitForFunctionAsync($"id => {Map}.ccPatrols.unit(id) !== null", unitId);
        var marker = page.Locator($"path.cc-incident-{incidentId}");
        await marker.WaitForAsync();

        var distance = await page.EvaluateAsync<double>($$"""
            ([id, incident]) => {
              const map = {{Map}};
              const unit = map.ccPatrols.pointOf(id);
              const box = document.querySelector(`path.cc-incident-${incident}`).getBoundingClientRect();
              const origin = map.getBoundingClientRect();
              return Math.hypot(box.x + box.width / 2 - origin.x - unit.x, box.y + box.height / 2 - origin.y - unit.y);
            }
            """, new object[] { unitId, incidentId });
        Assert.True(distance < 2, $"the unit is drawn {distance} px from the incident");
    }
}
