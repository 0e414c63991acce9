using NetTopologySuite.Geometries;

namespace CommandCenter.Domain.Grids;

// Numbers the grids of one community the way CJ/T 349-2010 reads a map: left→right, top→bottom.
// Rows are latitude bands of a fixed height counted down from a northern edge; a grid sits in the
// band of its centroid, and within a row grids go west→east by centroid longitude.
public static class GridNumbering
{
    // Returns the 1-based number of each grid, in the order the grids were given. northEdge
    // anchors the bands (a generator passes its lattice's top); by default it is the top of the
    // grids' combined envelope.
    public static IReadOnlyList<int> Number(IReadOnlyList<Geometry> grids, double rowHeightDegrees, double? northEdge = null)
    {
        ArgumentNullException.ThrowIfNull(grids);
        if (!double.IsFinite(rowHeightDegrees) || rowHeightDegrees <= 0)
            throw new ArgumentOutOfRangeException(nameof(rowHeightDegrees), rowHeightDegrees, "The row height must be a positive number of degrees.");
        if (grids.Count == 0) return [];

        var top = northEdge ?? grids.Max(g => g.EnvelopeInternal.MaxY);
        var keyed = grids.Select((grid, index) =>
        {
            var centroid = grid.Centroid.Coordinate;
            // The epsilon keeps a centroid lying exactly on a band line in the band below it,
            // whatever the last bit of the division says.
            var row = (int)Math.Floor((top - centroid.Y) / rowHeightDegrees + 1e-9);
            return (Index: index, Row: row, centroid.X, centroid.Y);
        });

        var numbers = new int[grids.Count];
        var next = 1;
        foreach (var grid in keyed.OrderBy(k => k.Row).ThenBy(k => k.X).ThenByDescending(k => k.Y).ThenBy(k => k.Index))
            numbers[grid.Index] = next++;
        return numbers;
    }
}
