using Bunit;
using CommandCenter.Web.Features.Wall;

namespace CommandCenter.Tests.Features.Wall;

public class KpiTileTests : Features.ComponentTestContext
{
    [Fact]
    public void A_tile_shows_its_label_and_value()
    {
        var cut = Render(new KpiTile("未结事件", 37, TestId: "kpi-open").Draw());

        Assert.Equal("未结事件", cut.Find(".cc-kpi-label").TextContent);
        Assert.Equal("37", cut.Find("[data-testid=kpi-open-value]").TextContent);
    }

    [Fact]
    public void An_unknown_value_is_a_dash_never_a_made_up_zero()
    {
        var cut = Render(new KpiTile("今日处置", null).Draw());

        Assert.Equal("—", cut.Find(".cc-kpi-value").TextContent);
        Assert.Contains("cc-kpi-unknown", cut.Find(".cc-kpi").ClassName);
    }

    [Fact]
    public void Large_values_are_grouped_for_reading_at_a_distance()
    {
        var cut = Render(new KpiTile("近1小时新增", 12345).Draw());

        Assert.Equal("12,345", cut.Find(".cc-kpi-value").TextContent);
    }

    [Fact]
    public void Tone_and_alert_are_classes_the_wall_styles()
    {
        var calm = Render(new KpiTile("特急", 0, Tone: KpiTone.Red).Draw());
        var alert = Render(new KpiTile("特急", 2, Tone: KpiTone.Red, Alert: true).Draw());

        Assert.Equal("cc-kpi cc-kpi-red", calm.Find(".cc-kpi").ClassName);
        Assert.Equal("cc-kpi cc-kpi-red cc-kpi-alert", alert.Find(".cc-kpi").ClassName);
    }

    [Fact]
    public void A_caption_is_shown_only_when_given()
    {
        var without = Render(new KpiTile("未结事件", 1).Draw());
        var with = Render(new KpiTile("Ⅰ级响应", 1, Caption: "特别重大").Draw());

        Assert.Empty(without.FindAll(".cc-kpi-caption"));
        Assert.Equal("特别重大", with.Find(".cc-kpi-caption").TextContent);
    }
}
