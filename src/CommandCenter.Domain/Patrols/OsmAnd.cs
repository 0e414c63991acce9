using System.Text.Json;

namespace CommandCenter.Domain.Patrols;

// One message of the OsmAnd protocol as Traccar Client and the OsmAnd app send it: a query
// string or form (id=…&lat=…&lon=…&timestamp=…&speed=<knots>…) or the JSON body of the newer
// Traccar Client ({device_id, location: {timestamp, coords{…}, battery{…}}}).
public sealed record OsmAndMessage(string? DeviceId, string? Token, FixReport Report, IReadOnlyDictionary<string, string[]> Errors)
{
    public const string TokenParameter = "token";
}

// Where each value of the two forms is; FixReader reads them.
public static class OsmAnd
{
    public const double MetersPerSecondPerKnot = 1852.0 / 3600.0;

    public static OsmAndMessage ParseQuery(IEnumerable<KeyValuePair<string, string?>> parameters, DateTimeOffset receivedAt)
    {
        var fix = new FixReader();
        string? token = null;
        foreach (var (key, value) in parameters)
        {
            // Like Traccar: an empty parameter is as good as absent.
            if (string.IsNullOrEmpty(value)) continue;
            switch (key)
            {
                case "id" or "deviceid":
                    fix.DeviceId = value;
                    break;
                case OsmAndMessage.TokenParameter:
                    token = value;
                    break;
                case "timestamp":
                    if (FixReader.TryParseTime(value, out var t)) fix.Time = t;
                    else fix.Fail("time", $"timestamp '{FixReader.Clip(value)}' is neither Unix seconds, Unix milliseconds nor ISO-8601.");
                    break;
                case "lat":
                    fix.Latitude = fix.Number(value, "latitude", "lat");
                    break;
                case "lon":
                    fix.Longitude = fix.Number(value, "longitude", "lon");
                    break;
                case "location":
                    var parts = value.Split(',');
                    if (parts.Length != 2) fix.Fail("latitude", $"location '{FixReader.Clip(value)}' must be 'lat,lon'.");
                    else
                    {
                        fix.Latitude = fix.Number(parts[0], "latitude", "location");
                        fix.Longitude = fix.Number(parts[1], "longitude", "location");
                    }
                    break;
                case "speed":
                    fix.Speed = fix.Number(value, "speed", "speed") * MetersPerSecondPerKnot;
                    break;
                case "bearing" or "heading":
                    fix.Heading = fix.Number(value, "heading", key);
                    break;
                case "altitude":
                    fix.Altitude = fix.Number(value, "altitude", "altitude");
                    break;
                case "accuracy":
                    fix.Accuracy = fix.Number(value, "accuracy", "accuracy");
                    break;
                case "batt":
                    fix.Battery = fix.Number(value, "battery", "batt");
                    break;
                case "charge":
                    fix.Charging = value is "1" || bool.TryParse(value, out var c) && c;
                    break;
                default:
                    break; // hdop, sat, driverUniqueId, …: not kept
            }
        }
        // Like Traccar: a fix without a time is taken as received now.
        if (fix.Time is null && !fix.Failed("time")) fix.Time = receivedAt;
        return Message(fix, token);
    }

    public static OsmAndMessage ParseJson(ReadOnlySpan<byte> utf8Json, string? token = null)
    {
        var fix = new FixReader();
        try
        {
            var json = new Utf8JsonReader(utf8Json);
            if (!json.Read()) throw new JsonException("The body is empty.");
            if (json.TokenType != JsonTokenType.StartObject)
            {
                json.Skip();
                ReadToEnd(ref json);
                return BodyProblem(token, "The body must be a JSON object.");
            }
            bool location = false, coords = false;
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                if (json.ValueTextEquals("device_id"u8)) fix.DeviceId = fix.ReadDeviceId(ref json, "device_id", "id");
                else if (json.ValueTextEquals(OsmAndMessage.TokenParameter))
                {
                    json.Read();
                    // The query's token, if any, wins.
                    if (json.TokenType == JsonTokenType.String) token ??= json.GetString();
                    else json.Skip();
                }
                else if (json.ValueTextEquals("location"u8))
                {
                    if (!EnterObject(ref json)) continue;
                    location = true;
                    coords |= ReadLocation(ref json, ref fix);
                }
                else Skip(ref json);
            }
            ReadToEnd(ref json);
            if (!location) fix.Fail("location", "location is required.");
            else if (!coords) fix.Fail("latitude", "location.coords is required.");
            return Message(fix, token);
        }
        catch (JsonException ex)
        {
            return BodyProblem(token, $"Malformed JSON: {ex.Message}");
        }
    }

    // {timestamp, coords{…}, battery{…}}; true when it had coords.
    private static bool ReadLocation(ref Utf8JsonReader json, ref FixReader fix)
    {
        var coords = false;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.ValueTextEquals("timestamp"u8)) fix.Time = fix.ReadTime(ref json, "time", "location.timestamp must be ISO-8601 (or Unix seconds/milliseconds).");
            else if (json.ValueTextEquals("coords"u8))
            {
                if (!EnterObject(ref json)) continue;
                coords = true;
                while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                {
                    if (json.ValueTextEquals("latitude"u8)) fix.Latitude = fix.ReadNumber(ref json, "latitude", "latitude");
                    else if (json.ValueTextEquals("longitude"u8)) fix.Longitude = fix.ReadNumber(ref json, "longitude", "longitude");
                    else if (json.ValueTextEquals("speed"u8)) fix.Speed = FixReader.Known(fix.ReadNumber(ref json, "speed", "speed"));
                    else if (json.ValueTextEquals("heading"u8)) fix.Heading = FixReader.Known(fix.ReadNumber(ref json, "heading", "heading"));
                    else if (json.ValueTextEquals("accuracy"u8)) fix.Accuracy = FixReader.Known(fix.ReadNumber(ref json, "accuracy", "accuracy"));
                    else if (json.ValueTextEquals("altitude"u8)) fix.Altitude = fix.ReadNumber(ref json, "altitude", "altitude");
                    else Skip(ref json);
                }
            }
            else if (json.ValueTextEquals("battery"u8))
            {
                if (!EnterObject(ref json)) continue;
                while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                {
                    // The level is a fraction; a flag that is not a boolean is taken as not sent.
                    if (json.ValueTextEquals("level"u8)) fix.Battery = FixReader.Known(fix.ReadNumber(ref json, "level", "battery")) * 100;
                    else if (json.ValueTextEquals("is_charging"u8) && json.Read())
                        fix.Charging = json.TokenType is JsonTokenType.True or JsonTokenType.False ? json.GetBoolean() : SkipAndNull(ref json);
                    else Skip(ref json);
                }
            }
            else Skip(ref json);
        }
        return coords;
    }

    // From a property name onto its value: true at an object's start; another value is skipped.
    private static bool EnterObject(ref Utf8JsonReader json)
    {
        json.Read();
        if (json.TokenType == JsonTokenType.StartObject) return true;
        json.Skip();
        return false;
    }

    private static void Skip(ref Utf8JsonReader json)
    {
        json.Read();
        json.Skip();
    }

    private static bool? SkipAndNull(ref Utf8JsonReader json)
    {
        json.Skip();
        return null;
    }

    // Anything after the root value is malformed JSON: the reader throws on it.
    private static void ReadToEnd(ref Utf8JsonReader json)
    {
        while (json.Read())
        {
        }
    }

    private static OsmAndMessage Message(FixReader fix, string? token)
    {
        var parsed = fix.ToParsed();
        return new OsmAndMessage(fix.DeviceId, token, parsed.Report, parsed.Errors);
    }

    private static OsmAndMessage BodyProblem(string? token, string message) =>
        new(null, token, new FixReport(), new Dictionary<string, string[]> { ["body"] = [message] });
}
