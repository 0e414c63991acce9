using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Patrols;

public class FixRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly FixLimits Limits = new();

    private static FixReport Valid() => new()
    {
        DeviceId = "phone-1", Time = Now.AddSeconds(-5), Latitude = 30.2420, Longitude = 120.1700,
        Speed = 1.4, Heading = 90, Accuracy = 8, Battery = 76, Altitude = 12,
    };

    [Fact]
    public void A_complete_fix_is_valid_and_keeps_every_field()
    {
        var errors = FixRules.Validate(Valid(), Now, Limits, out var fix);

        Assert.Empty(errors);
        Assert.Equal(new PositionFix(Now.AddSeconds(-5), 30.2420, 120.1700, 1.4, 90, 12, 8, 76), fix);
    }

    [Theory]
    [InlineData(90.0001, null, "latitude")]
    [InlineData(-91.0, null, "latitude")]
    [InlineData(double.NaN, null, "latitude")]
    [InlineData(null, 180.5, "longitude")]
    [InlineData(null, double.NegativeInfinity, "longitude")]
    public void Impossible_coordinates_are_named(double? latitude, double? longitude, string field)
    {
        var report = Valid();
        if (latitude is not null) report = report with { Latitude = latitude };
        if (longitude is not null) report = report with { Longitude = longitude };

        var errors = FixRules.Validate(report, Now, Limits, out var fix);

        Assert.Null(fix);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void The_poles_and_the_antimeridian_are_valid()
    {
        Assert.Empty(FixRules.Validate(Valid() with { Latitude = 90, Longitude = -180 }, Now, Limits, out _));
        Assert.Empty(FixRules.Validate(Valid() with { Latitude = -90, Longitude = 180 }, Now, Limits, out _));
    }

    [Fact]
    public void Missing_coordinates_and_time_are_required()
    {
        var errors = FixRules.Validate(new FixReport(), Now, Limits, out _);

        Assert.Equal(["latitude", "longitude", "time"], errors.Keys.Order());
    }

    [Fact]
    public void A_fix_further_in_the_future_than_the_margin_is_refused_but_a_little_skew_is_not()
    {
        var margin = TimeSpan.FromMinutes(2);

        Assert.Empty(FixRules.Validate(Valid() with { Time = Now + margin }, Now, Limits with { MaxFutureSkew = margin }, out _));
        var errors = FixRules.Validate(Valid() with { Time = Now + margin + TimeSpan.FromSeconds(1) }, Now, Limits with { MaxFutureSkew = margin }, out _);
        Assert.Contains("future", Assert.Single(errors["time"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_fix_older_than_the_history_kept_is_refused()
    {
        var errors = FixRules.Validate(Valid() with { Time = Now.AddDays(-31) }, Now, Limits with { MaxAge = TimeSpan.FromDays(30) }, out _);

        Assert.Equal(["time"], errors.Keys);
    }

    [Theory]
    [InlineData("speed", -0.1)]
    [InlineData("speed", 100.5)]
    [InlineData("heading", 360.5)]
    [InlineData("heading", -1)]
    [InlineData("accuracy", -3)]
    [InlineData("battery", 101)]
    [InlineData("battery", double.NaN)]
    [InlineData("altitude", 50_000)]
    public void Out_of_range_optional_fields_are_named(string field, double value)
    {
        var report = field switch
        {
            "speed" => Valid() with { Speed = value },
            "heading" => Valid() with { Heading = value },
            "accuracy" => Valid() with { Accuracy = value },
            "battery" => Valid() with { Battery = value },
            _ => Valid() with { Altitude = value },
        };

        var errors = FixRules.Validate(report, Now, Limits, out _);

        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Optional_fields_may_be_absent_and_a_heading_of_360_is_north()
    {
        var errors = FixRules.Validate(new FixReport { Time = Now, Latitude = 30, Longitude = 120, Heading = 360 }, Now, Limits, out var fix);

        Assert.Empty(errors);
        Assert.Equal(0, fix!.Heading);
        Assert.Null(fix.Speed);
    }
}

public class DeviceIdRulesTests
{
    [Theory]
    [InlineData("860123456789012")]
    [InlineData("dev-1.a_b:C")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")] // 64
    public void Ids_of_up_to_64_letters_digits_and_dot_underscore_colon_dash_are_allowed(string id) =>
        Assert.Null(FixRules.DeviceIdProblem(id));

    [Theory]
    [InlineData("")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")] // 65
    [InlineData("with space")]
    [InlineData("slash/1")]
    [InlineData("dév")]
    [InlineData("<script>")]
    public void Other_ids_are_refused(string id) => Assert.NotNull(FixRules.DeviceIdProblem(id));
}
