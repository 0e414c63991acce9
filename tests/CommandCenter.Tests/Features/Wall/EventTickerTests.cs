using Bunit;
using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Wall;

namespace CommandCenter.Tests.Features.Wall;

public class EventTickerTests : Features.ComponentTestContext
{
    [Fact]
    public void Each_row_shows_priority_title_time_type_and_place_in_chinese_newest_first()
    {
        var cut = Render<EventTicker>(p => p.Add(x => x.Items, [IncidentBoardTests.Incident(8, "critical", 1), IncidentBoardTests.Incident(7)]));

        var rows = cut.FindAll("li[data-incident-id]");
        Assert.Equal(["8", "7"], rows.Select(r => r.GetAttribute("data-incident-id")));
        var first = rows[0].TextContent;
        Assert.Contains("特急", first);
        Assert.Contains("事件8", first);
        Assert.Contains("火情", first);
        Assert.Contains("清波第1社区 · 第01网格", first);
        // UnixEpoch + 8 min is 08:08 in Asia/Shanghai.
        Assert.Equal("08:08:00", rows[0].QuerySelector(".cc-ticker-time")!.TextContent);
    }

    [Fact]
    public void A_resolved_incident_says_so_and_a_just_reported_one_does_not_repeat_its_status()
    {
        var cut = Render<EventTicker>(p => p.Add(x => x.Items, [IncidentBoardTests.Incident(2), IncidentBoardTests.Incident(1, open: false)]));

        Assert.Empty(cut.Find("[data-incident-id='2']").QuerySelectorAll("[data-testid=ticker-status]"));
        Assert.Equal("已处置", cut.Find("[data-incident-id='1'] [data-testid=ticker-status]").TextContent);
        Assert.Contains("cc-ticker-closed", cut.Find("[data-incident-id='1']").ClassName);
    }

    [Fact]
    public void Incidents_reported_after_the_new_since_time_are_marked_new()
    {
        var cut = Render<EventTicker>(p => p
            .Add(x => x.Items, [IncidentBoardTests.Incident(9), IncidentBoardTests.Incident(3)])
            .Add(x => x.NewSince, DateTimeOffset.UnixEpoch.AddMinutes(5)));

        Assert.Contains("cc-ticker-new", cut.Find("[data-incident-id='9']").ClassName);
        Assert.DoesNotContain("cc-ticker-new", cut.Find("[data-incident-id='3']").ClassName);
    }

    [Fact]
    public void The_rows_share_the_panel_height_evenly()
    {
        var cut = Render<EventTicker>(p => p.Add(x => x.Items, []).Add(x => x.Rows, 10));

        Assert.Equal("grid-template-rows: repeat(10, minmax(0, 1fr))", cut.Find("[data-testid=event-ticker]").GetAttribute("style"));
    }

    [Fact]
    public void An_empty_ticker_says_there_is_nothing_yet()
    {
        var cut = Render<EventTicker>(p => p.Add(x => x.Items, []));

        Assert.Contains("暂无事件", cut.Markup);
    }
}

public class EventTickerInEnglishTests() : Features.ComponentTestContext("en-US")
{
    [Fact]
    public void The_ticker_speaks_english_when_the_wall_is_set_to_it()
    {
        var cut = Render<EventTicker>(p => p.Add(x => x.Items, [IncidentBoardTests.Incident(1, "high", 2, open: false)]));

        var row = cut.Find("[data-incident-id='1']").TextContent;
        Assert.Contains("High", row);
        Assert.Contains("Fire", row);
        Assert.Contains("Resolved", row);
    }
}
