using System.Globalization;
using CommandCenter.Domain.Grids;
using NetTopologySuite.Geometries;

namespace CommandCenter.GridGen;

// Groups lattice cells into communities and communities into subdistricts, then numbers and
// names everything. All of it is synthetic demo data: the subdistrict names are the real pre-2021
// 上城区 ones, placed roughly where they lie, but every shape, code below the district, community
// name and worker label is made up.
internal static class Territory
{
    private const int BlockSize = 3;        // a community starts as a 3×3 block of cells
    private const int MinCommunityGrids = 4;
    private const int MaxCommunityGrids = 14;

    // Sequence numbers are ours (001…006), not GB/T 10114 codes. Seeds are approximate centres.
    private static readonly (string Name, double Longitude, double Latitude)[] Subdistricts =
    [
        ("清波街道", 120.160, 30.240),
        ("湖滨街道", 120.164, 30.254),
        ("小营街道", 120.180, 30.254),
        ("南星街道", 120.153, 30.214),
        ("紫阳街道", 120.176, 30.236),
        ("望江街道", 120.198, 30.240),
    ];

    public static IReadOnlyList<GridFeature> Plan(District district, Lattice lattice)
    {
        var cells = lattice.Cells;
        var shared = SharedEdges(cells);
        var communities = GroupIntoCommunities(cells, shared);
        var regions = GrowSubdistricts(communities, cells, shared);

        var grids = new List<GridFeature>();
        for (var s = 0; s < Subdistricts.Length; s++)
        {
            var subdistrictName = Subdistricts[s].Name;
            var subdistrictCode = GridCodes.Subdistrict(district.Code, s + 1);
            var shortName = subdistrictName.Replace("街道", "", StringComparison.Ordinal);
            var mine = communities.Where((_, c) => regions[c] == s).ToList();
            var communityNumbers = GridNumbering.Number(
                mine.Select(m => (Geometry)Combined(m.Select(i => cells[i].Shape))).ToList(), BlockSize * lattice.CellHeight, lattice.North);

            for (var c = 0; c < mine.Count; c++)
            {
                var communityNumber = communityNumbers[c];
                var communityCode = GridCodes.Community(subdistrictCode, communityNumber);
                var communityName = $"{shortName}第{communityNumber}社区";
                var members = mine[c];
                var gridNumbers = GridNumbering.Number(members.Select(i => (Geometry)cells[i].Shape).ToList(), lattice.CellHeight, lattice.North);
                for (var g = 0; g < members.Count; g++)
                {
                    var n = gridNumbers[g];
                    grids.Add(new GridFeature(
                        GridCodes.Grid(communityCode, n),
                        string.Create(CultureInfo.InvariantCulture, $"{communityName}第{n:D2}网格"),
                        communityCode,
                        communityName,
                        subdistrictCode,
                        subdistrictName,
                        district.Boundary.Factory.CreateMultiPolygon([cells[members[g]].Shape]),
                        string.Create(CultureInfo.InvariantCulture, $"网格员 {s + 1:D2}{communityNumber:D2}-{n:D2}"),
                        null));
                }
            }
        }
        return grids;
    }

    // Shared edge length between every pair of cells that touch along an edge.
    private static Dictionary<(int, int), double> SharedEdges(IReadOnlyList<Cell> cells)
    {
        var shared = new Dictionary<(int, int), double>();
        for (var a = 0; a < cells.Count; a++)
            for (var b = a + 1; b < cells.Count; b++)
            {
                var length = CellLattice.SharedEdgeLength(cells[a].Shape, cells[b].Shape);
                if (length > 0) shared[(a, b)] = shared[(b, a)] = length;
            }
        return shared;
    }

    // Connected runs of cells inside each 3×3 block; then a community with too few grids joins the
    // neighbour it shares the longest boundary with, so communities stay contiguous.
    private static List<List<int>> GroupIntoCommunities(IReadOnlyList<Cell> cells, Dictionary<(int, int), double> shared)
    {
        var communities = new List<List<int>>();
        var byBlock = Enumerable.Range(0, cells.Count)
            .GroupBy(i => (cells[i].Row / BlockSize, cells[i].Column / BlockSize))
            .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Item2);
        foreach (var block in byBlock)
        {
            var left = block.ToList();
            while (left.Count > 0)
            {
                var component = new List<int> { left[0] };
                left.RemoveAt(0);
                for (var k = 0; k < component.Count; k++)
                {
                    var touching = left.Where(j => shared.ContainsKey((component[k], j))).ToList();
                    component.AddRange(touching);
                    left.RemoveAll(touching.Contains);
                }
                component.Sort();
                communities.Add(component);
            }
        }

        var settled = new HashSet<List<int>>();
        while (true)
        {
            var small = communities.Where(c => c.Count < MinCommunityGrids && !settled.Contains(c))
                .OrderBy(c => c.Count).ThenBy(c => c[0]).FirstOrDefault();
            if (small is null) return communities;
            var target = communities
                .Where(c => c != small && c.Count + small.Count <= MaxCommunityGrids)
                .Select(c => (Community: c, Shared: small.Sum(i => c.Sum(j => shared.GetValueOrDefault((i, j))))))
                .Where(n => n.Shared > 0)
                .OrderByDescending(n => n.Shared).ThenBy(n => n.Community[0])
                .Select(n => n.Community)
                .FirstOrDefault();
            if (target is null)
            {
                settled.Add(small);
                continue;
            }
            target.AddRange(small);
            target.Sort();
            communities.Remove(small);
        }
    }

    // Each subdistrict starts at the community nearest its seed and grows over shared boundaries;
    // the one with the fewest grids so far always takes the next step, which keeps them similar in
    // size and contiguous.
    private static int[] GrowSubdistricts(List<List<int>> communities, IReadOnlyList<Cell> cells, Dictionary<(int, int), double> shared)
    {
        var centres = communities.Select(c => Combined(c.Select(i => cells[i].Shape)).Centroid.Coordinate).ToList();
        var touching = communities.Select(a => communities.Select(b => a != b && a.Any(i => b.Any(j => shared.ContainsKey((i, j))))).ToArray()).ToArray();
        var region = Enumerable.Repeat(-1, communities.Count).ToArray();
        var size = new int[Subdistricts.Length];

        double Distance(int community, int subdistrict)
        {
            var (_, lon, lat) = Subdistricts[subdistrict];
            var dx = (centres[community].X - lon) * Math.Cos(lat * Math.PI / 180);
            var dy = centres[community].Y - lat;
            return dx * dx + dy * dy;
        }
        void Assign(int community, int subdistrict)
        {
            region[community] = subdistrict;
            size[subdistrict] += communities[community].Count;
        }

        for (var s = 0; s < Subdistricts.Length; s++)
        {
            var seed = Enumerable.Range(0, communities.Count).Where(c => region[c] < 0)
                .OrderBy(c => Distance(c, s)).ThenBy(c => c).First();
            Assign(seed, s);
        }

        while (region.Any(r => r < 0))
        {
            var step = Enumerable.Range(0, Subdistricts.Length)
                .OrderBy(s => size[s]).ThenBy(s => s)
                .Select(s => (Subdistrict: s, Candidates: Enumerable.Range(0, communities.Count)
                    .Where(c => region[c] < 0 && Enumerable.Range(0, communities.Count).Any(o => region[o] == s && touching[o][c]))
                    .OrderBy(c => Distance(c, s)).ThenBy(c => c).ToList()))
                .FirstOrDefault(x => x.Candidates.Count > 0);
            if (step.Candidates is null)
            {
                // A piece of the district no subdistrict touches: give it to the nearest seed.
                var orphan = Array.IndexOf(region, -1);
                Assign(orphan, Enumerable.Range(0, Subdistricts.Length).OrderBy(s => Distance(orphan, s)).First());
                continue;
            }
            Assign(step.Candidates[0], step.Subdistrict);
        }
        return region;
    }

    // The cells of a community tile it, so their MultiPolygon has the community's centroid and extent.
    private static MultiPolygon Combined(IEnumerable<Polygon> polygons)
    {
        var array = polygons.ToArray();
        return array[0].Factory.CreateMultiPolygon(array);
    }
}
