using System.Text;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Patrols;

public class OsmAndTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static OsmAndMessage Query(string query) => OsmAnd.ParseQuery(
        query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Select(kv => new KeyValuePair<string, string?>(Uri.UnescapeDataString(kv[0]), kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : null)),
        Received);

    [Fact]
    public void A_Traccar_Client_query_is_read_with_speed_converted_from_knots()
    {
        var m = Query("id=123456&timestamp=1795773600&lat=30.2420&lon=120.1700&speed=10&bearing=45.5&altitude=12&accuracy=6.5&batt=87&charge=true");

        Assert.Empty(m.Errors);
        Assert.Equal("123456", m.DeviceId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795773600), m.Report.Time);
        Assert.Equal(30.2420, m.Report.Latitude);
        Assert.Equal(120.1700, m.Report.Longitude);
        Assert.Equal(5.1444, m.Report.Speed!.Value, 4);
        Assert.Equal(45.5, m.Report.Heading);
        Assert.Equal(12, m.Report.Altitude);
        Assert.Equal(6.5, m.Report.Accuracy);
        Assert.Equal(87, m.Report.Battery);
        Assert.True(m.Report.Charging);
    }

    [Fact]
    public void Deviceid_heading_and_a_location_pair_are_the_alternative_spellings()
    {
        var m = Query("deviceid=abc&location=30.25,120.18&heading=270");

        Assert.Equal("abc", m.DeviceId);
        Assert.Equal((30.25, 120.18), (m.Report.Latitude, m.Report.Longitude));
        Assert.Equal(270, m.Report.Heading);
    }

    [Fact]
    public void A_fix_without_a_timestamp_is_taken_as_received_now()
    {
        Assert.Equal(Received, Query("id=1&lat=30&lon=120").Report.Time);
    }

    [Fact]
    public void Unparseable_values_are_named_with_the_field_they_would_fill()
    {
        var m = Query("id=1&lat=north&lon=120&timestamp=yesterday&speed=fast");

        Assert.Equal(["latitude", "speed", "time"], m.Errors.Keys.Order());
        Assert.Null(m.Report.Time);
    }

    [Fact]
    public void Empty_parameters_are_ignored_and_the_token_is_kept_apart()
    {
        var m = Query("id=7&lat=30&lon=120&speed=&batt=&token=s3cret");

        Assert.Empty(m.Errors);
        Assert.Null(m.Report.Speed);
        Assert.Equal("s3cret", m.Token);
    }

    [Fact]
    public void The_JSON_form_of_the_new_Traccar_Client_is_read_with_SI_speed_and_battery_as_a_fraction()
    {
        var json = """
            {"location":{"timestamp":"2026-11-27T06:40:00.000Z","coords":{"latitude":30.242,"longitude":120.17,"accuracy":5,
             "speed":3.5,"heading":180,"altitude":9},"is_moving":true,"odometer":100,"event":"motionchange",
             "battery":{"level":0.55,"is_charging":false},"activity":{"type":"on_foot"}},"device_id":"phone-9"}
            """;

        var m = OsmAnd.ParseJson(Encoding.UTF8.GetBytes(json));

        Assert.Empty(m.Errors);
        Assert.Equal("phone-9", m.DeviceId);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 6, 40, 0, TimeSpan.Zero), m.Report.Time);
        Assert.Equal((30.242, 120.17), (m.Report.Latitude, m.Report.Longitude));
        Assert.Equal(3.5, m.Report.Speed);
        Assert.Equal(180, m.Report.Heading);
        Assert.Equal(55, m.Report.Battery!.Value, 6);
        Assert.False(m.Report.Charging);
    }

    [Fact]
    public void Minus_one_means_unknown_in_the_JSON_form()
    {
        var json = """{"device_id":"p","location":{"timestamp":"2026-11-27T06:40:00Z","coords":{"latitude":30,"longitude":120,"speed":-1,"heading":-1},"battery":{"level":-1,"is_charging":true}}}""";

        var m = OsmAnd.ParseJson(Encoding.UTF8.GetBytes(json));

        Assert.Empty(m.Errors);
        Assert.Null(m.Report.Speed);
        Assert.Null(m.Report.Heading);
        Assert.Null(m.Report.Battery);
        Assert.True(m.Report.Charging);
    }

    [Theory]
    [InlineData("{not json", "body")]
    [InlineData("[]", "body")]
    [InlineData("""{"device_id":"p"}""", "location")]
    [InlineData("""{"device_id":"p","location":{"timestamp":"2026-11-27T06:40:00Z"}}""", "latitude")]
    [InlineData("""{"device_id":"p","location":{"timestamp":"soon","coords":{"latitude":30,"longitude":120}}}""", "time")]
    public void A_broken_JSON_message_names_what_is_wrong(string json, string field)
    {
        Assert.Contains(field, OsmAnd.ParseJson(Encoding.UTF8.GetBytes(json)).Errors.Keys);
    }
}
