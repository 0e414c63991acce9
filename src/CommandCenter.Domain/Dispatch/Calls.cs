using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Domain.Dispatch;

// The caller's callback number: validated when taken, masked wherever a list shows it.
public static class CallRules
{
    public const int MaxCallbackLength = 30;

    // Digits with the separators people type (+86 138-1234 5678); 3 digits (110, 119) to 20.
    public static string? WhyNotCallback(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        if (number.Length > MaxCallbackLength) return $"callbackNumber must be at most {MaxCallbackLength} characters.";
        if (number.Any(c => !char.IsAsciiDigit(c) && c is not ('+' or '-' or ' ' or '(' or ')')))
            return "callbackNumber may hold only digits, spaces and + - ( ).";
        var digits = number.Count(char.IsAsciiDigit);
        return digits is < 3 or > 20 ? "callbackNumber must have 3 to 20 digits." : null;
    }

    public static string? Normalize(string? number) =>
        string.IsNullOrWhiteSpace(number) ? null : string.Concat(number.Where(c => char.IsAsciiDigit(c) || c == '+'));

    // 138****5678: enough to tell two callers apart on a list, not enough to call them.
    public static string Mask(string? number)
    {
        if (string.IsNullOrEmpty(number)) return "";
        if (number.Length <= 4) return new string('*', number.Length);
        var keepEnd = number.Length >= 8 ? 4 : 2;
        var keepStart = number.Length >= 11 ? 3 : 0;
        return number[..keepStart] + new string('*', number.Length - keepStart - keepEnd) + number[^keepEnd..];
    }
}

// 报警合并: a second call about the same thing should join the first incident, not open another.
public sealed record DuplicateOptions
{
    public double DistanceMeters { get; init; } = 300;
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(30);
}

public sealed record OpenIncidentNearby(long Id, IncidentType Type, IncidentStatus Status, double Latitude, double Longitude, DateTimeOffset ReportedAt);

public sealed record PossibleDuplicate(long Id, double DistanceMeters, TimeSpan Age);

public static class DuplicateRules
{
    // Open incidents of the same type, within the distance and the time window, nearest first.
    public static IReadOnlyList<PossibleDuplicate> Find(
        IncidentType type, double latitude, double longitude, DateTimeOffset now, IEnumerable<OpenIncidentNearby> candidates, DuplicateOptions options) =>
        [.. candidates
            .Where(c => c.Type == type && IncidentLifecycle.IsOpen(c.Status) && now - c.ReportedAt <= options.Window && c.ReportedAt <= now)
            .Select(c => new PossibleDuplicate(c.Id, Geo.DistanceMeters(latitude, longitude, c.Latitude, c.Longitude), now - c.ReportedAt))
            .Where(d => d.DistanceMeters <= options.DistanceMeters)
            .OrderBy(d => d.DistanceMeters).ThenBy(d => d.Age)];
}
