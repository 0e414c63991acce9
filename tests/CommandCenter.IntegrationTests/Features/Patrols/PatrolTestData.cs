using System.Globalization;
using System.Net.Http.Json;
using CommandCenter.Web.Features.Patrols;

namespace CommandCenter.IntegrationTests.Features.Patrols;

// Units and devices through the admin API, each with fresh names so tests on one database do not meet.
internal static class PatrolTestData
{
    public const double Lat = 30.2420, Lon = 120.1700;

    // Every device has a token (TokenOf its id, unless given); OsmAnd fixes send it, batches need none.
    public static async Task<(long UnitId, string DeviceId)> RegisterAsync(HttpClient http, string? token = null, string kind = "street_patrol")
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var unit = await (await http.PostAsJsonAsync("/api/admin/patrol/units", new { callsign = $"T-{suffix}", kind }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UnitView>();
        var deviceId = $"dev-{suffix}";
        (await http.PostAsJsonAsync("/api/admin/patrol/devices", new { deviceId, unitId = unit!.Id, token = token ?? TokenOf(deviceId) })).EnsureSuccessStatusCode();
        return (unit.Id, deviceId);
    }

    public static string TokenOf(string deviceId) => $"{deviceId}-token-0123456789";

    // The OsmAnd query form for a registered device, with its token: "/api/osmand?id=…&token=…&" + the rest.
    public static string OsmAndUrl(string deviceId, string query) => $"/api/osmand?id={deviceId}&token={TokenOf(deviceId)}&{query}";

    public static string Unix(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
