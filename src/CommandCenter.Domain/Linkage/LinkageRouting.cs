namespace CommandCenter.Domain.Linkage;

// A linkage unit that could take an alert: the categories it handles, the size of the area it
// covers, and whether that area covers the alert's location (PostGIS answers the last two).
public sealed record RoutingCandidate(long UnitId, string Name, IReadOnlyCollection<string> Categories, double AreaSquareMeters, bool CoversLocation);

public static class LinkageRouting
{
    // The unit that handles the category and covers the place, the most specific (smallest) area
    // first: a subdistrict's water team before the city's water company. None: the duty officer's.
    public static RoutingCandidate? Choose(string category, IEnumerable<RoutingCandidate> candidates) =>
        candidates
            .Where(c => c.CoversLocation && c.Categories.Contains(category, StringComparer.Ordinal))
            .OrderBy(c => c.AreaSquareMeters)
            .ThenBy(c => c.UnitId)
            .FirstOrDefault();
}
