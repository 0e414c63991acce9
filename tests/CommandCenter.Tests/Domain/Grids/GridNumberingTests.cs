using CommandCenter.Domain.Grids;
using NetTopologySuite.Geometries;

namespace CommandCenter.Tests.Domain.Grids;

public class GridNumberingTests
{
    private const double Size = 0.004;
    private const double North = 30.26;
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    // The cell in lattice row r (0 = north) and column c (0 = west), optionally only its southern part.
    private static Polygon Cell(int row, int column, double heightShare = 1)
    {
        double west = 120.15 + column * Size, east = west + Size;
        double north = North - row * Size, south = north - Size;
        north = south + Size * heightShare;
        return Factory.CreatePolygon(
        [
            new Coordinate(west, south), new Coordinate(east, south), new Coordinate(east, north),
            new Coordinate(west, north), new Coordinate(west, south),
        ]);
    }

    [Fact]
    public void Grids_are_numbered_west_to_east_then_north_to_south_whatever_order_they_come_in()
    {
        // Given shuffled: (1,2) (0,1) (1,0) (0,0) (0,2) (1,1)
        Geometry[] grids = [Cell(1, 2), Cell(0, 1), Cell(1, 0), Cell(0, 0), Cell(0, 2), Cell(1, 1)];

        var numbers = GridNumbering.Number(grids, Size, North);

        Assert.Equal([6, 2, 4, 1, 3, 5], numbers);
    }

    [Fact]
    public void A_clipped_grid_stays_in_the_row_of_its_band_even_if_its_centroid_is_low()
    {
        // The north-west cell is only its southern fifth; its centroid is still in band 0, so it is
        // number 1, not after the full cell east of it.
        Geometry[] grids = [Cell(0, 1), Cell(0, 0, heightShare: 0.2), Cell(1, 0)];

        Assert.Equal([2, 1, 3], GridNumbering.Number(grids, Size, North));
    }

    [Fact]
    public void Without_a_north_edge_the_bands_start_at_the_top_of_the_grids()
    {
        Geometry[] grids = [Cell(3, 1), Cell(2, 5), Cell(3, 0)];

        Assert.Equal([3, 1, 2], GridNumbering.Number(grids, Size));
    }

    [Fact]
    public void No_grids_get_no_numbers_and_a_row_height_must_be_positive()
    {
        Assert.Empty(GridNumbering.Number([], Size));
        Assert.Throws<ArgumentOutOfRangeException>(() => GridNumbering.Number([Cell(0, 0)], 0));
    }
}
