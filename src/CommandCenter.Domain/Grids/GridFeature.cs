using NetTopologySuite.Geometries;

namespace CommandCenter.Domain.Grids;

// One grid as a user's file describes it, before validation. Geometry is lon/lat degrees and
// should be a Polygon or MultiPolygon; the validator says so when it is not.
public sealed record GridFeature(
    string Code,
    string Name,
    string CommunityCode,
    string CommunityName,
    string SubdistrictCode,
    string SubdistrictName,
    Geometry Geometry,
    string? WorkerName,
    string? WorkerPhone);

// FeatureIndex is the position in the list that was validated, or -1 when the problem belongs
// to no single grid (a hole in the coverage, a bad district boundary).
public sealed record GridProblem(string? Code, int FeatureIndex, string Message);

public sealed record GridValidationOptions
{
    // Two grids may share an edge; any common area above this is an overlap.
    public double OverlapToleranceSquareMeters { get; init; } = 50;

    // The bundled district boundary is quantised to 1/1024° (~100 m), so a grid map traced on a
    // finer base map leaves slivers along it; only larger gaps are holes.
    public double HoleToleranceSquareMeters { get; init; } = 500;

    // Same reason, the other way: how much of a grid may poke out past the district boundary.
    public double OutsideToleranceSquareMeters { get; init; } = 500;

    // The GB/T 2260 code every subdistrict code must start with. When null, the codes must
    // agree among themselves and the minority is reported.
    public string? DistrictCode { get; init; }
}
