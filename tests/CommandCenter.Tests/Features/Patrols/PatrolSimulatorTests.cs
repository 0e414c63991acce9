using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Patrols;
using NetTopologySuite.Geometries;

namespace CommandCenter.Tests.Features.Patrols;

public class PatrolSimulatorTests
{
    // A 3 km × 2 km L-shaped district: not convex, like the real one.
    private static readonly Geometry District = new GeometryFactory(new PrecisionModel(), 4326).CreatePolygon(
    [
        new(120.15, 30.22), new(120.18, 30.22), new(120.18, 30.23), new(120.165, 30.23),
        new(120.165, 30.24), new(120.15, 30.24), new(120.15, 30.22),
    ]);

    [Fact]
    public void Simulated_units_move_at_realistic_speeds_and_stay_inside_a_non_convex_district()
    {
        var simulator = new PatrolSimulator(District, new Random(7));
        var now = DateTimeOffset.UnixEpoch;
        for (var i = 1; i <= 60; i++) simulator.Add($"d{i}", PatrolSimulator.KindFor(i), now);

        for (var step = 0; step < 600; step++) // ten minutes in 1 s steps
        {
            foreach (var unit in simulator.Units)
            {
                var (lat, lon) = (unit.Lat, unit.Lon);
                simulator.Advance(unit, TimeSpan.FromSeconds(1));
                var moved = Geo.DistanceMeters(lat, lon, unit.Lat, unit.Lon);
                Assert.True(moved <= (unit.Kind == UnitKind.Vehicle ? 12.01 : 1.61), $"{unit.Kind} moved {moved:0.0} m in a second");
                Assert.True(District.Covers(District.Factory.CreatePoint(new Coordinate(unit.Lon, unit.Lat))), $"{unit.DeviceId} left the district");
            }
        }

        Assert.All(simulator.Units.Where(u => u.Kind == UnitKind.Checkpoint), u => Assert.Equal(0, u.Speed));
        Assert.Contains(simulator.Units, u => u.Kind == UnitKind.Vehicle);
    }
}
