using System.Text;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Patrols;

namespace CommandCenter.Tests.Features.Patrols;

public class PositionBatchTests
{
    private static (IReadOnlyList<ParsedFix>? Fixes, PositionBatch.Failure? Failure) Parse(string json, int maxFixes = 100) =>
        PositionBatch.Parse(Encoding.UTF8.GetBytes(json), maxFixes);

    private static ParsedFix One(string fix)
    {
        var (fixes, failure) = Parse($$"""{"fixes":[{{fix}}]}""");
        Assert.Null(failure);
        return Assert.Single(fixes!);
    }

    [Theory]
    [InlineData("\"2026-11-27T08:00:00Z\"")]
    [InlineData("\"2026-11-27T16:00:00+08:00\"")]
    [InlineData("\"2026-11-27T08:00:00\"")] // no offset: UTC, as OsmAnd reads it
    [InlineData("\"2026-11-27 08:00:00\"")]
    [InlineData("1795766400")]
    [InlineData("\"1795766400000\"")]
    public void Every_time_form_reads_as_the_same_instant(string time)
    {
        var fix = One($$"""{"deviceId":" d1 ","time":{{time}},"latitude":30.25,"longitude":120.17}""");

        Assert.Empty(fix.Errors);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), fix.Report.Time);
        Assert.Equal("d1", fix.Report.DeviceId);
    }

    [Fact]
    public void Every_field_is_read_and_unknown_ones_are_skipped_whatever_their_shape()
    {
        var fix = One("""
            {"extra":{"nested":[1,{"a":2}]},"deviceId":42,"time":"2026-11-27T08:00:00Z","latitude":30.25,"longitude":120.17,
             "speed":3.5,"heading":"90","altitude":12,"accuracy":5,"battery":80,"charging":true,"more":null}
            """);

        Assert.Empty(fix.Errors);
        var r = fix.Report;
        Assert.Equal(("42", 30.25, 120.17, 3.5, 90.0, 12.0, 5.0, 80.0, true),
            (r.DeviceId, r.Latitude, r.Longitude, r.Speed, r.Heading, r.Altitude, r.Accuracy, r.Battery, r.Charging));
    }

    [Fact]
    public void A_wrong_field_is_named_and_the_other_fixes_are_kept()
    {
        var (fixes, failure) = Parse("""
            {"fixes":[{"deviceId":"a","latitude":"north","longitude":{"x":1},"time":true,"charging":"yes"},7,
                      {"deviceId":"b","latitude":1,"longitude":2,"time":"2026-11-27T08:00:00Z"}]}
            """);

        Assert.Null(failure);
        Assert.Equal(["charging", "latitude", "longitude", "time"], fixes![0].Errors.Keys.Order());
        Assert.Equal(["body"], fixes[1].Errors.Keys);
        Assert.Empty(fixes[2].Errors);
    }

    [Fact]
    public void NaN_and_Infinity_as_strings_reach_validation()
    {
        var fix = One("""{"deviceId":"a","latitude":"NaN","longitude":"Infinity"}""");

        Assert.Empty(fix.Errors);
        Assert.True(double.IsNaN(fix.Report.Latitude!.Value));
        Assert.True(double.IsPositiveInfinity(fix.Report.Longitude!.Value));
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("not json", "body")]
    [InlineData("""{"fixes":[{}]} trailing""", "body")]
    [InlineData("""{"fixes":[{"deviceId":"a"}""", "body")]
    [InlineData("""[1,2]""", "fixes")]
    [InlineData("""{"fixes":{}}""", "fixes")]
    [InlineData("""{"other":[]}""", "fixes")]
    [InlineData("""{"fixes":[]}""", "fixes")]
    public void A_body_that_is_not_a_batch_fails_naming_the_field(string json, string field)
    {
        var (fixes, failure) = Parse(json);

        Assert.Null(fixes);
        Assert.Equal((field, false), (failure!.Field, failure.TooMany));
    }

    [Fact]
    public void More_fixes_than_allowed_is_too_many_and_says_how_many()
    {
        var (fixes, failure) = Parse("{\"fixes\":[" + string.Join(',', Enumerable.Repeat("{}", 7)) + "]}", maxFixes: 5);

        Assert.Null(fixes);
        Assert.True(failure!.TooMany);
        Assert.Contains("at most 5 fixes; this one has 7", failure.Message, StringComparison.Ordinal);
    }
}
