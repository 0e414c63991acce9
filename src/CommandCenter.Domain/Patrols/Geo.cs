namespace CommandCenter.Domain.Patrols;

public static class Geo
{
    private const double EarthRadiusMeters = 6_371_008.8;

    // Great-circle distance; at patrol scale (metres to kilometres) it is within centimetres of the ellipsoid.
    public static double DistanceMeters(double lat1, double lon1, double lat2, double lon2)
    {
        var dLat = ToRadians(lat2 - lat1);
        var dLon = ToRadians(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
            + Math.Cos(ToRadians(lat1)) * Math.Cos(ToRadians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    // Initial bearing from the first point to the second, 0..360 clockwise from north.
    public static double BearingDegrees(double lat1, double lon1, double lat2, double lon2)
    {
        var phi1 = ToRadians(lat1);
        var phi2 = ToRadians(lat2);
        var dLambda = ToRadians(lon2 - lon1);
        var y = Math.Sin(dLambda) * Math.Cos(phi2);
        var x = Math.Cos(phi1) * Math.Sin(phi2) - Math.Sin(phi1) * Math.Cos(phi2) * Math.Cos(dLambda);
        return (Math.Atan2(y, x) * 180 / Math.PI + 360) % 360;
    }

    // The point `meters` away from a start along a bearing (small distances: flat-earth is enough).
    public static (double Lat, double Lon) Offset(double lat, double lon, double bearingDegrees, double meters)
    {
        var b = ToRadians(bearingDegrees);
        var dLat = meters * Math.Cos(b) / EarthRadiusMeters;
        var dLon = meters * Math.Sin(b) / (EarthRadiusMeters * Math.Cos(ToRadians(lat)));
        return (lat + dLat * 180 / Math.PI, lon + dLon * 180 / Math.PI);
    }

    private static double ToRadians(double degrees) => degrees * Math.PI / 180;
}
