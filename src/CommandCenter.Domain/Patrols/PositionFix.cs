namespace CommandCenter.Domain.Patrols;

// A fix as a device or gateway reports it, before validation. Units are SI: speed in m/s,
// heading in degrees clockwise from north, altitude and accuracy in metres, battery in percent.
public sealed record FixReport
{
    public string? DeviceId { get; init; }
    public DateTimeOffset? Time { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public double? Speed { get; init; }
    public double? Heading { get; init; }
    public double? Altitude { get; init; }
    public double? Accuracy { get; init; }
    public double? Battery { get; init; }
    public bool? Charging { get; init; }
}

public sealed record PositionFix(
    DateTimeOffset Time,
    double Latitude,
    double Longitude,
    double? Speed = null,
    double? Heading = null,
    double? Altitude = null,
    double? Accuracy = null,
    double? Battery = null,
    bool? Charging = null);

public sealed record FixLimits
{
    // Phones' clocks drift; a fix further ahead than this is a broken clock, not a position.
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(2);

    // Older than this has no history partition to go to (the retention window).
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(30);

    // 100 m/s = 360 km/h: above this a patrol fix is a GPS glitch.
    public double MaxSpeed { get; init; } = 100;

    public double MaxAccuracy { get; init; } = 100_000;

    public double MinAltitude { get; init; } = -1_000;

    public double MaxAltitude { get; init; } = 20_000;
}

public static class FixRules
{
    public const int MaxDeviceIdLength = 64;

    // Why a device id can never be registered (too long, or a character outside [A-Za-z0-9._:-]),
    // or null when it could be. Checked before any lookup, so made-up ids cost nothing.
    public static string? DeviceIdProblem(string deviceId)
    {
        if (deviceId.Length is 0 or > MaxDeviceIdLength) return $"A device id has 1 to {MaxDeviceIdLength} characters.";
        foreach (var c in deviceId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
                return "A device id has only the characters A-Z, a-z, 0-9, '.', '_', ':' and '-'.";
        }
        return null;
    }

    // Field names are the API's JSON names so that a client can point at the field.
    public static IReadOnlyDictionary<string, string[]> Validate(FixReport report, DateTimeOffset now, FixLimits limits, out PositionFix? fix)
    {
        // Made only when something is wrong: a gateway's batch brings hundreds of good fixes.
        Dictionary<string, string[]>? errors = null;

        if (report.Time is not { } time) Add(ref errors, "time", "time is required.");
        else if (time - now > limits.MaxFutureSkew)
            Add(ref errors, "time", $"time {time:O} is more than {limits.MaxFutureSkew.TotalSeconds:0} s in the future (server time {now:O}).");
        else if (now - time > limits.MaxAge)
            Add(ref errors, "time", $"time {time:O} is older than {limits.MaxAge.TotalDays:0.#} days, the history kept.");

        CheckCoordinate(ref errors, "latitude", report.Latitude, 90);
        CheckCoordinate(ref errors, "longitude", report.Longitude, 180);
        CheckRange(ref errors, "speed", report.Speed, 0, limits.MaxSpeed, "m/s");
        CheckRange(ref errors, "heading", report.Heading, 0, 360, "degrees");
        CheckRange(ref errors, "altitude", report.Altitude, limits.MinAltitude, limits.MaxAltitude, "m");
        CheckRange(ref errors, "accuracy", report.Accuracy, 0, limits.MaxAccuracy, "m");
        CheckRange(ref errors, "battery", report.Battery, 0, 100, "percent");

        if (errors is not null)
        {
            fix = null;
            return errors;
        }
        fix = new PositionFix(
            report.Time!.Value.ToUniversalTime(),
            report.Latitude!.Value,
            report.Longitude!.Value,
            report.Speed,
            report.Heading is 360 ? 0 : report.Heading,
            report.Altitude,
            report.Accuracy,
            report.Battery,
            report.Charging);
        return NoErrors;
    }

    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    private static void Add(ref Dictionary<string, string[]>? errors, string field, string message)
    {
        errors ??= [];
        errors[field] = errors.TryGetValue(field, out var list) ? [.. list, message] : [message];
    }

    private static void CheckCoordinate(ref Dictionary<string, string[]>? errors, string field, double? value, double limit)
    {
        if (value is not { } v) Add(ref errors, field, $"{field} is required.");
        else if (!double.IsFinite(v)) Add(ref errors, field, $"{field} must be a finite number.");
        else if (v < -limit || v > limit) Add(ref errors, field, $"{field} must be between -{limit} and {limit}; got {v}.");
    }

    private static void CheckRange(ref Dictionary<string, string[]>? errors, string field, double? value, double min, double max, string unit)
    {
        if (value is not { } v) return;
        if (!double.IsFinite(v)) Add(ref errors, field, $"{field} must be a finite number.");
        else if (v < min || v > max) Add(ref errors, field, $"{field} must be between {min} and {max} {unit}; got {v}.");
    }
}
