using System.Globalization;
using System.Text.Json;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Web.Features.Patrols;

public sealed record ParsedFix(FixReport Report, IReadOnlyDictionary<string, string[]> Errors);

// Reads {"fixes":[{deviceId,time,latitude,longitude,speed,heading,altitude,accuracy,battery,charging}]}
// fix by fix, so that one malformed fix is rejected alone instead of failing the whole batch.
public static class PositionBatch
{
    public sealed record Failure(string Field, string Message, bool TooMany = false);

    public static (IReadOnlyList<ParsedFix>? Fixes, Failure? Failure) Parse(ReadOnlySpan<byte> body, int maxFixes)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            return (null, new Failure("body", $"Malformed JSON: {ex.Message}"));
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("fixes", out var array))
                return (null, new Failure("fixes", "The body must be an object with a 'fixes' array."));
            if (array.ValueKind != JsonValueKind.Array) return (null, new Failure("fixes", "'fixes' must be an array."));
            var count = array.GetArrayLength();
            if (count == 0) return (null, new Failure("fixes", "'fixes' is empty."));
            if (count > maxFixes) return (null, new Failure("fixes", $"A batch may hold at most {maxFixes} fixes; this one has {count}.", TooMany: true));
            return ([.. array.EnumerateArray().Select(ParseFix)], null);
        }
    }

    private static ParsedFix ParseFix(JsonElement e)
    {
        var errors = new Dictionary<string, string[]>();
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["A fix must be a JSON object."];
            return new ParsedFix(new FixReport(), errors);
        }
        string? deviceId = null;
        if (e.TryGetProperty("deviceId", out var id))
        {
            if (id.ValueKind == JsonValueKind.String) deviceId = id.GetString()?.Trim();
            else if (id.ValueKind == JsonValueKind.Number) deviceId = id.GetRawText();
            else errors["deviceId"] = ["deviceId must be a string."];
        }
        DateTimeOffset? time = null;
        if (e.TryGetProperty("time", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            var text = t.ValueKind switch
            {
                JsonValueKind.String => t.GetString(),
                JsonValueKind.Number => t.GetRawText(),
                _ => null,
            };
            if (text is not null && OsmAnd.TryParseTimestamp(text, out var parsed)) time = parsed;
            else errors["time"] = ["time must be ISO-8601 or Unix seconds or milliseconds."];
        }
        bool? charging = null;
        if (e.TryGetProperty("charging", out var c))
        {
            if (c.ValueKind is JsonValueKind.True or JsonValueKind.False) charging = c.GetBoolean();
            else if (c.ValueKind != JsonValueKind.Null) errors["charging"] = ["charging must be true or false."];
        }
        var report = new FixReport
        {
            DeviceId = deviceId,
            Time = time,
            Latitude = Number(e, "latitude", errors),
            Longitude = Number(e, "longitude", errors),
            Speed = Number(e, "speed", errors),
            Heading = Number(e, "heading", errors),
            Altitude = Number(e, "altitude", errors),
            Accuracy = Number(e, "accuracy", errors),
            Battery = Number(e, "battery", errors),
            Charging = charging,
        };
        return new ParsedFix(report, errors);
    }

    private static double? Number(JsonElement e, string name, Dictionary<string, string[]> errors)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        // "NaN" / "Infinity" as strings reach validation, which names the field.
        if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        errors[name] = [$"{name} must be a number."];
        return null;
    }
}
