namespace CommandCenter.Web.Features.Incidents;

public static class IncidentPlace
{
    // "Community · Grid" — but grid names usually already start with their community's name;
    // don't say it twice.
    public static string Of(IncidentView i, string outsideDistrict) =>
        i.GridName is null ? outsideDistrict
        : i.CommunityName is { Length: > 0 } c && !i.GridName.StartsWith(c, StringComparison.Ordinal) ? $"{c} · {i.GridName}"
        : i.GridName;
}
