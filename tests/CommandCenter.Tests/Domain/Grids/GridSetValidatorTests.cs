using System.Globalization;
using System.Text.RegularExpressions;
using CommandCenter.Domain.Grids;
using NetTopologySuite.Geometries;

namespace CommandCenter.Tests.Domain.Grids;

// A 0.01° × 0.01° district (about 960 m × 1110 m at 30.2°N) cut into four grids of one community:
//   01 | 02
//   ---+---
//   03 | 04
public partial class GridSetValidatorTests
{
    private const double W = 120.150, S = 30.220, E = 120.160, N = 30.230, MidX = 120.155, MidY = 30.225;
    private const string Community = "330102001001";
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    private static readonly Polygon District = Rect(W, S, E, N);
    private static readonly GridValidationOptions Options = new() { DistrictCode = "330102" };

    // m² per square degree at the district's latitude, as the validator's local approximation has it.
    private static readonly double SquareMetersPerSquareDegree =
        Math.Pow(Math.PI * 6_371_008.8 / 180, 2) * Math.Cos(30.225 * Math.PI / 180);

    private static Polygon Rect(double west, double south, double east, double north) => Factory.CreatePolygon(
    [
        new Coordinate(west, south), new Coordinate(east, south), new Coordinate(east, north),
        new Coordinate(west, north), new Coordinate(west, south),
    ]);

    private static GridFeature Grid(string sequence, Geometry geometry) =>
        new(Community + sequence, $"清波第1社区第{sequence}网格", Community, "清波第1社区", "330102001", "清波街道", geometry, null, null);

    private static List<GridFeature> Tiling() =>
    [
        Grid("01", Rect(W, MidY, MidX, N)),
        Grid("02", Rect(MidX, MidY, E, N)),
        Grid("03", Rect(W, S, MidX, MidY)),
        Grid("04", Rect(MidX, S, E, MidY)),
    ];

    private static double AreaIn(GridProblem problem) =>
        double.Parse(AreaPattern().Match(problem.Message).Groups[1].Value, CultureInfo.InvariantCulture);

    private static Coordinate LocationIn(GridProblem problem)
    {
        var match = LocationPattern().Match(problem.Message);
        Assert.True(match.Success, problem.Message);
        return new Coordinate(
            double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"(\d+) m²")]
    private static partial Regex AreaPattern();

    [GeneratedRegex(@"\((-?\d+\.\d+), (-?\d+\.\d+)\)")]
    private static partial Regex LocationPattern();

    [Fact]
    public void A_set_that_tiles_the_district_has_no_problems()
    {
        Assert.Empty(GridSetValidator.Validate(Tiling(), District, Options));
    }

    [Fact]
    public void A_multipolygon_grid_is_as_good_as_a_polygon()
    {
        var grids = Tiling();
        grids[0] = grids[0] with { Geometry = Factory.CreateMultiPolygon([Rect(W, MidY, MidX, N)]) };

        Assert.Empty(GridSetValidator.Validate(grids, District, Options));
    }

    [Fact]
    public void Two_overlapping_grids_are_reported_with_both_codes_and_the_overlap_area()
    {
        var grids = Tiling();
        grids[0] = grids[0] with { Geometry = Rect(W, MidY, MidX + 0.001, N) }; // 01 reaches 0.001° into 02

        var problem = Assert.Single(GridSetValidator.Validate(grids, District, Options));

        Assert.Equal("33010200100101", problem.Code);
        Assert.Equal(0, problem.FeatureIndex);
        Assert.Contains("33010200100101", problem.Message);
        Assert.Contains("33010200100102", problem.Message);
        Assert.Contains("overlap", problem.Message);
        var expected = 0.001 * (N - MidY) * SquareMetersPerSquareDegree; // about 53 400 m²
        Assert.InRange(AreaIn(problem), expected * 0.99, expected * 1.01);
    }

    [Fact]
    public void Grids_that_only_share_an_edge_or_overlap_within_the_tolerance_are_accepted()
    {
        var grids = Tiling();
        // A 0.00001° (about 1 m) strip of overlap along the 01|02 edge: ~550 m², under a 600 m² tolerance.
        grids[0] = grids[0] with { Geometry = Rect(W, MidY, MidX + 0.00001, N) };

        Assert.Empty(GridSetValidator.Validate(grids, District, Options with { OverlapToleranceSquareMeters = 600 }));
        Assert.Contains(GridSetValidator.Validate(grids, District, Options), p => p.Message.Contains("overlap", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_grid_leaves_a_hole_reported_with_its_location_area_and_neighbours()
    {
        var grids = Tiling();
        grids.RemoveAt(3); // 04, the south-east quarter

        var problem = Assert.Single(GridSetValidator.Validate(grids, District, Options));

        Assert.Null(problem.Code);
        Assert.Equal(-1, problem.FeatureIndex);
        Assert.StartsWith("hole", problem.Message, StringComparison.Ordinal);
        var at = LocationIn(problem);
        Assert.InRange(at.X, MidX, E);
        Assert.InRange(at.Y, S, MidY);
        var expected = (E - MidX) * (MidY - S) * SquareMetersPerSquareDegree;
        Assert.InRange(AreaIn(problem), expected * 0.99, expected * 1.01);
        Assert.Contains("next to 33010200100101, 33010200100102, 33010200100103", problem.Message);
    }

    [Fact]
    public void A_gap_smaller_than_the_hole_tolerance_is_accepted()
    {
        var grids = Tiling();
        // 04 pulled back 0.000002° (~20 cm) from the east edge: ~110 m² uncovered, under 500 m².
        grids[3] = grids[3] with { Geometry = Rect(MidX, S, E - 0.000002, MidY) };

        Assert.Empty(GridSetValidator.Validate(grids, District, Options));
        Assert.Single(GridSetValidator.Validate(grids, District, Options with { HoleToleranceSquareMeters = 50 }));
    }

    [Fact]
    public void A_grid_reaching_outside_the_district_is_named_with_the_area_outside()
    {
        var grids = Tiling();
        grids[1] = grids[1] with { Geometry = Rect(MidX, MidY, E + 0.001, N) };

        var problem = Assert.Single(GridSetValidator.Validate(grids, District, Options));

        Assert.Equal("33010200100102", problem.Code);
        Assert.Contains("outside the district", problem.Message);
        var at = LocationIn(problem);
        Assert.InRange(at.X, E, E + 0.001);
    }

    [Fact]
    public void A_bow_tie_grid_is_named_as_a_self_intersecting_polygon()
    {
        var grids = Tiling();
        grids[0] = grids[0] with
        {
            Geometry = Factory.CreatePolygon(
            [
                new Coordinate(W, MidY), new Coordinate(MidX, N), new Coordinate(MidX, MidY),
                new Coordinate(W, N), new Coordinate(W, MidY),
            ]),
        };

        var problems = GridSetValidator.Validate(grids, District, Options);

        var problem = Assert.Single(problems, p => p.Code == "33010200100101");
        Assert.Equal(0, problem.FeatureIndex);
        Assert.Contains("Self-intersection", problem.Message);
        Assert.Contains("bow-tie", problem.Message);
    }

    [Fact]
    public void A_grid_that_is_not_a_polygon_is_named()
    {
        var grids = Tiling();
        grids[2] = grids[2] with { Geometry = Factory.CreateLineString([new Coordinate(W, S), new Coordinate(MidX, MidY)]) };

        var problems = GridSetValidator.Validate(grids, District, Options);

        Assert.Contains(problems, p => p.Code == "33010200100103" && p.Message.Contains("LineString", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.StartsWith("hole", StringComparison.Ordinal)); // and its quarter is uncovered
    }

    [Fact]
    public void A_duplicate_code_names_the_code_and_the_feature_that_had_it_first()
    {
        var grids = Tiling();
        grids[3] = grids[3] with { Code = "33010200100102" };

        var problem = Assert.Single(GridSetValidator.Validate(grids, District, Options));

        Assert.Equal("33010200100102", problem.Code);
        Assert.Equal(3, problem.FeatureIndex);
        Assert.Contains("duplicate code 33010200100102", problem.Message);
        Assert.Contains("feature #1", problem.Message);
    }

    [Fact]
    public void A_grid_code_not_under_its_community_is_reported()
    {
        var grids = Tiling();
        grids[2] = grids[2] with { Code = "33010200100203" }; // community 002, but the grid says 001

        var problem = Assert.Single(GridSetValidator.Validate(grids, District, Options));

        Assert.Equal("33010200100203", problem.Code);
        Assert.Contains("not under its community 330102001001", problem.Message);
    }

    [Fact]
    public void A_malformed_grid_code_is_reported_with_the_expected_shape()
    {
        var grids = Tiling();
        grids[0] = grids[0] with { Code = "A-01" };

        var problem = Assert.Single(GridSetValidator.Validate(grids, District, Options));

        Assert.Contains("14 digits", problem.Message);
    }

    [Fact]
    public void A_grid_without_a_community_is_reported()
    {
        var grids = Tiling();
        grids[1] = grids[1] with { CommunityCode = "", CommunityName = " " };

        var problems = GridSetValidator.Validate(grids, District, Options);

        Assert.Contains(problems, p => p.Code == "33010200100102" && p.Message.StartsWith("missing community code", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Code == "33010200100102" && p.Message == "missing community name");
    }

    [Fact]
    public void A_community_outside_its_subdistrict_and_a_subdistrict_outside_the_district_are_reported()
    {
        var grids = Tiling();
        grids[0] = grids[0] with { SubdistrictCode = "330102002" };
        grids[1] = grids[1] with { SubdistrictCode = "330103001" };

        var problems = GridSetValidator.Validate(grids, District, Options);

        Assert.Contains(problems, p => p.FeatureIndex == 0 && p.Message.Contains("community 330102001001 is not under its subdistrict 330102002", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.FeatureIndex == 1 && p.Message.Contains("subdistrict 330103001 is not under district 330102", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_district_code_the_odd_one_out_is_reported_against_the_others()
    {
        var grids = Tiling();
        grids[1] = grids[1] with { SubdistrictCode = "330103001" };

        var problems = GridSetValidator.Validate(grids, District, new GridValidationOptions());

        Assert.Contains(problems, p => p.FeatureIndex == 1 && p.Message.Contains("not under district 330102, the district of the other grids", StringComparison.Ordinal));
    }

    [Fact]
    public void One_community_code_with_two_names_is_reported()
    {
        var grids = Tiling();
        grids[2] = grids[2] with { CommunityName = "清波第9社区" };

        var problem = Assert.Single(GridSetValidator.Validate(grids, District, Options));

        Assert.Equal("33010200100103", problem.Code);
        Assert.Contains("'清波第9社区' here but '清波第1社区' in grid 33010200100101", problem.Message);
    }

    [Fact]
    public void Projected_coordinates_are_refused_rather_than_measured_as_degrees()
    {
        var grids = Tiling();
        grids[0] = grids[0] with { Geometry = Rect(40_500_000, 3_345_000, 40_500_400, 3_345_400) }; // a CGCS2000 3° zone

        var problems = GridSetValidator.Validate(grids, District, Options);

        Assert.Contains(problems, p => p.Code == "33010200100101" && p.Message.Contains("not longitude/latitude", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invalid_district_boundary_is_reported_instead_of_measuring_against_it()
    {
        var bowTie = Factory.CreatePolygon([new Coordinate(W, S), new Coordinate(E, N), new Coordinate(E, S), new Coordinate(W, N), new Coordinate(W, S)]);

        var problem = Assert.Single(GridSetValidator.Validate(Tiling(), bowTie, Options));

        Assert.Equal(-1, problem.FeatureIndex);
        Assert.Contains("district boundary", problem.Message);
    }

    [Fact]
    public void A_negative_tolerance_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => GridSetValidator.Validate(Tiling(), District, Options with { HoleToleranceSquareMeters = -1 }));
    }
}
