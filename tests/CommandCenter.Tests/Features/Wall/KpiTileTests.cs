using Bunit;
using CommandCenter.Web.Features.Wall;

namespace CommandCenter.Tests.Features.Wall;

public class KpiTileTests : Features.ComponentTestContext
{
    [Fact]
    public void A_tile_shows_its_label_and_value()
    {
        var cut = Render<KpiTile>(p => p.Add(x => x.Label, "未结事件").Add(x => x.Value, 37).Add(x => x.TestId, "kpi-open"));

        Assert.Equal("未结事件", cut.Find(".cc-kpi-label").TextContent);
        Assert.Equal("37", cut.Find("[data-testid=kpi-open-value]").TextContent);
    }

    [Fact]
    public void An_unknown_value_is_a_dash_never_a_made_up_zero()
    {
        var cut = Render<KpiTile>(p => p.Add(x => x.Label, "今日处置").Add(x => x.Value, null));

        Assert.Equal("—", cut.Find(".cc-kpi-value").TextContent);
        Assert.Contains("cc-kpi-unknown", cut.Find(".cc-kpi").ClassName);
    }

    [Fact]
    public void Large_values_are_grouped_for_reading_at_a_distance()
    {
        var cut = Render<KpiTile>(p => p.Add(x => x.Label, "近1小时新增").Add(x => x.Value, 12345));

        Assert.Equal("12,345", cut.Find(".cc-kpi-value").TextContent);
    }

    [Fact]
    public void Tone_and_alert_are_classes_the_wall_styles()
    {
        var calm = Render<KpiTile>(p => p.Add(x => x.Label, "特急").Add(x => x.Value, 0).Add(x => x.Tone, KpiTone.Red));
        var alert = Render<KpiTile>(p => p.Add(x => x.Label, "特急").Add(x => x.Value, 2).Add(x => x.Tone, KpiTone.Red).Add(x => x.Alert, true));

        Assert.Equal("cc-kpi cc-kpi-red", calm.Find(".cc-kpi").ClassName);
        Assert.Equal("cc-kpi cc-kpi-red cc-kpi-alert", alert.Find(".cc-kpi").ClassName);
    }

    [Fact]
    public void A_caption_is_shown_only_when_given()
    {
        var without = Render<KpiTile>(p => p.Add(x => x.Label, "未结事件").Add(x => x.Value, 1));
        var with = Render<KpiTile>(p => p.Add(x => x.Label, "Ⅰ级响应").Add(x => x.Value, 1).Add(x => x.Caption, "特别重大"));

        Assert.Empty(without.FindAll(".cc-kpi-caption"));
        Assert.Equal("特别重大", with.Find(".cc-kpi-caption").TextContent);
    }
}
