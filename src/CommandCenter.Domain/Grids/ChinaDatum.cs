namespace CommandCenter.Domain.Grids;

// WGS84 ↔ GCJ-02. Everything the app stores (SRID 4326) and serves is WGS84, as GPS phones report
// it; GCJ-02 is the offset datum China requires for published maps (AMap, Tencent tiles, most
// Chinese web-map data), about half a kilometre off in Hangzhou. The forward offset is a fixed
// formula on the Krasovsky ellipsoid; it has no closed inverse, so the inverse iterates.
// The map's wwwroot/map/datum.js is the same conversion, tested with the same reference pairs.
public static class ChinaDatum
{
    private const double A = 6378245.0;               // Krasovsky 1940 semi-major axis
    private const double Ee = 0.00669342162296594323; // its first eccentricity squared

    // The inverse stops once the forward conversion lands within 1e-8° (about 1 mm) of the point.
    private const double InverseTolerance = 1e-8;

    // GCJ-02 offsets only points inside China's rough bounding box; elsewhere it equals WGS84.
    public static bool OutsideChina(double lat, double lon) =>
        lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

    public static (double Lat, double Lon) Wgs84ToGcj02(double lat, double lon)
    {
        if (OutsideChina(lat, lon)) return (lat, lon);
        var x = lon - 105;
        var y = lat - 35;
        var rad = lat / 180 * Math.PI;
        var s = Math.Sin(rad);
        var magic = 1 - Ee * s * s;
        var sqrtMagic = Math.Sqrt(magic);
        var dLat = OffsetLat(x, y) * 180 / (A * (1 - Ee) / (magic * sqrtMagic) * Math.PI);
        var dLon = OffsetLon(x, y) * 180 / (A / sqrtMagic * Math.Cos(rad) * Math.PI);
        return (lat + dLat, lon + dLon);
    }

    public static (double Lat, double Lon) Gcj02ToWgs84(double lat, double lon)
    {
        var (wLat, wLon) = (lat, lon);
        for (var i = 0; i < 30; i++)
        {
            var (gLat, gLon) = Wgs84ToGcj02(wLat, wLon);
            var (eLat, eLon) = (gLat - lat, gLon - lon);
            wLat -= eLat;
            wLon -= eLon;
            if (Math.Abs(eLat) < InverseTolerance && Math.Abs(eLon) < InverseTolerance) break;
        }
        return (wLat, wLon);
    }

    private static double OffsetLat(double x, double y)
    {
        var v = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x));
        v += (20 * Math.Sin(6 * x * Math.PI) + 20 * Math.Sin(2 * x * Math.PI)) * 2 / 3;
        v += (20 * Math.Sin(y * Math.PI) + 40 * Math.Sin(y / 3 * Math.PI)) * 2 / 3;
        v += (160 * Math.Sin(y / 12 * Math.PI) + 320 * Math.Sin(y * Math.PI / 30)) * 2 / 3;
        return v;
    }

    private static double OffsetLon(double x, double y)
    {
        var v = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x));
        v += (20 * Math.Sin(6 * x * Math.PI) + 20 * Math.Sin(2 * x * Math.PI)) * 2 / 3;
        v += (20 * Math.Sin(x * Math.PI) + 40 * Math.Sin(x / 3 * Math.PI)) * 2 / 3;
        v += (150 * Math.Sin(x / 12 * Math.PI) + 300 * Math.Sin(x / 30 * Math.PI)) * 2 / 3;
        return v;
    }
}
