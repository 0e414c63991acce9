using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Web.Features.Patrols;

public sealed record ParsedFix(FixReport Report, IReadOnlyDictionary<string, string[]> Errors);

// Reads {"fixes":[{deviceId,time,latitude,longitude,speed,heading,altitude,accuracy,battery,charging}]}
// fix by fix, so that one malformed fix is rejected alone instead of failing the whole batch.
// One forward pass of Utf8JsonReader over the body: no document, no strings but the device ids.
public static class PositionBatch
{
    public sealed record Failure(string Field, string Message, bool TooMany = false);

    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public static (IReadOnlyList<ParsedFix>? Fixes, Failure? Failure) Parse(ReadOnlySpan<byte> body, int maxFixes)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        List<ParsedFix>? fixes = null;
        var notArray = false;
        var tooMany = 0;
        try
        {
            if (!reader.Read()) throw new JsonException("The body is empty.");
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return (null, EndOrMalformed(ref reader) ?? new Failure("fixes", "The body must be an object with a 'fixes' array."));
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFixes = reader.ValueTextEquals("fixes"u8);
                reader.Read();
                if (!isFixes || reader.TokenType != JsonTokenType.StartArray)
                {
                    notArray |= isFixes;
                    reader.Skip();
                    continue;
                }
                fixes = new List<ParsedFix>(Math.Min(maxFixes, body.Length / 64 + 1));
                notArray = false;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (fixes.Count == maxFixes)
                    {
                        tooMany++; // counted for the message, not parsed
                        reader.Skip();
                    }
                    else fixes.Add(ParseFix(ref reader));
                }
            }
            if (EndOrMalformed(ref reader) is { } malformed) return (null, malformed);
        }
        catch (JsonException ex)
        {
            return (null, new Failure("body", $"Malformed JSON: {ex.Message}"));
        }
        if (notArray) return (null, new Failure("fixes", "'fixes' must be an array."));
        if (fixes is null) return (null, new Failure("fixes", "The body must be an object with a 'fixes' array."));
        if (fixes.Count == 0) return (null, new Failure("fixes", "'fixes' is empty."));
        if (tooMany > 0)
            return (null, new Failure("fixes", $"A batch may hold at most {maxFixes} fixes; this one has {maxFixes + tooMany}.", TooMany: true));
        return (fixes, null);
    }

    // Anything after the root value is malformed JSON (the reader throws on it).
    private static Failure? EndOrMalformed(ref Utf8JsonReader reader)
    {
        try
        {
            while (reader.Read())
            {
                // the reader throws on a second value; reaching here means a closing token
            }
            return null;
        }
        catch (JsonException ex)
        {
            return new Failure("body", $"Malformed JSON: {ex.Message}");
        }
    }

    private static ParsedFix ParseFix(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return new ParsedFix(new FixReport(), new Dictionary<string, string[]> { ["body"] = ["A fix must be a JSON object."] });
        }
        Dictionary<string, string[]>? errors = null;
        void Add(string field, string message) => (errors ??= [])[field] = [message];

        string? deviceId = null;
        DateTimeOffset? time = null;
        double? lat = null, lon = null, speed = null, heading = null, altitude = null, accuracy = null, battery = null;
        bool? charging = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("latitude"u8)) lat = Number(ref reader, "latitude", ref errors);
            else if (reader.ValueTextEquals("longitude"u8)) lon = Number(ref reader, "longitude", ref errors);
            else if (reader.ValueTextEquals("deviceId"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String) deviceId = reader.GetString()?.Trim();
                else if (reader.TokenType == JsonTokenType.Number) deviceId = Encoding.UTF8.GetString(reader.ValueSpan);
                else
                {
                    Add("deviceId", "deviceId must be a string.");
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (TryReadTime(ref reader, out var t)) time = t;
                else
                {
                    Add("time", "time must be ISO-8601 or Unix seconds or milliseconds.");
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("speed"u8)) speed = Number(ref reader, "speed", ref errors);
            else if (reader.ValueTextEquals("heading"u8)) heading = Number(ref reader, "heading", ref errors);
            else if (reader.ValueTextEquals("accuracy"u8)) accuracy = Number(ref reader, "accuracy", ref errors);
            else if (reader.ValueTextEquals("altitude"u8)) altitude = Number(ref reader, "altitude", ref errors);
            else if (reader.ValueTextEquals("battery"u8)) battery = Number(ref reader, "battery", ref errors);
            else if (reader.ValueTextEquals("charging"u8))
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False) charging = reader.GetBoolean();
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    Add("charging", "charging must be true or false.");
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        var report = new FixReport
        {
            DeviceId = deviceId,
            Time = time,
            Latitude = lat,
            Longitude = lon,
            Speed = speed,
            Heading = heading,
            Altitude = altitude,
            Accuracy = accuracy,
            Battery = battery,
            Charging = charging,
        };
        return new ParsedFix(report, errors ?? NoErrors);
    }

    // ISO-8601 with an offset (what gateways send) is read in place; anything else — no offset
    // (taken as UTC), Unix seconds or milliseconds as a number or a string — as OsmAnd reads it.
    private static bool TryReadTime(ref Utf8JsonReader reader, out DateTimeOffset time)
    {
        time = default;
        if (reader.TokenType == JsonTokenType.String)
        {
            if (!reader.HasValueSequence && !reader.ValueIsEscaped && HasOffset(reader.ValueSpan) && reader.TryGetDateTimeOffset(out time)) return true;
            return OsmAnd.TryParseTimestamp(reader.GetString()!, out time);
        }
        if (reader.TokenType == JsonTokenType.Number && Utf8Parser.TryParse(reader.ValueSpan, out long _, out var consumed) && consumed == reader.ValueSpan.Length)
            return OsmAnd.TryParseTimestamp(Encoding.UTF8.GetString(reader.ValueSpan), out time);
        return false;
    }

    // …Z, …+08:00 or …-05:00 after a date and a time.
    private static bool HasOffset(ReadOnlySpan<byte> value) =>
        value.Length > 19 && (value[^1] == (byte)'Z' || value.Length >= 25 && value[^3] == (byte)':' && value[^6] is (byte)'+' or (byte)'-');

    private static double? Number(ref Utf8JsonReader reader, string name, ref Dictionary<string, string[]>? errors)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetDouble(out var d):
                return d;
            case JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s):
                return s; // "NaN" / "Infinity" reach validation, which names the field
            default:
                (errors ??= [])[name] = [$"{name} must be a number."];
                reader.Skip();
                return null;
        }
    }
}
