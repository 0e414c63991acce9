namespace CommandCenter.Domain.Incidents;

// An incident as a reporter (a person, the 110 gateway, the demo feed) submits it, before it is stored.
public sealed record IncidentReport(
    string? Type,
    string? Priority,
    double? Latitude,
    double? Longitude,
    string? Title,
    string? Description,
    string? Address,
    string? ExternalId,
    string? CallbackNumber = null,
    int? Casualties = null);

public sealed record ValidIncidentReport(
    IncidentType Type,
    IncidentPriority Priority,
    double Latitude,
    double Longitude,
    string? Title, // null: untitled; the store names it by its type in the center's language
    string? Description,
    string? Address,
    string? ExternalId,
    string? CallbackNumber = null,
    int Casualties = 0);

public static class IncidentReportRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxAddressLength = 300;
    public const int MaxExternalIdLength = 100;
    public const int MaxCasualties = 100_000;

    // Field names are the JSON names the API receives, so a client can point at the field.
    public static IReadOnlyDictionary<string, string[]> Validate(IncidentReport report, out ValidIncidentReport? valid)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        IncidentType type = default;
        if (string.IsNullOrWhiteSpace(report.Type))
            Add("type", "type is required.");
        else if (!IncidentCodes.TryParseType(report.Type, out type))
            Add("type", $"Unknown type '{Truncate(report.Type)}'. Known types: {string.Join(", ", IncidentCodes.TypeCodes)}.");

        IncidentPriority? priority = null;
        if (report.Priority is not null)
        {
            if (IncidentCodes.TryParsePriority(report.Priority, out var p)) priority = p;
            else Add("priority", $"Unknown priority '{Truncate(report.Priority)}'. Known priorities: {string.Join(", ", IncidentCodes.PriorityCodes)}.");
        }

        CheckCoordinate("latitude", report.Latitude, 90, Add);
        CheckCoordinate("longitude", report.Longitude, 180, Add);

        var title = report.Title?.Trim();
        CheckLength("title", title, MaxTitleLength, Add);
        CheckLength("description", report.Description, MaxDescriptionLength, Add);
        CheckLength("address", report.Address, MaxAddressLength, Add);
        CheckLength("externalId", report.ExternalId, MaxExternalIdLength, Add);
        if (report.Casualties is < 0 or > MaxCasualties) Add("casualties", $"casualties must be between 0 and {MaxCasualties}.");
        if (Dispatch.CallRules.WhyNotCallback(report.CallbackNumber) is { } badNumber) Add("callbackNumber", badNumber);

        if (errors.Count > 0)
        {
            valid = null;
            return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
        }

        valid = new ValidIncidentReport(
            type,
            priority ?? IncidentCodes.DefaultPriority(type),
            report.Latitude!.Value,
            report.Longitude!.Value,
            string.IsNullOrEmpty(title) ? null : title,
            report.Description,
            report.Address,
            string.IsNullOrWhiteSpace(report.ExternalId) ? null : report.ExternalId.Trim(),
            string.IsNullOrWhiteSpace(report.CallbackNumber) ? null : report.CallbackNumber.Trim(),
            report.Casualties ?? 0);
        return new Dictionary<string, string[]>();
    }

    private static void CheckCoordinate(string field, double? value, double limit, Action<string, string> add)
    {
        if (value is null) add(field, $"{field} is required.");
        else if (!double.IsFinite(value.Value)) add(field, $"{field} must be a finite number.");
        else if (Math.Abs(value.Value) > limit) add(field, $"{field} must be between -{limit} and {limit}.");
    }

    private static void CheckLength(string field, string? value, int max, Action<string, string> add)
    {
        if (value is not null && value.Length > max) add(field, $"{field} must be at most {max} characters (got {value.Length}).");
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
