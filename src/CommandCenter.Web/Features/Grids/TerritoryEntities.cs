using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Grids;

// The four-level territory: district → subdistrict → community → grid. Codes are the keys
// (national practice: 6 + 3 + 3 + 2 digits), so a code alone names a place in the chain.
public sealed class District
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required MultiPolygon Boundary { get; set; }
}

public sealed class Subdistrict
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string DistrictCode { get; set; }
    public MultiPolygon? Boundary { get; set; }
}

public sealed class Community
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string SubdistrictCode { get; set; }
    public MultiPolygon? Boundary { get; set; }
}

public sealed class Grid
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string CommunityCode { get; set; }
    public required MultiPolygon Boundary { get; set; }
}

public sealed class GridWorker
{
    public long Id { get; set; }
    public required string GridCode { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public string? Phone { get; set; }
}
