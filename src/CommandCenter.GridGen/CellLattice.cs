using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Precision;

namespace CommandCenter.GridGen;

// One grid-to-be: a lattice cell clipped to the district, perhaps with slivers merged into it.
// Row and Column are the lattice position it started from (row 0 is the northernmost).
internal sealed class Cell(Polygon shape, int row, int column)
{
    public Polygon Shape { get; set; } = shape;
    public int Row { get; } = row;
    public int Column { get; } = column;
}

internal sealed record Lattice(double West, double North, double CellWidth, double CellHeight, IReadOnlyList<Cell> Cells);

// Lays square cells of about CellMeters over the district and clips them to it. Everything is
// computed on a 1e-7° grid (about 1 cm) with snap-rounding overlay, so neighbouring cells share
// their edges exactly and the file can be written with 7 decimals without moving any vertex.
internal static class CellLattice
{
    public const double CellMeters = 400;
    public const double SliverShare = 0.2;
    public static readonly PrecisionModel Precision = new(1e7);
    private const double MetersPerDegree = Math.PI * 6_371_008.8 / 180;

    public static Lattice Create(Geometry district)
    {
        var boundary = GeometryPrecisionReducer.Reduce(district, Precision);
        var envelope = boundary.EnvelopeInternal;
        // Rounded so the lattice lines, not just the output, sit on the 1e-7° grid.
        var height = Math.Round(CellMeters / MetersPerDegree, 7);
        var width = Math.Round(height / Math.Cos(envelope.Centre.Y * Math.PI / 180), 7);
        var west = Math.Floor(envelope.MinX * 1e7) / 1e7;
        var north = Math.Ceiling(envelope.MaxY * 1e7) / 1e7;
        var columns = (int)Math.Ceiling((envelope.MaxX - west) / width);
        var rows = (int)Math.Ceiling((north - envelope.MinY) / height);

        double X(int column) => Math.Round(west + column * width, 7);
        double Y(int row) => Math.Round(north - row * height, 7);

        var factory = boundary.Factory;
        var prepared = PreparedGeometryFactory.Prepare(boundary);
        var cells = new List<Cell>();
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                var rectangle = factory.CreatePolygon(
                [
                    new Coordinate(X(column), Y(row)), new Coordinate(X(column), Y(row + 1)),
                    new Coordinate(X(column + 1), Y(row + 1)), new Coordinate(X(column + 1), Y(row)),
                    new Coordinate(X(column), Y(row)),
                ]);
                if (prepared.Disjoint(rectangle)) continue;
                var clipped = prepared.Contains(rectangle)
                    ? rectangle
                    : OverlayNG.Overlay(rectangle, boundary, SpatialFunction.Intersection, Precision);
                // The district can cut one cell into separate pieces; each is its own candidate grid.
                foreach (var piece in Polygons(clipped))
                    cells.Add(new Cell(piece, row, column));
            }
        }

        MergeSlivers(cells, SliverShare * width * height);
        return new Lattice(west, north, width, height, cells);
    }

    // A clipped cell smaller than SliverShare of a full cell joins the neighbour it shares the
    // longest edge with; smallest first, until none is left that has a neighbour.
    private static void MergeSlivers(List<Cell> cells, double threshold)
    {
        var alone = new HashSet<Cell>();
        while (true)
        {
            var sliver = cells.Where(c => c.Shape.Area < threshold && !alone.Contains(c))
                .OrderBy(c => c.Shape.Area).ThenBy(c => c.Row).ThenBy(c => c.Column)
                .FirstOrDefault();
            if (sliver is null) return;

            var target = cells.Where(c => c != sliver)
                .Select(c => (Cell: c, Shared: SharedEdgeLength(c.Shape, sliver.Shape)))
                .Where(n => n.Shared > 0)
                .OrderByDescending(n => n.Shared).ThenBy(n => n.Cell.Row).ThenBy(n => n.Cell.Column)
                .Select(n => n.Cell)
                .FirstOrDefault();
            if (target is null)
            {
                alone.Add(sliver);
                continue;
            }
            var merged = Polygons(OverlayNG.Overlay(target.Shape, sliver.Shape, SpatialFunction.Union, Precision)).ToList();
            if (merged.Count != 1) throw new InvalidOperationException($"Merging the sliver at row {sliver.Row}, column {sliver.Column} did not give one polygon.");
            target.Shape = merged[0];
            cells.Remove(sliver);
        }
    }

    public static double SharedEdgeLength(Geometry a, Geometry b) =>
        a.EnvelopeInternal.Intersects(b.EnvelopeInternal)
            ? OverlayNG.Overlay(a.Boundary, b.Boundary, SpatialFunction.Intersection, Precision).Length
            : 0;

    public static IEnumerable<Polygon> Polygons(Geometry geometry)
    {
        for (var i = 0; i < geometry.NumGeometries; i++)
            if (geometry.GetGeometryN(i) is Polygon { IsEmpty: false } polygon) yield return polygon;
    }
}
