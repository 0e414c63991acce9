using System.Globalization;
using System.Text.Json;

namespace CommandCenter.Domain.Patrols;

// One message of the OsmAnd protocol as Traccar Client and the OsmAnd app send it: a query
// string or form (id=…&lat=…&lon=…&timestamp=…&speed=<knots>…) or the JSON body of the newer
// Traccar Client ({device_id, location: {timestamp, coords{…}, battery{…}}}).
public sealed record OsmAndMessage(string? DeviceId, string? Token, FixReport Report, IReadOnlyDictionary<string, string[]> Errors)
{
    public const string TokenParameter = "token";
}

public static class OsmAnd
{
    public const double MetersPerSecondPerKnot = 1852.0 / 3600.0;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static OsmAndMessage ParseQuery(IEnumerable<KeyValuePair<string, string?>> parameters, DateTimeOffset receivedAt)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        string? deviceId = null, token = null;
        DateTimeOffset? time = null;
        double? lat = null, lon = null, speed = null, heading = null, altitude = null, accuracy = null, battery = null;
        bool? charging = null;

        foreach (var (key, value) in parameters)
        {
            // Like Traccar: an empty parameter is as good as absent.
            if (string.IsNullOrEmpty(value)) continue;
            switch (key)
            {
                case "id" or "deviceid":
                    deviceId = value.Trim();
                    break;
                case OsmAndMessage.TokenParameter:
                    token = value;
                    break;
                case "timestamp":
                    if (TryParseTimestamp(value, out var t)) time = t;
                    else Add("time", $"timestamp '{Clip(value)}' is neither Unix seconds, Unix milliseconds nor ISO-8601.");
                    break;
                case "lat":
                    lat = Number(value, "latitude", "lat", Add);
                    break;
                case "lon":
                    lon = Number(value, "longitude", "lon", Add);
                    break;
                case "location":
                    var parts = value.Split(',');
                    if (parts.Length != 2) Add("latitude", $"location '{Clip(value)}' must be 'lat,lon'.");
                    else
                    {
                        lat = Number(parts[0], "latitude", "location", Add);
                        lon = Number(parts[1], "longitude", "location", Add);
                    }
                    break;
                case "speed":
                    speed = Number(value, "speed", "speed", Add) * MetersPerSecondPerKnot;
                    break;
                case "bearing" or "heading":
                    heading = Number(value, "heading", key, Add);
                    break;
                case "altitude":
                    altitude = Number(value, "altitude", "altitude", Add);
                    break;
                case "accuracy":
                    accuracy = Number(value, "accuracy", "accuracy", Add);
                    break;
                case "batt":
                    battery = Number(value, "battery", "batt", Add);
                    break;
                case "charge":
                    charging = value is "1" || bool.TryParse(value, out var c) && c;
                    break;
                default:
                    break; // hdop, sat, driverUniqueId, …: not kept
            }
        }

        var report = new FixReport
        {
            DeviceId = deviceId,
            // Like Traccar: a fix without a time is taken as received now.
            Time = time ?? (errors.ContainsKey("time") ? null : receivedAt),
            Latitude = lat,
            Longitude = lon,
            Speed = speed,
            Heading = heading,
            Altitude = altitude,
            Accuracy = accuracy,
            Battery = battery,
            Charging = charging,
        };
        return new OsmAndMessage(deviceId, token, report, errors);
    }

    public static OsmAndMessage ParseJson(ReadOnlySpan<byte> utf8Json, string? token = null)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        try
        {
            using var doc = JsonDocument.Parse(utf8Json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Add("body", "The body must be a JSON object.");
                return new OsmAndMessage(null, token, new FixReport(), errors);
            }
            var deviceId = root.TryGetProperty("device_id", out var id) ? id.ValueKind switch
            {
                JsonValueKind.String => id.GetString()?.Trim(),
                JsonValueKind.Number => id.GetRawText(),
                _ => null,
            } : null;
            if (root.TryGetProperty(OsmAndMessage.TokenParameter, out var tokenElement) && tokenElement.ValueKind == JsonValueKind.String)
                token ??= tokenElement.GetString();

            var report = new FixReport { DeviceId = deviceId };
            if (!root.TryGetProperty("location", out var location) || location.ValueKind != JsonValueKind.Object)
            {
                Add("location", "location is required.");
                return new OsmAndMessage(deviceId, token, report, errors);
            }
            if (location.TryGetProperty("timestamp", out var ts))
            {
                if (ts.ValueKind == JsonValueKind.String && TryParseTimestamp(ts.GetString()!, out var t)) report = report with { Time = t };
                else if (ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var n) && TryParseTimestamp(n.ToString(Invariant), out var tn)) report = report with { Time = tn };
                else Add("time", "location.timestamp must be ISO-8601 (or Unix seconds/milliseconds).");
            }
            if (location.TryGetProperty("coords", out var coords) && coords.ValueKind == JsonValueKind.Object)
            {
                // The background-geolocation plugin sends -1 for "unknown" speed, heading and battery.
                report = report with
                {
                    Latitude = JsonNumber(coords, "latitude", "latitude", Add),
                    Longitude = JsonNumber(coords, "longitude", "longitude", Add),
                    Speed = NonNegative(JsonNumber(coords, "speed", "speed", Add)),
                    Heading = NonNegative(JsonNumber(coords, "heading", "heading", Add)),
                    Accuracy = NonNegative(JsonNumber(coords, "accuracy", "accuracy", Add)),
                    Altitude = JsonNumber(coords, "altitude", "altitude", Add),
                };
            }
            else Add("latitude", "location.coords is required.");
            if (location.TryGetProperty("battery", out var battery) && battery.ValueKind == JsonValueKind.Object)
            {
                var level = NonNegative(JsonNumber(battery, "level", "battery", Add));
                report = report with
                {
                    Battery = level * 100,
                    Charging = battery.TryGetProperty("is_charging", out var ch) && ch.ValueKind is JsonValueKind.True or JsonValueKind.False
                        ? ch.GetBoolean() : null,
                };
            }
            return new OsmAndMessage(deviceId, token, report, errors);
        }
        catch (JsonException ex)
        {
            Add("body", $"Malformed JSON: {ex.Message}");
            return new OsmAndMessage(null, token, new FixReport(), errors);
        }
    }

    // Unix seconds or milliseconds (told apart as Traccar does: below 2^31 it is seconds),
    // ddMMyyHHmmss, ISO-8601, or "yyyy-MM-dd HH:mm:ss" (taken as UTC).
    public static bool TryParseTimestamp(string value, out DateTimeOffset time)
    {
        value = value.Trim();
        if (value.Length == 12 && DateTimeOffset.TryParseExact(value, "ddMMyyHHmmss", Invariant,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
            return true;
        if (long.TryParse(value, NumberStyles.None, Invariant, out var number))
        {
            try
            {
                time = number < int.MaxValue ? DateTimeOffset.FromUnixTimeSeconds(number) : DateTimeOffset.FromUnixTimeMilliseconds(number);
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                time = default;
                return false;
            }
        }
        if (value.Contains('T', StringComparison.Ordinal))
            return DateTimeOffset.TryParse(value, Invariant, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
        return DateTimeOffset.TryParseExact(value, "yyyy-MM-dd HH:mm:ss", Invariant,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    private static double? Number(string value, string field, string parameter, Action<string, string> add)
    {
        // NaN and Infinity parse here and are refused by validation with the field's name.
        if (double.TryParse(value, NumberStyles.Float, Invariant, out var d)) return d;
        add(field, $"{parameter} '{Clip(value)}' is not a number.");
        return null;
    }

    private static double? JsonNumber(JsonElement parent, string property, string field, Action<string, string> add)
    {
        if (!parent.TryGetProperty(property, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind == JsonValueKind.Number) return e.GetDouble();
        add(field, $"{property} must be a number.");
        return null;
    }

    private static double? NonNegative(double? value) => value is < 0 ? null : value;

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
