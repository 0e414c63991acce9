using System.Text.Json;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Web.Features.Patrols;

// Reads {"fixes":[{deviceId,time,latitude,longitude,speed,heading,altitude,accuracy,battery,charging}]}
// fix by fix, so that one malformed fix is rejected alone instead of failing the whole batch.
// One forward pass of Utf8JsonReader over the body: no document, no strings but the device ids.
// The envelope is read here; each fix's values by the domain's FixReader, as OsmAnd's are.
public static class PositionBatch
{
    public sealed record Failure(string Field, string Message, bool TooMany = false);

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
        var fix = new FixReader();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("latitude"u8)) fix.Latitude = fix.ReadNumber(ref reader, "latitude", "latitude");
            else if (reader.ValueTextEquals("longitude"u8)) fix.Longitude = fix.ReadNumber(ref reader, "longitude", "longitude");
            else if (reader.ValueTextEquals("deviceId"u8)) fix.DeviceId = fix.ReadDeviceId(ref reader, "deviceId", "deviceId");
            else if (reader.ValueTextEquals("time"u8)) fix.Time = fix.ReadTime(ref reader, "time", "time must be ISO-8601 or Unix seconds or milliseconds.");
            else if (reader.ValueTextEquals("speed"u8)) fix.Speed = fix.ReadNumber(ref reader, "speed", "speed");
            else if (reader.ValueTextEquals("heading"u8)) fix.Heading = fix.ReadNumber(ref reader, "heading", "heading");
            else if (reader.ValueTextEquals("accuracy"u8)) fix.Accuracy = fix.ReadNumber(ref reader, "accuracy", "accuracy");
            else if (reader.ValueTextEquals("altitude"u8)) fix.Altitude = fix.ReadNumber(ref reader, "altitude", "altitude");
            else if (reader.ValueTextEquals("battery"u8)) fix.Battery = fix.ReadNumber(ref reader, "battery", "battery");
            else if (reader.ValueTextEquals("charging"u8)) fix.Charging = fix.ReadBool(ref reader, "charging", "charging");
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return fix.ToParsed();
    }
}
