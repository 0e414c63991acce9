using CommandCenter.Domain.Grids;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Grids;

// The same reference pairs as tests/js/datum.test.mjs.
public class ChinaDatumTests
{
    // WGS84 lat, lon → published GCJ-02 lat, lon, and the tolerance they are published to (degrees):
    // the example in wandergis/coordtransform's README (Tiananmen, every digit printed) and the
    // pair in geoToolbox's tests (to 1e-7°).
    public static TheoryData<double, double, double, double, double> PublishedPairs => new()
    {
        { 39.915, 116.404, 39.91640428150164, 116.41024449916938, 1e-12 },
        { 40.0, 116.0, 40.001213650174, 116.006141221789, 1e-7 },
    };

    [Theory]
    [MemberData(nameof(PublishedPairs))]
    public void Wgs84ToGcj02_matches_the_published_pairs(double lat, double lon, double gcjLat, double gcjLon, double tolerance)
    {
        var (gLat, gLon) = ChinaDatum.Wgs84ToGcj02(lat, lon);

        Assert.Equal(gcjLat, gLat, tolerance);
        Assert.Equal(gcjLon, gLon, tolerance);
    }

    [Theory]
    [MemberData(nameof(PublishedPairs))]
    public void Gcj02ToWgs84_by_iteration_returns_the_published_point_to_under_half_a_metre(double lat, double lon, double gcjLat, double gcjLon, double tolerance)
    {
        _ = tolerance;
        var (wLat, wLon) = ChinaDatum.Gcj02ToWgs84(gcjLat, gcjLon);

        Assert.True(Geo.DistanceMeters(lat, lon, wLat, wLon) < 0.5);
    }

    [Fact]
    public void The_round_trip_is_under_half_a_metre_across_China()
    {
        for (var lat = 18.0; lat <= 53; lat += 2.5)
        {
            for (var lon = 74.0; lon <= 134; lon += 3)
            {
                var (gLat, gLon) = ChinaDatum.Wgs84ToGcj02(lat, lon);
                var (wLat, wLon) = ChinaDatum.Gcj02ToWgs84(gLat, gLon);
                Assert.True(Geo.DistanceMeters(lat, lon, wLat, wLon) < 0.5, $"{lat},{lon}");
            }
        }
    }

    [Fact]
    public void In_Hangzhou_GCJ02_lies_about_half_a_kilometre_south_east_of_WGS84()
    {
        var (gLat, gLon) = ChinaDatum.Wgs84ToGcj02(30.25, 120.16);

        var metres = Geo.DistanceMeters(30.25, 120.16, gLat, gLon);
        Assert.InRange(metres, 400, 600);
        Assert.True(gLat < 30.25 && gLon > 120.16);
    }

    [Fact]
    public void Outside_China_the_two_datums_are_the_same()
    {
        Assert.Equal((51.5, -0.12), ChinaDatum.Wgs84ToGcj02(51.5, -0.12));
        Assert.Equal((35.68, 139.76), ChinaDatum.Gcj02ToWgs84(35.68, 139.76));
    }
}
