using System.Text.Json;
using System.Xml.Linq;
using CommandCenter.Web.Features.Linkage;

namespace CommandCenter.Tests.Features.Linkage;

public class LinkageFeedbackMessagesTests
{
    private static readonly XNamespace Cap = LinkageFeedbackMessages.Cap;
    private static readonly DateTimeOffset At = new(2026, 12, 2, 2, 16, 30, TimeSpan.Zero);
    private const string Original = "110.hz.test,a1b2,2026-12-02T10:15:00+08:00";

    private static FeedbackStep Step(string step, string? text = null, string? unit = "清波街道 供水抢修队") =>
        new(Guid.Parse("0193a0c4-0000-7000-8000-000000000001"), 42, "110.hz.test/a1b2", step, At, unit, text, Original);

    [Fact]
    public void The_signature_is_the_hex_HMAC_SHA256_of_the_body_with_the_secret()
    {
        // RFC 4231, test case 2.
        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            LinkageFeedbackMessages.Sign("what do ya want for nothing?", "Jefe"));
    }

    [Fact]
    public void A_signature_verifies_only_for_the_same_body_and_secret()
    {
        var body = LinkageFeedbackMessages.JsonBody(Step("arrived"));
        var signature = LinkageFeedbackMessages.Sign(body, "s3cret");

        Assert.True(LinkageFeedbackMessages.Verify(body, "s3cret", signature));
        Assert.False(LinkageFeedbackMessages.Verify(body + " ", "s3cret", signature));
        Assert.False(LinkageFeedbackMessages.Verify(body, "other", signature));
        Assert.False(LinkageFeedbackMessages.Verify(body, "s3cret", null));
    }

    [Fact]
    public void The_JSON_body_names_the_delivery_the_alert_both_ways_the_step_when_the_unit_and_the_feedback()
    {
        using var json = JsonDocument.Parse(LinkageFeedbackMessages.JsonBody(Step("feedback", "已关阀抢修，供水恢复")));
        var root = json.RootElement;

        Assert.Equal("0193a0c4-0000-7000-8000-000000000001", root.GetProperty("delivery").GetString());
        Assert.Equal(42, root.GetProperty("alertId").GetInt64());
        Assert.Equal("110.hz.test/a1b2", root.GetProperty("externalId").GetString());
        Assert.Equal("feedback", root.GetProperty("step").GetString());
        Assert.Equal(At, root.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("清波街道 供水抢修队", root.GetProperty("unit").GetString());
        Assert.Equal("已关阀抢修，供水恢复", root.GetProperty("text").GetString());
    }

    [Fact]
    public void A_CAP_acknowledgement_is_an_Ack_that_references_the_original_alert_under_our_own_identity()
    {
        var alert = XDocument.Parse(LinkageFeedbackMessages.CapBody(Step("acknowledged"), "cc.hz.test")).Root!;

        Assert.Equal(Cap + "alert", alert.Name);
        Assert.Equal("Ack", alert.Element(Cap + "msgType")!.Value);
        Assert.Equal(Original, alert.Element(Cap + "references")!.Value);
        Assert.Equal("cc.hz.test", alert.Element(Cap + "sender")!.Value);
        Assert.Equal("0193a0c4-0000-7000-8000-000000000001", alert.Element(Cap + "identifier")!.Value);
        Assert.Equal("2026-12-02T02:16:30-00:00", alert.Element(Cap + "sent")!.Value);
        Assert.Null(alert.Element(Cap + "info"));
    }

    [Theory]
    [InlineData("routed")]
    [InlineData("arrived")]
    [InlineData("feedback")]
    [InlineData("handed_back")]
    [InlineData("cancelled")]
    [InlineData("overdue")]
    [InlineData("supervised")]
    public void Every_other_step_is_a_CAP_Update_with_the_step_as_a_parameter(string step)
    {
        var alert = XDocument.Parse(LinkageFeedbackMessages.CapBody(Step(step, "x"), "cc")).Root!;
        var parameters = alert.Element(Cap + "info")!.Elements(Cap + "parameter")
            .ToDictionary(p => p.Element(Cap + "valueName")!.Value, p => p.Element(Cap + "value")!.Value);

        Assert.Equal("Update", alert.Element(Cap + "msgType")!.Value);
        Assert.Equal(Original, alert.Element(Cap + "references")!.Value);
        Assert.Equal(step, parameters["step"]);
        Assert.Equal("42", parameters["alertId"]);
    }

    [Fact]
    public void Hostile_feedback_stays_text_in_both_forms()
    {
        const string hostile = "</description><injected/>]]><!--x--> & <script>alert(1)</script>\"'";
        var cap = LinkageFeedbackMessages.CapBody(Step("feedback", hostile + "\u0001", unit: "<b>unit</b>"), "cc");
        var alert = XDocument.Parse(cap).Root!;
        using var json = JsonDocument.Parse(LinkageFeedbackMessages.JsonBody(Step("feedback", hostile)));

        Assert.Empty(alert.Descendants(Cap + "injected"));
        Assert.Empty(alert.Descendants("injected"));
        // A control character XML cannot carry is dropped, the rest is the text as written.
        Assert.Equal(hostile, alert.Element(Cap + "info")!.Element(Cap + "description")!.Value);
        Assert.Equal("<b>unit</b>", alert.Element(Cap + "info")!.Element(Cap + "senderName")!.Value);
        Assert.Equal(hostile, json.RootElement.GetProperty("text").GetString());
        Assert.DoesNotContain("<script>", LinkageFeedbackMessages.JsonBody(Step("feedback", hostile)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_JSON_alert_is_referenced_by_its_source_and_external_id_without_the_separators_CAP_forbids()
    {
        var reference = LinkageFeedbackMessages.CapReference("api:110 center", "110-2026,0001", new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.FromHours(8)));

        Assert.Equal("api:110_center,110-2026_0001,2026-12-02T10:15:00+08:00", reference);
    }

    [Fact]
    public void Only_the_steps_110_cares_about_are_reported()
    {
        Assert.Equal("acknowledged", LinkageFeedbackMessages.StepOf("acknowledge"));
        Assert.Equal("arrived", LinkageFeedbackMessages.StepOf("arrive"));
        Assert.Null(LinkageFeedbackMessages.StepOf("received"));
        Assert.Null(LinkageFeedbackMessages.StepOf("queued"));
        Assert.Null(LinkageFeedbackMessages.StepOf("updated"));
    }

    [Fact]
    public void The_backoff_between_claims_doubles_and_stops_at_the_cap()
    {
        var first = TimeSpan.FromSeconds(10);
        var max = TimeSpan.FromMinutes(10);

        Assert.Equal(TimeSpan.FromSeconds(10), LinkageFeedbackMessages.Backoff(1, first, max));
        Assert.Equal(TimeSpan.FromSeconds(20), LinkageFeedbackMessages.Backoff(2, first, max));
        Assert.Equal(TimeSpan.FromSeconds(320), LinkageFeedbackMessages.Backoff(6, first, max));
        Assert.Equal(max, LinkageFeedbackMessages.Backoff(7, first, max));
        Assert.Equal(max, LinkageFeedbackMessages.Backoff(500, first, max));
    }
}
