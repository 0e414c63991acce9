using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Valid;

namespace CommandCenter.Domain.Grids;

// Checks that a grid set tiles its district (横向到边、纵向到底): every grid a valid polygon with a
// well-formed code under its community, subdistrict and district, no two grids sharing area, no
// part of the district in no grid, no grid outside the district. Everything wrong is reported at
// once, each problem naming the grid codes involved, so a file can be fixed in one pass.
public static class GridSetValidator
{
    private const int MaxNeighboursNamed = 6;

    public static IReadOnlyList<GridProblem> Validate(IReadOnlyList<GridFeature> grids, Geometry district, GridValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(grids);
        ArgumentNullException.ThrowIfNull(district);
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);

        var problems = new List<GridProblem>();
        CheckCodes(grids, options, problems);
        var shapes = CheckGeometries(grids, problems);

        var districtProblem = DescribeDistrictProblem(district);
        if (districtProblem is not null)
        {
            problems.Add(new GridProblem(options.DistrictCode, -1, districtProblem));
            return problems;
        }

        var scale = new AreaScale(district.EnvelopeInternal.Centre.Y);
        var index = new STRtree<int>();
        for (var i = 0; i < shapes.Length; i++)
            if (shapes[i] is { } shape) index.Insert(shape.EnvelopeInternal, i);
        index.Build();

        CheckOverlaps(grids, shapes, index, scale, options, problems);
        CheckOutside(grids, shapes, district, scale, options, problems);
        CheckHoles(grids, shapes, index, district, scale, options, problems);
        return problems;
    }

    private static void CheckOptions(GridValidationOptions options)
    {
        static void NonNegative(double value, string name)
        {
            if (!double.IsFinite(value) || value < 0) throw new ArgumentException($"{name} must be a finite number ≥ 0 (got {value}).", nameof(options));
        }
        NonNegative(options.OverlapToleranceSquareMeters, nameof(options.OverlapToleranceSquareMeters));
        NonNegative(options.HoleToleranceSquareMeters, nameof(options.HoleToleranceSquareMeters));
        NonNegative(options.OutsideToleranceSquareMeters, nameof(options.OutsideToleranceSquareMeters));
        if (options.DistrictCode is not null && !GridCodes.IsDistrictCode(options.DistrictCode))
            throw new ArgumentException($"'{options.DistrictCode}' is not a 6-digit district code.", nameof(options));
    }

    private static void CheckCodes(IReadOnlyList<GridFeature> grids, GridValidationOptions options, List<GridProblem> problems)
    {
        var districtCode = options.DistrictCode ?? MostCommonDistrict(grids);
        var firstWithCode = new Dictionary<string, int>(StringComparer.Ordinal);
        var communities = new Dictionary<string, int>(StringComparer.Ordinal);
        var subdistricts = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < grids.Count; i++)
        {
            var grid = grids[i];
            var index = i;
            void Add(string message) => problems.Add(new GridProblem(CodeOrNull(grid.Code), index, message));

            var code = grid.Code;
            var community = grid.CommunityCode;
            var subdistrict = grid.SubdistrictCode;

            if (string.IsNullOrWhiteSpace(code)) Add("missing grid code");
            else if (!GridCodes.IsGridCode(code))
                Add($"code '{code}' is not a grid code: 14 digits = district 6 + subdistrict 3 + community 3 + grid 2 (CJ/T 349-2010)");
            else if (!firstWithCode.TryAdd(code, i))
                Add($"duplicate code {code}: feature #{firstWithCode[code]} has it too");

            if (string.IsNullOrWhiteSpace(grid.Name)) Add("missing grid name");

            if (string.IsNullOrWhiteSpace(community)) Add("missing community code: every grid belongs to a community");
            else if (!GridCodes.IsCommunityCode(community)) Add($"community code '{community}' is not a 12-digit community code");
            else if (GridCodes.IsGridCode(code) && !GridCodes.IsDirectlyUnder(code, community))
                Add($"grid code {code} is not under its community {community}: it must start with the community's 12 digits");
            if (string.IsNullOrWhiteSpace(grid.CommunityName)) Add("missing community name");

            if (string.IsNullOrWhiteSpace(subdistrict)) Add("missing subdistrict code");
            else if (!GridCodes.IsSubdistrictCode(subdistrict)) Add($"subdistrict code '{subdistrict}' is not a 9-digit subdistrict code");
            else
            {
                if (GridCodes.IsCommunityCode(community) && !GridCodes.IsDirectlyUnder(community, subdistrict))
                    Add($"community {community} is not under its subdistrict {subdistrict}: it must start with the subdistrict's 9 digits");
                if (districtCode is not null && !GridCodes.IsDirectlyUnder(subdistrict, districtCode))
                    Add(options.DistrictCode is null
                        ? $"subdistrict {subdistrict} is not under district {districtCode}, the district of the other grids"
                        : $"subdistrict {subdistrict} is not under district {districtCode}");
            }
            if (string.IsNullOrWhiteSpace(grid.SubdistrictName)) Add("missing subdistrict name");

            // One community (or subdistrict) code, one name and one parent: the importer keeps only one.
            if (GridCodes.IsCommunityCode(community) && !communities.TryAdd(community, i))
            {
                var first = grids[communities[community]];
                if (!string.Equals(first.CommunityName, grid.CommunityName, StringComparison.Ordinal))
                    Add($"community {community} is named '{grid.CommunityName}' here but '{first.CommunityName}' in grid {Label(grids, communities[community])}");
                if (!string.Equals(first.SubdistrictCode, subdistrict, StringComparison.Ordinal))
                    Add($"community {community} is in subdistrict {subdistrict} here but {first.SubdistrictCode} in grid {Label(grids, communities[community])}");
            }
            if (GridCodes.IsSubdistrictCode(subdistrict) && !subdistricts.TryAdd(subdistrict, i))
            {
                var first = grids[subdistricts[subdistrict]];
                if (!string.Equals(first.SubdistrictName, grid.SubdistrictName, StringComparison.Ordinal))
                    Add($"subdistrict {subdistrict} is named '{grid.SubdistrictName}' here but '{first.SubdistrictName}' in grid {Label(grids, subdistricts[subdistrict])}");
            }
        }
    }

    private static string? MostCommonDistrict(IReadOnlyList<GridFeature> grids) =>
        grids.Select(g => g.SubdistrictCode)
            .Where(GridCodes.IsSubdistrictCode)
            .GroupBy(GridCodes.DistrictOf, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault();

    // Returns, per grid, the polygonal shape to use for the coverage checks, or null for a grid
    // that has none. A self-intersecting grid is reported, then repaired for the coverage checks
    // so that it does not also show up as a hole or overlap that is only an artefact of the defect.
    private static Geometry?[] CheckGeometries(IReadOnlyList<GridFeature> grids, List<GridProblem> problems)
    {
        var shapes = new Geometry?[grids.Count];
        for (var i = 0; i < grids.Count; i++)
        {
            var grid = grids[i];
            var problem = DescribeGeometryProblem(grid.Geometry, out var usable);
            if (problem is not null) problems.Add(new GridProblem(CodeOrNull(grid.Code), i, problem));
            shapes[i] = usable;
        }
        return shapes;
    }

    private static string? DescribeGeometryProblem(Geometry? geometry, out Geometry? usable)
    {
        usable = null;
        if (geometry is null) return "missing geometry";
        if (geometry is not (Polygon or MultiPolygon)) return $"geometry is a {geometry.GeometryType}, not a Polygon or MultiPolygon";
        if (geometry.IsEmpty) return "geometry is empty";

        var error = new IsValidOp(geometry).ValidationError;
        if (error is not null)
        {
            if (error.ErrorType != TopologyValidationErrors.InvalidCoordinate)
            {
                var fixedShape = GeometryFixer.Fix(geometry);
                if (!fixedShape.IsEmpty && IsLonLat(fixedShape.EnvelopeInternal)) usable = fixedShape;
            }
            var at = error.Coordinate is { } c && double.IsFinite(c.X) && double.IsFinite(c.Y) ? $" at {Where(c)}" : "";
            var hint = error.ErrorType is TopologyValidationErrors.SelfIntersection or TopologyValidationErrors.RingSelfIntersection
                ? " (a boundary crosses itself, e.g. a bow-tie)"
                : "";
            return $"invalid polygon: {error.Message}{at}{hint}";
        }
        if (!IsLonLat(geometry.EnvelopeInternal))
            return Invariant($"coordinates are not longitude/latitude degrees (x {geometry.EnvelopeInternal.MinX:0.###}..{geometry.EnvelopeInternal.MaxX:0.###}); reproject the file to lon/lat first");
        usable = geometry;
        return null;
    }

    private static string? DescribeDistrictProblem(Geometry district)
    {
        var problem = DescribeGeometryProblem(district, out var usable);
        return problem is null && usable is not null ? null : $"the district boundary cannot be used: {problem}";
    }

    private static void CheckOverlaps(
        IReadOnlyList<GridFeature> grids, Geometry?[] shapes, STRtree<int> index, AreaScale scale,
        GridValidationOptions options, List<GridProblem> problems)
    {
        for (var i = 0; i < shapes.Length; i++)
        {
            if (shapes[i] is not { } shape) continue;
            var prepared = PreparedGeometryFactory.Prepare(shape);
            foreach (var j in index.Query(shape.EnvelopeInternal).Where(j => j > i).Order())
            {
                var other = shapes[j]!;
                if (!prepared.Intersects(other)) continue;
                var common = OverlayNGRobust.Overlay(shape, other, SpatialFunction.Intersection);
                var squareMeters = scale.SquareMeters(common);
                if (squareMeters > options.OverlapToleranceSquareMeters)
                    problems.Add(new GridProblem(CodeOrNull(grids[i].Code), i, Invariant(
                        $"grids {Label(grids, i)} and {Label(grids, j)} overlap by {squareMeters:0} m² around {Where(common.InteriorPoint.Coordinate)}")));
            }
        }
    }

    private static void CheckOutside(
        IReadOnlyList<GridFeature> grids, Geometry?[] shapes, Geometry district, AreaScale scale,
        GridValidationOptions options, List<GridProblem> problems)
    {
        var preparedDistrict = PreparedGeometryFactory.Prepare(district);
        for (var i = 0; i < shapes.Length; i++)
        {
            if (shapes[i] is not { } shape || preparedDistrict.Covers(shape)) continue;
            var outside = OverlayNGRobust.Overlay(shape, district, SpatialFunction.Difference);
            var squareMeters = scale.SquareMeters(outside);
            if (squareMeters > options.OutsideToleranceSquareMeters)
                problems.Add(new GridProblem(CodeOrNull(grids[i].Code), i, Invariant(
                    $"grid {Label(grids, i)} has {squareMeters:0} m² outside the district, around {Where(outside.InteriorPoint.Coordinate)}")));
        }
    }

    private static void CheckHoles(
        IReadOnlyList<GridFeature> grids, Geometry?[] shapes, STRtree<int> index, Geometry district, AreaScale scale,
        GridValidationOptions options, List<GridProblem> problems)
    {
        var present = shapes.OfType<Geometry>().ToList();
        var uncovered = present.Count == 0
            ? district
            : OverlayNGRobust.Overlay(district, OverlayNGRobust.Union(present, district.Factory), SpatialFunction.Difference);

        var holes = PolygonExtracter.GetPolygons(uncovered)
            .Select(hole => (Hole: hole, SquareMeters: scale.SquareMeters(hole)))
            .Where(h => h.SquareMeters > options.HoleToleranceSquareMeters)
            .OrderByDescending(h => h.SquareMeters);
        foreach (var (hole, squareMeters) in holes)
        {
            // The hole's edges are its neighbours' edges; a centimetre of slack absorbs rounding.
            var neighbours = index.Query(hole.EnvelopeInternal)
                .Where(j => shapes[j]!.IsWithinDistance(hole, 1e-7))
                .Select(j => Label(grids, j))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            var next = neighbours.Count == 0 ? ""
                : neighbours.Count <= MaxNeighboursNamed ? $", next to {string.Join(", ", neighbours)}"
                : $", next to {string.Join(", ", neighbours.Take(MaxNeighboursNamed))} and {neighbours.Count - MaxNeighboursNamed} more";
            problems.Add(new GridProblem(null, -1, Invariant(
                $"hole: {squareMeters:0} m² of the district is in no grid, around {Where(hole.InteriorPoint.Coordinate)}{next}")));
        }
    }

    private static bool IsLonLat(Envelope e) => e.MinX >= -180 && e.MaxX <= 180 && e.MinY >= -90 && e.MaxY <= 90;

    private static string? CodeOrNull(string? code) => string.IsNullOrWhiteSpace(code) ? null : code;

    private static string Label(IReadOnlyList<GridFeature> grids, int index) =>
        CodeOrNull(grids[index].Code) ?? $"feature #{index}";

    // Longitude first, as in GeoJSON; 6 decimals is about 0.1 m.
    private static string Where(Coordinate c) => Invariant($"({c.X:0.000000}, {c.Y:0.000000})");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // Grids are a few hundred metres across inside one district, so a local equirectangular
    // projection at the district's latitude gives their areas to well under 1%; no projection library needed.
    private sealed class AreaScale(double latitude)
    {
        private const double MetersPerDegree = Math.PI * 6_371_008.8 / 180;
        private readonly double _squareMetersPerSquareDegree = MetersPerDegree * MetersPerDegree * Math.Cos(latitude * Math.PI / 180);

        public double SquareMeters(Geometry geometry) => geometry.Area * _squareMetersPerSquareDegree;
    }
}
