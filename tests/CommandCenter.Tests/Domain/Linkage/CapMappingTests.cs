using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using NetTopologySuite.Geometries;
using static CommandCenter.Tests.Domain.Linkage.CapFixtures;

namespace CommandCenter.Tests.Domain.Linkage;

public class CapMappingTests
{
    private static CapMessage Parsed(string xml)
    {
        var result = CapParser.Parse(xml);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Message;
    }

    private static CapInfo Info(string eventText, CapCategory[] categories, params CapValue[] parameters) =>
        new(categories, eventText, CapUrgency.Immediate, CapSeverity.Moderate, CapCertainty.Observed,
            null, null, null, null, null, null, parameters, []);

    private static CapPolygon Ring(params (double Lat, double Lon)[] points) =>
        new([.. points.Select(p => new CapPoint(p.Lat, p.Lon))]);

    private static CapArea Area(string description, CapPolygon[]? polygons = null, CapCircle[]? circles = null, CapValue[]? geocodes = null) =>
        new(description, polygons ?? [], circles ?? [], geocodes ?? []);

    [Fact]
    public void The_burst_main_goes_to_the_water_company_by_its_explicit_category()
    {
        Assert.Equal(LinkageCategory.Water, CapMapping.CategoryOf(Parsed(BurstMain).Infos[0]));
    }

    [Fact]
    public void An_explicit_category_parameter_wins_over_the_event_text()
    {
        var info = Info("燃气泄漏", [CapCategory.Infra], new CapValue(" Category ", " POWER "));

        Assert.Equal(LinkageCategory.Power, CapMapping.CategoryOf(info));
    }

    [Fact]
    public void An_explicit_category_that_is_not_a_catalogue_code_falls_back_to_the_table()
    {
        var info = Info("燃气泄漏", [CapCategory.Infra], new CapValue("category", "plumbing"));

        Assert.Equal(LinkageCategory.Gas, CapMapping.CategoryOf(info));
    }

    [Fact]
    public void A_gas_smell_reported_as_safety_goes_to_the_gas_company()
    {
        Assert.Equal(LinkageCategory.Gas, CapMapping.CategoryOf(Parsed(GasSmellCircle).Infos[0]));
    }

    [Theory]
    [InlineData(CapCategory.Infra, "供水管道爆管", LinkageCategory.Water)]
    [InlineData(CapCategory.Infra, "Water main burst", LinkageCategory.Water)]
    [InlineData(CapCategory.Infra, "小区大面积停电", LinkageCategory.Power)]
    [InlineData(CapCategory.Infra, "Power cut in district", LinkageCategory.Power)]
    [InlineData(CapCategory.Infra, "天然气管道破损", LinkageCategory.Gas)]
    [InlineData(CapCategory.CBRNE, "Gas leak", LinkageCategory.Gas)]
    [InlineData(CapCategory.Infra, "暖气管道漏水", LinkageCategory.Heating)]
    [InlineData(CapCategory.Transport, "树木倒伏阻断道路", LinkageCategory.Roads)]
    [InlineData(CapCategory.Health, "路人晕倒", LinkageCategory.Medical)]
    [InlineData(CapCategory.Transport, "高架桥上有流浪狗", LinkageCategory.Animals)]
    [InlineData(CapCategory.Other, "毒蛇进入民宅", LinkageCategory.Animals)]
    [InlineData(CapCategory.Safety, "人行道井盖缺失", LinkageCategory.UrbanManagement)]
    [InlineData(CapCategory.Other, "桥洞下流浪人员需要救助", LinkageCategory.CivilAffairs)]
    [InlineData(CapCategory.Met, "大风蓝色预警", LinkageCategory.Other)]
    [InlineData(CapCategory.Safety, "电梯困人", LinkageCategory.Other)]
    public void Without_an_explicit_category_the_CAP_category_and_event_words_choose_the_agency(
        CapCategory capCategory, string eventText, LinkageCategory expected)
    {
        Assert.Equal(expected, CapMapping.CategoryOf(Info(eventText, [capCategory])));
    }

    [Fact]
    public void Every_linkage_category_has_a_distinct_code_that_parses_back()
    {
        Assert.Equal(
            ["water", "power", "gas", "heating", "roads", "urban_management", "civil_affairs", "medical", "animals", "other"],
            Enum.GetValues<LinkageCategory>().Select(LinkageCategories.ToCode));
        Assert.All(Enum.GetValues<LinkageCategory>(), c =>
        {
            Assert.True(LinkageCategories.TryParse(LinkageCategories.ToCode(c), out var back));
            Assert.Equal(c, back);
        });
    }

    [Theory]
    [InlineData(CapUrgency.Immediate, CapSeverity.Extreme, IncidentPriority.Critical)]
    [InlineData(CapUrgency.Immediate, CapSeverity.Severe, IncidentPriority.Critical)]
    [InlineData(CapUrgency.Immediate, CapSeverity.Moderate, IncidentPriority.High)]
    [InlineData(CapUrgency.Expected, CapSeverity.Moderate, IncidentPriority.High)]
    [InlineData(CapUrgency.Expected, CapSeverity.Extreme, IncidentPriority.High)]
    [InlineData(CapUrgency.Immediate, CapSeverity.Minor, IncidentPriority.Medium)]
    [InlineData(CapUrgency.Future, CapSeverity.Severe, IncidentPriority.Medium)]
    [InlineData(CapUrgency.Future, CapSeverity.Minor, IncidentPriority.Low)]
    [InlineData(CapUrgency.Past, CapSeverity.Extreme, IncidentPriority.Low)]
    [InlineData(CapUrgency.Unknown, CapSeverity.Unknown, IncidentPriority.High)]
    [InlineData(CapUrgency.Immediate, CapSeverity.Unknown, IncidentPriority.High)]
    public void Priority_follows_the_urgency_and_severity_table(CapUrgency urgency, CapSeverity severity, IncidentPriority expected)
    {
        Assert.Equal(expected, CapMapping.PriorityOf(urgency, severity));
    }

    [Fact]
    public void Only_an_immediate_severe_or_extreme_alert_is_critical()
    {
        foreach (var urgency in Enum.GetValues<CapUrgency>())
            foreach (var severity in Enum.GetValues<CapSeverity>())
                Assert.Equal(
                    urgency == CapUrgency.Immediate && severity is CapSeverity.Extreme or CapSeverity.Severe,
                    CapMapping.PriorityOf(urgency, severity) == IncidentPriority.Critical);
    }

    [Fact]
    public void The_burst_main_is_critical_and_its_update_high()
    {
        Assert.Equal(IncidentPriority.Critical, CapMapping.PriorityOf(Parsed(BurstMain).Infos[0]));
        Assert.Equal(IncidentPriority.High, CapMapping.PriorityOf(Parsed(BurstMainUpdate).Infos[0]));
    }

    [Fact]
    public void The_burst_main_is_placed_at_the_centre_of_its_polygon_with_the_area_kept_for_the_map()
    {
        var location = CapMapping.LocationOf(Parsed(BurstMain).Infos[0].Areas);

        Assert.NotNull(location.Point);
        Assert.Equal(30.2437, location.Point.Value.Latitude, 6);
        Assert.Equal(120.1683, location.Point.Value.Longitude, 6);
        Assert.Equal("西湖区文三路与学院路交叉口", location.Description);
        var area = Assert.IsType<Polygon>(location.Area);
        Assert.Equal(4326, area.SRID);
        Assert.Equal(120.1673, area.Coordinates[0].X, 6); // x is longitude
        Assert.Equal(30.2427, area.Coordinates[0].Y, 6);
    }

    [Fact]
    public void A_circle_is_placed_at_its_centre_and_drawn_with_its_radius()
    {
        var location = CapMapping.LocationOf(Parsed(GasSmellCircle).Infos[0].Areas);

        Assert.Equal(new CapPoint(30.3050, 120.1520), location.Point);
        var area = Assert.IsType<Polygon>(location.Area);
        var north = area.Coordinates.Max(c => c.Y);
        Assert.Equal(0.3, (north - 30.3050) * 111.32, 3);
    }

    [Fact]
    public void A_U_shaped_area_is_placed_inside_the_shape_not_in_its_empty_middle()
    {
        var u = Ring((0, 0), (0, 3), (3, 3), (3, 2), (1, 2), (1, 1), (3, 1), (3, 0), (0, 0));
        var polygon = new GeometryFactory().CreatePolygon([.. u.Points.Select(p => new Coordinate(p.Longitude, p.Latitude))]);

        var point = CapMapping.LocationOf(Area("U 形地块", [u])).Point!.Value;

        Assert.True(polygon.Contains(new Point(point.Longitude, point.Latitude)));
    }

    [Fact]
    public void Several_areas_give_the_first_shape_as_the_point_and_all_shapes_as_the_area()
    {
        var first = Area("仅有区划代码", geocodes: [new CapValue("adcode", "330106")]);
        var second = Area("东区", circles: [new CapCircle(new CapPoint(30.30, 120.15), 1)]);
        var third = Area("西区", [Ring((30.2, 120.1), (30.2, 120.2), (30.3, 120.2), (30.2, 120.1))]);

        var location = CapMapping.LocationOf(first, second, third);

        Assert.Equal(new CapPoint(30.30, 120.15), location.Point);
        Assert.Equal("仅有区划代码; 东区; 西区", location.Description);
        Assert.Equal(2, Assert.IsType<MultiPolygon>(location.Area).NumGeometries);
    }

    [Fact]
    public void An_area_with_only_a_description_has_no_point_but_keeps_the_description()
    {
        var location = CapMapping.LocationOf(Area("滨江区全域", geocodes: [new CapValue("adcode", "330108")]));

        Assert.Null(location.Point);
        Assert.Null(location.Area);
        Assert.Equal("滨江区全域", location.Description);
    }

    [Fact]
    public void A_zero_radius_circle_gives_a_point_and_no_area()
    {
        var location = CapMapping.LocationOf(Area("路口", circles: [new CapCircle(new CapPoint(30.25, 120.16), 0)]));

        Assert.Equal(new CapPoint(30.25, 120.16), location.Point);
        Assert.Null(location.Area);
    }

    [Fact]
    public void An_alert_is_known_by_sender_slash_identifier()
    {
        Assert.Equal("water.hangzhou.example/HZW-20261202-0001", CapMapping.ExternalIdOf(Parsed(BurstMain)));
    }

    [Fact]
    public void The_update_and_the_cancel_point_at_the_burst_main_by_its_external_id()
    {
        var alertId = CapMapping.ExternalIdOf(Parsed(BurstMain));
        var updateId = CapMapping.ExternalIdOf(Parsed(BurstMainUpdate));

        Assert.Equal([alertId], CapMapping.ReferencedExternalIds(Parsed(BurstMainUpdate)));
        Assert.Equal([alertId, updateId], CapMapping.ReferencedExternalIds(Parsed(BurstMainCancel)));
        Assert.Empty(CapMapping.ReferencedExternalIds(Parsed(BurstMain)));
    }
}
