using Bunit;
using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Features.Wall;

namespace CommandCenter.Tests.Features.Wall;

public class LinkageWallTests : Features.ComponentTestContext
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    internal static AlertMapItem Alert(long id, string state = "routed", bool overdue = false, bool supervised = false,
        DateTimeOffset? received = null, DateTimeOffset? overdueSince = null, string? address = "吴山广场东侧", string? unit = "清波街道 供水抢修队") =>
        new(id, "water", "high", state, overdue, supervised, unit, address, 30.2437, 120.1683, received ?? T0, overdueSince);

    private static LinkageBoardSnapshot Board(params AlertMapItem[] alerts) => new(alerts, [], T0);

    [Fact]
    public void The_tiles_count_open_overdue_and_supervised_alerts()
    {
        var board = Board(Alert(1), Alert(2, overdue: true, overdueSince: T0), Alert(3, overdue: true, supervised: true, overdueSince: T0));

        var cut = Render<LinkageTiles>(p => p.Add(x => x.Board, board));

        Assert.Equal("3", cut.Find("[data-testid=kpi-alerts-open-value]").TextContent);
        Assert.Equal("2", cut.Find("[data-testid=kpi-alerts-overdue-value]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=kpi-alerts-supervised-value]").TextContent);
        Assert.Equal("联动未结", cut.Find("[data-testid=kpi-alerts-open] .cc-kpi-label").TextContent);
        Assert.Equal("督办", cut.Find("[data-testid=kpi-alerts-supervised] .cc-kpi-label").TextContent);
        Assert.Contains("cc-kpi-alert", cut.Find("[data-testid=kpi-alerts-supervised]").ClassName);
    }

    [Fact]
    public void Before_the_board_is_read_the_tiles_show_dashes_not_zeros()
    {
        var cut = Render<LinkageTiles>(p => p.Add(x => x.Board, null));

        Assert.All(cut.FindAll(".cc-kpi-value"), v => Assert.Equal("—", v.TextContent));
        Assert.Equal(3, cut.FindAll(".cc-kpi").Count);
    }

    [Fact]
    public void The_league_shows_unit_rates_done_over_due_and_overdue_now_in_order()
    {
        var rows = LeagueTable.Order(
        [
            new LeagueRow(1, "杭州水务 上城供水服务所", DueToday: 4, OnTimeToday: 3, DueWeek: 10, OnTimeWeek: 7, OverdueNow: 2),
            new LeagueRow(2, "国网杭州 上城供电", 0, 0, 0, 0, 0),
            new LeagueRow(3, "清波街道 供水抢修队", 2, 2, 8, 8, 0),
        ]);

        var cut = Render<LinkageLeague>(p => p.Add(x => x.Rows, rows));

        var trs = cut.FindAll("tbody tr");
        Assert.Equal(["3", "1", "2"], trs.Select(r => r.GetAttribute("data-unit-id")));
        Assert.Equal("清波街道 供水抢修队", trs[0].QuerySelector(".cc-league-unit")!.TextContent);
        Assert.Equal("100%2/2", trs[0].QuerySelector("[data-testid=league-today]")!.TextContent.Squeeze());
        Assert.Equal("70%7/10", trs[1].QuerySelector("[data-testid=league-week]")!.TextContent.Squeeze());
        Assert.Equal("2", trs[1].QuerySelector("[data-testid=league-overdue]")!.TextContent);
        Assert.Contains("cc-league-late", trs[1].ClassName);
        // Nothing fell due: a dash, never 0 % or 100 %.
        Assert.Equal("—0/0", trs[2].QuerySelector("[data-testid=league-week]")!.TextContent.Squeeze());
        Assert.Equal(["单位", "今日", "近7日", "当前超时"], cut.FindAll("thead th").Select(th => th.TextContent));
    }

    [Fact]
    public void The_supervised_list_says_category_address_unit_and_how_long_overdue()
    {
        var cut = Render<SupervisedAlertList>(p => p
            .Add(x => x.Items, [Alert(7, supervised: true, overdue: true, overdueSince: T0), Alert(8, supervised: true, overdue: true, overdueSince: T0.AddMinutes(50), unit: null)])
            .Add(x => x.Now, T0.AddMinutes(83)));

        var rows = cut.FindAll("li[data-alert-id]");
        Assert.Contains("供水 · 吴山广场东侧", rows[0].TextContent);
        Assert.Contains("清波街道 供水抢修队", rows[0].TextContent);
        Assert.Equal("已超时 1小时23分钟", rows[0].QuerySelector("[data-testid=overdue-for]")!.TextContent);
        Assert.Equal("已超时 33分钟", rows[1].QuerySelector("[data-testid=overdue-for]")!.TextContent);
        Assert.Contains("无匹配单位", rows[1].TextContent);
    }

    [Fact]
    public void Hostile_text_in_an_alert_is_shown_as_text()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        var cut = Render<SupervisedAlertList>(p => p.Add(x => x.Items, [Alert(9, supervised: true, address: hostile, unit: hostile)]).Add(x => x.Now, T0));

        Assert.Empty(cut.FindAll("img"));
        Assert.Contains(hostile, cut.Find("li").TextContent);
    }

    [Fact]
    public void The_ticker_has_a_line_for_each_new_and_each_overdue_alert_among_the_incidents_newest_first()
    {
        var entries = AlertTickerEntry.From([Alert(5, received: T0.AddMinutes(3)), Alert(6, overdue: true, received: T0.AddMinutes(1), overdueSince: T0.AddMinutes(9))], 10);

        var cut = Render<EventTicker>(p => p
            .Add(x => x.Items, [IncidentBoardTests.Incident(8), IncidentBoardTests.Incident(2)])
            .Add(x => x.Alerts, entries)
            .Add(x => x.Rows, 4)
            .Add(x => x.NewSince, T0.AddMinutes(8)));

        var lines = cut.FindAll("li");
        Assert.Equal(["a6:overdue", "i8", "a5:new", "i2"], lines.Select(l => l.HasAttribute("data-alert-id")
            ? $"a{l.GetAttribute("data-alert-id")}:{l.GetAttribute("data-alert-entry")}" : $"i{l.GetAttribute("data-incident-id")}"));
        Assert.Contains("联动警情超时", lines[0].TextContent);
        Assert.Contains("cc-ticker-new", lines[0].ClassName);
        Assert.Contains("新联动警情", lines[2].TextContent);
        Assert.Contains("供水 · 吴山广场东侧", lines[2].TextContent);
    }
}

internal static class TextExtensions
{
    // Cell text without the markup's line breaks and indentation.
    public static string Squeeze(this string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}

public class LinkageWallInEnglishTests() : Features.ComponentTestContext("en-US")
{
    [Fact]
    public void The_league_and_tiles_speak_english()
    {
        var league = Render<LinkageLeague>(p => p.Add(x => x.Rows, [new LeagueRow(1, "Water", 1, 1, 1, 1, 0)]));
        var tiles = Render<LinkageTiles>(p => p.Add(x => x.Board, null));

        Assert.Equal(["Unit", "Today", "7 days", "Overdue now"], league.FindAll("thead th").Select(th => th.TextContent));
        Assert.Contains("Supervised", tiles.Markup);
    }
}
