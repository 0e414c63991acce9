namespace CommandCenter.Domain.Incidents;

// Stored and sent on the wire by name (snake_case codes), never by ordinal.
public enum IncidentType
{
    TrafficAccident,
    Fire,
    Theft,
    Fight,
    Dispute,
    MassIncident,
    Medical,
    PublicUtility,
    UrbanManagement,
    Other,
}

public enum IncidentPriority
{
    Critical = 1,
    High = 2,
    Medium = 3,
    Low = 4,
}

public static class IncidentCodes
{
    private static readonly Dictionary<string, IncidentType> TypesByCode = Enum.GetValues<IncidentType>()
        .ToDictionary(ToCode, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, IncidentPriority> PrioritiesByCode = Enum.GetValues<IncidentPriority>()
        .ToDictionary(p => p.ToString().ToLowerInvariant(), StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> TypeCodes => TypesByCode.Keys;

    public static IReadOnlyCollection<string> PriorityCodes => PrioritiesByCode.Keys;

    public static string ToCode(IncidentType type) => type switch
    {
        IncidentType.TrafficAccident => "traffic_accident",
        IncidentType.MassIncident => "mass_incident",
        IncidentType.PublicUtility => "public_utility",
        IncidentType.UrbanManagement => "urban_management",
        _ => type.ToString().ToLowerInvariant(),
    };

    public static string ToCode(IncidentPriority priority) => priority.ToString().ToLowerInvariant();

    public static bool TryParseType(string? code, out IncidentType type) =>
        TypesByCode.TryGetValue(code ?? "", out type);

    public static bool TryParsePriority(string? code, out IncidentPriority priority) =>
        PrioritiesByCode.TryGetValue(code ?? "", out priority);

    // A type's usual priority when the reporter gives none.
    public static IncidentPriority DefaultPriority(IncidentType type) => type switch
    {
        IncidentType.Fire or IncidentType.MassIncident => IncidentPriority.Critical,
        IncidentType.TrafficAccident or IncidentType.Fight or IncidentType.Medical => IncidentPriority.High,
        IncidentType.Theft or IncidentType.PublicUtility or IncidentType.Dispute => IncidentPriority.Medium,
        _ => IncidentPriority.Low,
    };
}
