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

    // Field names are the API's JSON names so that a client can point at the field.
    public static IReadOnlyDictionary<string, string[]> Validate(FixReport report, DateTimeOffset now, FixLimits limits, out PositionFix? fix)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var list) ? [.. list, message] : [message];

        if (report.Time is not { } time) Add("time", "time is required.");
        else if (time - now > limits.MaxFutureSkew)
            Add("time", $"time {time:O} is more than {limits.MaxFutureSkew.TotalSeconds:0} s in the future (server time {now:O}).");
        else if (now - time > limits.MaxAge)
            Add("time", $"time {time:O} is older than {limits.MaxAge.TotalDays:0.#} days, the history kept.");

        CheckCoordinate("latitude", report.Latitude, 90, Add);
        CheckCoordinate("longitude", report.Longitude, 180, Add);
        CheckRange("speed", report.Speed, 0, limits.MaxSpeed, "m/s", Add);
        CheckRange("heading", report.Heading, 0, 360, "degrees", Add);
        CheckRange("altitude", report.Altitude, limits.MinAltitude, limits.MaxAltitude, "m", Add);
        CheckRange("accuracy", report.Accuracy, 0, limits.MaxAccuracy, "m", Add);
        CheckRange("battery", report.Battery, 0, 100, "percent", Add);

        if (errors.Count > 0)
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
        return errors;
    }

    private static void CheckCoordinate(string field, double? value, double limit, Action<string, string> add)
    {
        if (value is not { } v) add(field, $"{field} is required.");
        else if (!double.IsFinite(v)) add(field, $"{field} must be a finite number.");
        else if (v < -limit || v > limit) add(field, $"{field} must be between -{limit} and {limit}; got {v}.");
    }

    private static void CheckRange(string field, double? value, double min, double max, string unit, Action<string, string> add)
    {
        if (value is not { } v) return;
        if (!double.IsFinite(v)) add(field, $"{field} must be a finite number.");
        else if (v < min || v > max) add(field, $"{field} must be between {min} and {max} {unit}; got {v}.");
    }
}
