using CommandCenter.Domain.Incidents;

namespace CommandCenter.Tests.Domain.Incidents;

public class IncidentReportRulesTests
{
    private static IncidentReport Valid() => new("fire", null, 30.24, 120.17, "楼道冒烟", null, null, null);

    [Fact]
    public void A_complete_report_is_valid_and_takes_the_type_default_priority()
    {
        var errors = IncidentReportRules.Validate(Valid(), out var valid);

        Assert.Empty(errors);
        Assert.Equal(IncidentType.Fire, valid!.Type);
        Assert.Equal(IncidentPriority.Critical, valid.Priority);
    }

    [Theory]
    [InlineData(91.0, "latitude")]
    [InlineData(-90.5, "latitude")]
    [InlineData(double.NaN, "latitude")]
    [InlineData(double.PositiveInfinity, "latitude")]
    public void An_impossible_latitude_is_named(double latitude, string field)
    {
        var errors = IncidentReportRules.Validate(Valid() with { Latitude = latitude }, out var valid);

        Assert.Null(valid);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void A_longitude_beyond_180_is_named()
    {
        var errors = IncidentReportRules.Validate(Valid() with { Longitude = 180.01 }, out _);

        Assert.Contains("longitude", errors.Keys);
    }

    [Fact]
    public void A_missing_type_and_a_missing_position_are_all_reported_at_once()
    {
        var errors = IncidentReportRules.Validate(new IncidentReport(null, null, null, null, null, null, null, null), out _);

        Assert.Equal(["latitude", "longitude", "type"], errors.Keys.Order());
    }

    [Fact]
    public void An_unknown_type_lists_the_known_ones()
    {
        var errors = IncidentReportRules.Validate(Valid() with { Type = "alien_landing" }, out _);

        Assert.Contains("traffic_accident", errors["type"][0]);
    }

    [Fact]
    public void An_over_long_description_is_refused_with_its_length()
    {
        var errors = IncidentReportRules.Validate(Valid() with { Description = new string('x', 5000) }, out _);

        Assert.Contains("5000", errors["description"][0]);
    }

    [Fact]
    public void An_explicit_priority_overrides_the_default_and_a_blank_title_is_left_untitled()
    {
        IncidentReportRules.Validate(Valid() with { Priority = "low", Title = "  " }, out var valid);

        Assert.Equal(IncidentPriority.Low, valid!.Priority);
        Assert.Null(valid.Title);
    }
}
