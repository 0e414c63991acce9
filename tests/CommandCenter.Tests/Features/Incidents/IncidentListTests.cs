using Bunit;
using CommandCenter.Web.Features.Incidents;

namespace CommandCenter.Tests.Features.Incidents;

public class IncidentListTests : Features.ComponentTestContext
{
    [Fact]
    public void Each_incident_shows_its_priority_type_and_place_in_chinese()
    {
        var cut = Render<IncidentList>(p => p.Add(x => x.Items, [IncidentBoardTests.Incident(7, "critical", 1)]));

        var row = cut.Find("[data-incident-id='7']");
        Assert.Contains("特急", row.TextContent);
        Assert.Contains("火情", row.TextContent);
        Assert.Contains("清波第1社区 · 第01网格", row.TextContent);
    }

    [Fact]
    public void Reported_time_is_shown_in_the_center_time_zone()
    {
        // UnixEpoch + 7 min is 08:07 in Asia/Shanghai.
        var cut = Render<IncidentList>(p => p.Add(x => x.Items, [IncidentBoardTests.Incident(7)]));

        Assert.Equal("08:07:00", cut.Find(".cc-incident-time").TextContent);
    }

    [Fact]
    public void An_incident_outside_every_grid_says_so()
    {
        var cut = Render<IncidentList>(p => p.Add(x => x.Items, [IncidentBoardTests.Incident(3, grid: null)]));

        Assert.Equal("辖区外", cut.Find("[data-testid=incident-place]").TextContent);
    }

    [Fact]
    public void Clicking_a_row_selects_that_incident()
    {
        IncidentView? selected = null;
        var cut = Render<IncidentList>(p => p
            .Add(x => x.Items, [IncidentBoardTests.Incident(1), IncidentBoardTests.Incident(2)])
            .Add(x => x.OnSelect, (IncidentView i) => selected = i));

        cut.Find("[data-incident-id='2']").Click();

        Assert.Equal(2, selected?.Id);
    }

    [Fact]
    public void An_empty_list_says_there_is_nothing_open()
    {
        var cut = Render<IncidentList>(p => p.Add(x => x.Items, []));

        Assert.Contains("暂无未结事件", cut.Markup);
    }
}

public class IncidentListBeforeInteractivityTests() : Features.ComponentTestContext(interactive: false)
{
    [Fact]
    public void Rows_cannot_be_clicked_before_the_circuit_is_interactive()
    {
        var cut = Render<IncidentList>(p => p.Add(x => x.Items, [IncidentBoardTests.Incident(1)]));

        Assert.True(cut.Find("[data-incident-id='1']").HasAttribute("disabled"));
    }
}

public class IncidentListInEnglishTests() : Features.ComponentTestContext("en-US")
{
    [Fact]
    public void The_list_speaks_english_when_the_user_chose_it()
    {
        var cut = Render<IncidentList>(p => p.Add(x => x.Items, [IncidentBoardTests.Incident(7, "critical", 1)]));

        Assert.Contains("Critical", cut.Find("[data-incident-id='7']").TextContent);
        Assert.Contains("Fire", cut.Find("[data-incident-id='7']").TextContent);
    }
}

public class IncidentListPlaceTests : Features.ComponentTestContext
{
    [Fact]
    public void A_grid_name_that_already_names_its_community_is_not_prefixed_again()
    {
        var incident = IncidentBoardTests.Incident(4) with { GridName = "清波第1社区第03网格", CommunityName = "清波第1社区" };

        var cut = Render<IncidentList>(p => p.Add(x => x.Items, [incident]));

        Assert.Equal("清波第1社区第03网格", cut.Find("[data-testid=incident-place]").TextContent);
    }
}

public class IncidentListOfABusyNightTests : Features.ComponentTestContext
{
    private static IReadOnlyList<IncidentView> Open(int count) => [.. Enumerable.Range(1, count).Select(i => IncidentBoardTests.Incident(i))];

    [Fact]
    public void A_long_list_shows_the_first_rows_and_says_how_many_more_until_asked_for_all()
    {
        var cut = Render<IncidentList>(p => p.Add(x => x.Items, Open(60)));

        Assert.Equal(50, cut.FindAll(".cc-incident-row").Count);
        Assert.Contains("另有 10 起未列出", cut.Find("[data-testid=incident-more]").TextContent);

        cut.Find("[data-testid=incident-more]").Click();

        Assert.Equal(60, cut.FindAll(".cc-incident-row").Count);
        Assert.Empty(cut.FindAll("[data-testid=incident-more]"));
    }

    [Fact]
    public void The_selected_incident_stays_listed_even_below_the_first_rows()
    {
        var cut = Render<IncidentList>(p => p.Add(x => x.Items, Open(60)).Add(x => x.SelectedId, 57L));

        Assert.Equal(51, cut.FindAll(".cc-incident-row").Count);
        Assert.Contains("selected", cut.Find("[data-incident-id='57']").ClassName);
    }
}
