using System.Text;
using CommandCenter.Domain.Linkage;
using static CommandCenter.Tests.Domain.Linkage.CapFixtures;

namespace CommandCenter.Tests.Domain.Linkage;

public class CapParserTests
{
    private static CapMessage Valid(string xml)
    {
        var result = CapParser.Parse(xml);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Message;
    }

    private static CapProblem SingleProblem(string xml)
    {
        var result = CapParser.Parse(xml);
        Assert.False(result.IsValid);
        return Assert.Single(result.Problems);
    }

    [Fact]
    public void A_burst_water_main_alert_is_read_with_every_field_the_linkage_desk_shows()
    {
        var alert = Valid(BurstMain);

        Assert.Equal(BurstMainId, alert.Identifier);
        Assert.Equal(WaterSender, alert.Sender);
        Assert.Equal(CapStatus.Actual, alert.Status);
        Assert.Equal(CapMsgType.Alert, alert.MsgType);
        Assert.Equal(CapScope.Public, alert.Scope);
        Assert.Empty(alert.References);

        var info = Assert.Single(alert.Infos);
        Assert.Equal([CapCategory.Infra], info.Categories);
        Assert.Equal("供水管道爆管", info.Event);
        Assert.Equal(CapUrgency.Immediate, info.Urgency);
        Assert.Equal(CapSeverity.Severe, info.Severity);
        Assert.Equal(CapCertainty.Observed, info.Certainty);
        Assert.Equal("杭州市供水热线", info.SenderName);
        Assert.Equal("文三路学院路口 DN600 供水主管爆裂", info.Headline);
        Assert.Equal("路面冒水约 30 cm 高，东向车道积水。", info.Description);
        Assert.Equal("请交警协助封闭东向两条车道。", info.Instruction);
        Assert.Equal("0571-00000000", info.Contact);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 18, 0, 0, TimeSpan.FromHours(8)), info.Expires);
        Assert.Equal([new CapValue("category", "water")], info.Parameters);

        var area = Assert.Single(info.Areas);
        Assert.Equal("西湖区文三路与学院路交叉口", area.AreaDesc);
        Assert.Equal([new CapValue("adcode", "330106")], area.Geocodes);
        Assert.Empty(area.Circles);
    }

    [Fact]
    public void Sent_keeps_the_senders_offset_and_the_same_instant()
    {
        var alert = Valid(BurstMain);

        Assert.Equal(TimeSpan.FromHours(8), alert.Sent.Offset);
        Assert.Equal(new DateTime(2026, 12, 2, 2, 15, 0, DateTimeKind.Utc), alert.Sent.UtcDateTime);
    }

    [Fact]
    public void Utc_written_the_CAP_way_as_minus_zero_is_accepted()
    {
        var alert = Valid(GasSmellCircle);

        Assert.Equal(TimeSpan.Zero, alert.Sent.Offset);
        Assert.Equal(new DateTime(2026, 12, 2, 21, 40, 5, DateTimeKind.Utc), alert.Sent.UtcDateTime);
    }

    [Theory]
    [InlineData("2026-12-02T02:15:00Z", "-00:00")]
    [InlineData("2026-12-02T10:15:00", "UTC offset")]
    [InlineData("2026-12-02 10:15:00+08:00", "UTC offset")]
    [InlineData("2026-12-02T10:15:00.250+08:00", "UTC offset")]
    [InlineData("2026-12-02T10:15+08:00", "UTC offset")]
    [InlineData("2026-02-30T10:15:00+08:00", "not a real date")]
    [InlineData("tomorrow", "UTC offset")]
    public void A_sent_time_not_in_the_one_CAP_shape_is_refused_with_how_to_write_it(string sent, string hint)
    {
        var problem = SingleProblem(BurstMain.Replace(BurstMainSent + "</sent>", sent + "</sent>", StringComparison.Ordinal));

        Assert.Equal("sent", problem.Field);
        Assert.Contains(hint, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_polygon_is_read_latitude_first_and_kept_closed()
    {
        var polygon = Assert.Single(Valid(BurstMain).Infos[0].Areas[0].Polygons);

        Assert.Equal(5, polygon.Points.Count);
        Assert.Equal(new CapPoint(30.2427, 120.1673), polygon.Points[0]);
        Assert.Equal(polygon.Points[0], polygon.Points[^1]);
    }

    [Fact]
    public void A_circle_is_read_as_its_centre_and_a_radius_in_kilometres()
    {
        var area = Assert.Single(Valid(GasSmellCircle).Infos[0].Areas);

        var circle = Assert.Single(area.Circles);
        Assert.Equal(new CapPoint(30.3050, 120.1520), circle.Center);
        Assert.Equal(0.3, circle.RadiusKm);
        Assert.Empty(area.Polygons);
    }

    [Fact]
    public void An_update_names_the_alert_it_replaces_by_sender_identifier_and_sent()
    {
        var update = Valid(BurstMainUpdate);

        Assert.Equal(CapMsgType.Update, update.MsgType);
        var reference = Assert.Single(update.References);
        Assert.Equal(WaterSender, reference.Sender);
        Assert.Equal(BurstMainId, reference.Identifier);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.FromHours(8)), reference.Sent);
    }

    [Fact]
    public void A_cancel_may_name_several_earlier_alerts_across_lines_and_carries_no_info()
    {
        var cancel = Valid(BurstMainCancel);

        Assert.Equal(CapMsgType.Cancel, cancel.MsgType);
        Assert.Equal("抢修完毕，恢复通行", cancel.Note);
        Assert.Equal([BurstMainId, "HZW-20261202-0002"], cancel.References.Select(r => r.Identifier));
        Assert.Empty(cancel.Infos);
    }

    [Theory]
    [InlineData(BurstMainUpdate)]
    [InlineData(BurstMainCancel)]
    public void An_update_or_cancel_without_references_is_refused_because_it_changes_nothing(string xml)
    {
        var withoutReferences = System.Text.RegularExpressions.Regex.Replace(xml, "<references>.*?</references>", "",
            System.Text.RegularExpressions.RegexOptions.Singleline);

        var problem = SingleProblem(withoutReferences);

        Assert.Equal("references", problem.Field);
        Assert.Contains("required", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("water.hangzhou.example,HZW-1")]
    [InlineData("water.hangzhou.example;HZW-1;2026-12-02T10:15:00+08:00")]
    [InlineData("water.hangzhou.example,HZW-1,2026-12-02T10:15:00Z")]
    public void A_reference_that_is_not_sender_identifier_sent_is_refused(string reference)
    {
        var problem = SingleProblem(BurstMainUpdate.Replace(BurstMainReference, reference, StringComparison.Ordinal));

        Assert.Equal("references", problem.Field);
        Assert.Contains("Entry 1", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_identifier_is_refused_naming_identifier()
    {
        var problem = SingleProblem(BurstMain.Replace($"<identifier>{BurstMainId}</identifier>", "", StringComparison.Ordinal));

        Assert.Equal("identifier", problem.Field);
        Assert.Equal("<identifier> is required.", problem.Message);
    }

    [Fact]
    public void An_identifier_with_a_space_is_refused_because_references_could_not_name_it()
    {
        var problem = SingleProblem(BurstMain.Replace(BurstMainId, "HZW 0001", StringComparison.Ordinal));

        Assert.Equal("identifier", problem.Field);
        Assert.Contains("space", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_single_element_is_refused()
    {
        var problem = SingleProblem(BurstMain.Replace("<status>Actual</status>", "<status>Actual</status><status>Test</status>", StringComparison.Ordinal));

        Assert.Equal("status", problem.Field);
        Assert.Contains("more than once", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<status>Actual</status>", "<status>actual</status>", "status", "Actual, Exercise, System, Test, Draft")]
    [InlineData("<msgType>Alert</msgType>", "<msgType>1</msgType>", "msgType", "Alert, Update, Cancel, Ack, Error")]
    [InlineData("<urgency>Immediate</urgency>", "<urgency>Now</urgency>", "info[0].urgency", "Immediate, Expected")]
    [InlineData("<severity>Severe</severity>", "<severity>Severe, Minor</severity>", "info[0].severity", "Extreme, Severe")]
    [InlineData("<certainty>Observed</certainty>", "<certainty>Very Likely</certainty>", "info[0].certainty", "Observed, Likely")]
    [InlineData("<category>Infra</category>", "<category>Water</category>", "info[0].category", "Transport, Infra, CBRNE, Other")]
    public void A_value_outside_the_CAP_list_is_refused_listing_the_CAP_values(string from, string to, string field, string listed)
    {
        var problem = SingleProblem(BurstMain.Replace(from, to, StringComparison.Ordinal));

        Assert.Equal(field, problem.Field);
        Assert.StartsWith(to[..to.IndexOf('>', StringComparison.Ordinal)], problem.Message, StringComparison.Ordinal);
        Assert.Contains(listed, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_info_without_a_category_is_refused()
    {
        var problem = SingleProblem(BurstMain.Replace("<category>Infra</category>", "", StringComparison.Ordinal));

        Assert.Equal("info[0].category", problem.Field);
    }

    [Fact]
    public void A_polygon_that_is_not_closed_is_refused_naming_the_polygon()
    {
        var open = "30.2427,120.1673 30.2427,120.1693 30.2447,120.1693 30.2447,120.1673";

        var problem = SingleProblem(BurstMain.Replace(BurstMainPolygon, open, StringComparison.Ordinal));

        Assert.Equal("info[0].area[0].polygon", problem.Field);
        Assert.Contains("not closed", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_polygon_written_lon_lat_is_refused_and_says_latitude_comes_first()
    {
        var swapped = "120.1673,30.2427 120.1693,30.2427 120.1693,30.2447 120.1673,30.2447 120.1673,30.2427";

        var problem = SingleProblem(BurstMain.Replace(BurstMainPolygon, swapped, StringComparison.Ordinal));

        Assert.Equal("info[0].area[0].polygon", problem.Field);
        Assert.Contains("The polygon, point 1 '120.1673,30.2427': latitude 120.1673 is outside -90..90", problem.Message, StringComparison.Ordinal);
        Assert.Contains("latitude first", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30.2427,120.1673 30.2447,120.1693 30.2427,120.1673", "at least 4")]
    [InlineData("30.2427,120.1673 30.2427;120.1693 30.2447,120.1693 30.2427,120.1673", "point 2")]
    [InlineData("30.2427,190.5 30.2427,120.1693 30.2447,120.1693 30.2427,190.5", "longitude 190.5")]
    [InlineData("30.2427,1e2 30.2427,120.1693 30.2447,120.1693 30.2427,1e2", "decimal degrees")]
    public void A_polygon_with_too_few_or_unreadable_points_is_refused(string polygon, string said)
    {
        var result = CapParser.Parse(BurstMain.Replace(BurstMainPolygon, polygon, StringComparison.Ordinal));

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Field == "info[0].area[0].polygon" && p.Message.Contains(said, StringComparison.Ordinal));
    }

    [Fact]
    public void With_two_polygons_the_message_says_which_one_is_wrong()
    {
        var open = "30.2427,120.1673 30.2427,120.1693 30.2447,120.1693 30.2447,120.1673";
        var xml = BurstMain.Replace($"<polygon>{BurstMainPolygon}</polygon>",
            $"<polygon>{BurstMainPolygon}</polygon><polygon>{open}</polygon>", StringComparison.Ordinal);

        var problem = SingleProblem(xml);

        Assert.StartsWith("Polygon 2 of 2 is not closed", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30.3050,120.1520", "lat,lon radius_km")]
    [InlineData("30.3050,120.1520 -1", "radius")]
    [InlineData("120.1520,30.3050 0.3", "latitude first")]
    public void A_circle_that_is_not_a_centre_and_a_radius_is_refused(string circle, string said)
    {
        var problem = SingleProblem(GasSmellCircle.Replace("30.3050,120.1520 0.3", circle, StringComparison.Ordinal));

        Assert.Equal("info[0].area[0].circle", problem.Field);
        Assert.Contains(said, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_without_a_value_is_refused_naming_the_value()
    {
        var problem = SingleProblem(BurstMain.Replace("<value>water</value>", "", StringComparison.Ordinal));

        Assert.Equal("info[0].parameter.value", problem.Field);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_so_the_sender_fixes_them_in_one_go()
    {
        var xml = BurstMain
            .Replace($"<identifier>{BurstMainId}</identifier>", "", StringComparison.Ordinal)
            .Replace("<scope>Public</scope>", "<scope>Everyone</scope>", StringComparison.Ordinal)
            .Replace("<areaDesc>西湖区文三路与学院路交叉口</areaDesc>", "", StringComparison.Ordinal);

        var result = CapParser.Parse(xml);

        Assert.Equal(["identifier", "scope", "info[0].area[0].areaDesc"], result.Problems.Select(p => p.Field));
    }

    [Fact]
    public void Problems_come_grouped_by_field_for_a_problem_details_body()
    {
        var swapped = "120.1673,30.2427 120.1693,30.2427 120.1693,30.2447 120.1673,30.2447 120.1673,30.2427";
        var xml = BurstMain.Replace(BurstMainPolygon, swapped, StringComparison.Ordinal)
            .Replace("<status>Actual</status>", "<status>Real</status>", StringComparison.Ordinal);

        var errors = CapParser.Parse(xml).ToErrorDictionary();

        Assert.Equal(["info[0].area[0].polygon", "status"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Single(errors["info[0].area[0].polygon"]);
    }

    [Fact]
    public void Elements_from_other_namespaces_and_unused_CAP_elements_are_ignored()
    {
        var xml = BurstMain.Replace("<scope>Public</scope>",
            "<scope>Public</scope><code>IPAWSv1.0</code><ext:ticket xmlns:ext=\"urn:example:ticket\">T-9</ext:ticket>",
            StringComparison.Ordinal);

        Assert.Equal(BurstMainId, Valid(xml).Identifier);
    }

    [Fact]
    public async Task Bytes_a_stream_and_an_async_stream_read_the_same_as_text()
    {
        var bytes = Encoding.UTF8.GetBytes(BurstMain);
        var expected = Valid(BurstMain);

        var fromSpan = CapParser.Parse(bytes.AsSpan());
        using var stream = new MemoryStream(bytes);
        var fromStream = CapParser.Parse(stream);
        using var asyncStream = new MemoryStream(bytes);
        var fromAsync = await CapParser.ParseAsync(asyncStream, cancellationToken: TestContext.Current.CancellationToken);

        Assert.All([fromSpan, fromStream, fromAsync], r =>
        {
            Assert.True(r.IsValid);
            Assert.Equal(expected.Identifier, r.Message.Identifier);
            Assert.Equal(expected.Infos[0].Headline, r.Message.Infos[0].Headline);
            Assert.Equal(expected.Infos[0].Areas[0].Polygons[0].Points, r.Message.Infos[0].Areas[0].Polygons[0].Points);
        });
    }
}
