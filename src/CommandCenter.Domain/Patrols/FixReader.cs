using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CommandCenter.Domain.Patrols;

// One fix as read off the wire, before FixRules.Validate checks it against the clock and limits.
public sealed record ParsedFix(FixReport Report, IReadOnlyDictionary<string, string[]> Errors)
{
    public static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
}

// The one reader of a fix's values, for every wire format (the OsmAnd query and JSON, the batch
// JSON): a format only finds a value and names its field; how text or a JSON token becomes a
// number, a time or a device id, and the message a bad one gets, is decided here. A ref struct:
// a gateway's batch reads hundreds of fixes, and this costs no allocation unless one is wrong.
public ref struct FixReader
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private Dictionary<string, string[]>? _errors;

    // Trimmed wherever it comes from: "abc " and "abc" are one device.
    public string? DeviceId { readonly get; set => field = value?.Trim(); }

    public DateTimeOffset? Time { readonly get; set; }
    public double? Latitude { readonly get; set; }
    public double? Longitude { readonly get; set; }
    public double? Speed { readonly get; set; }
    public double? Heading { readonly get; set; }
    public double? Altitude { readonly get; set; }
    public double? Accuracy { readonly get; set; }
    public double? Battery { readonly get; set; }
    public bool? Charging { readonly get; set; }

    // A later message for the same field replaces the earlier one.
    public void Fail(string field, string message) => (_errors ??= [])[field] = [message];

    public readonly bool Failed(string field) => _errors?.ContainsKey(field) == true;

    public readonly ParsedFix ToParsed() => new(new FixReport
    {
        DeviceId = DeviceId,
        Time = Time,
        Latitude = Latitude,
        Longitude = Longitude,
        Speed = Speed,
        Heading = Heading,
        Altitude = Altitude,
        Accuracy = Accuracy,
        Battery = Battery,
        Charging = Charging,
    }, _errors ?? ParsedFix.NoErrors);

    // A number sent as text, named by the parameter that carried it.
    public double? Number(string text, string field, string parameter)
    {
        if (TryParseNumber(text, out var value)) return value;
        Fail(field, $"{parameter} '{Clip(text)}' is not a number.");
        return null;
    }

    // The JSON value after a property name: a number, a number in a string, or null (absent).
    public double? ReadNumber(ref Utf8JsonReader json, string property, string field)
    {
        json.Read();
        switch (json.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when json.TryGetDouble(out var number):
                return number;
            case JsonTokenType.String when TryParseNumber(json.GetString()!, out var text):
                return text;
            default:
                Fail(field, $"{property} must be a number.");
                json.Skip();
                return null;
        }
    }

    // A string (trimmed) or a number (its digits); null and anything else are refused.
    public string? ReadDeviceId(ref Utf8JsonReader json, string property, string field)
    {
        json.Read();
        if (json.TokenType == JsonTokenType.String) return json.GetString();
        if (json.TokenType == JsonTokenType.Number) return Encoding.UTF8.GetString(json.ValueSpan);
        Fail(field, $"{property} must be a string.");
        json.Skip();
        return null;
    }

    // A timestamp string, Unix seconds or milliseconds as a number, or null (absent).
    public DateTimeOffset? ReadTime(ref Utf8JsonReader json, string field, string message)
    {
        json.Read();
        if (json.TokenType == JsonTokenType.Null) return null;
        if (json.TokenType == JsonTokenType.String)
        {
            // ISO-8601 with an offset (what gateways send) is read in place, without a string.
            if (!json.HasValueSequence && !json.ValueIsEscaped && HasOffset(json.ValueSpan) && json.TryGetDateTimeOffset(out var iso)) return iso;
            if (TryParseTime(json.GetString()!, out var time)) return time;
        }
        else if (json.TokenType == JsonTokenType.Number && Utf8Parser.TryParse(json.ValueSpan, out long _, out var consumed)
            && consumed == json.ValueSpan.Length && TryParseTime(Encoding.UTF8.GetString(json.ValueSpan), out var unix))
            return unix;
        Fail(field, message);
        json.Skip();
        return null;
    }

    public bool? ReadBool(ref Utf8JsonReader json, string property, string field)
    {
        json.Read();
        if (json.TokenType is JsonTokenType.True or JsonTokenType.False) return json.GetBoolean();
        if (json.TokenType == JsonTokenType.Null) return null;
        Fail(field, $"{property} must be true or false.");
        json.Skip();
        return null;
    }

    // NaN and Infinity parse here and are refused by validation with the field's name.
    public static bool TryParseNumber(string text, out double value) => double.TryParse(text, NumberStyles.Float, Invariant, out value);

    // Unix seconds or milliseconds (told apart as Traccar does: below 2^31 it is seconds),
    // ddMMyyHHmmss, ISO-8601, or "yyyy-MM-dd HH:mm:ss" (taken as UTC).
    public static bool TryParseTime(string value, out DateTimeOffset time)
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

    // Devices send -1 for an unknown speed, heading, accuracy or battery level.
    public static double? Known(double? value) => value is < 0 ? null : value;

    public static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";

    // …Z, …+08:00 or …-05:00 after a date and a time.
    private static bool HasOffset(ReadOnlySpan<byte> value) =>
        value.Length > 19 && (value[^1] == (byte)'Z' || value.Length >= 25 && value[^3] == (byte)':' && value[^6] is (byte)'+' or (byte)'-');
}
