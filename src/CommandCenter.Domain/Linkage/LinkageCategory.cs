namespace CommandCenter.Domain.Linkage;

// The agencies a 110 linkage alert can be handed to. Stored and sent by code, never by ordinal.
public enum LinkageCategory
{
    Water,
    Power,
    Gas,
    Heating,
    Roads,
    UrbanManagement,
    CivilAffairs,
    Medical,
    Animals,
    Other,
}

public static class LinkageCategories
{
    private static readonly Dictionary<string, LinkageCategory> ByCode = Enum.GetValues<LinkageCategory>()
        .ToDictionary(ToCode, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> Codes => ByCode.Keys;

    public static string ToCode(LinkageCategory category) => category switch
    {
        LinkageCategory.UrbanManagement => "urban_management",
        LinkageCategory.CivilAffairs => "civil_affairs",
        _ => category.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string? code, out LinkageCategory category) =>
        ByCode.TryGetValue(code?.Trim() ?? "", out category);

    // The incident type an alert becomes when the center takes it on as its own case (转为警情).
    public static Incidents.IncidentType IncidentTypeOf(LinkageCategory category) => category switch
    {
        LinkageCategory.Water or LinkageCategory.Power or LinkageCategory.Gas or LinkageCategory.Heating => Incidents.IncidentType.PublicUtility,
        LinkageCategory.Roads or LinkageCategory.UrbanManagement => Incidents.IncidentType.UrbanManagement,
        LinkageCategory.Medical => Incidents.IncidentType.Medical,
        _ => Incidents.IncidentType.Other,
    };
}
