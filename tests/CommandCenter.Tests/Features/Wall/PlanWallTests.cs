using Bunit;
using CommandCenter.Web.Features.Plans;
using CommandCenter.Web.Features.Wall;
using static CommandCenter.Tests.Features.Plans.PlanRuns;

namespace CommandCenter.Tests.Features.Wall;

public class PlanWallTests : Features.ComponentTestContext
{
    private static PlanBoardSnapshot Board(params PlanRunView[] runs) => PlanBoardSnapshot.From(runs, Now);

    [Fact]
    public void Each_banner_is_filled_in_its_levels_colour_the_gravest_first_three_at_most_and_the_rest_counted()
    {
        var board = Board(Run(1, "IV", incidentId: 11), Run(2, "II", incidentId: 12), Run(3, "I", incidentId: 13), Run(4, "III", incidentId: 14));

        var cut = Render<PlanBanners>(p => p.Add(x => x.Board, board));

        var banners = cut.FindAll("[data-testid=plan-banner]");
        Assert.Equal(["I red 13", "II orange 12", "III yellow 14"],
            banners.Select(b => $"{b.GetAttribute("data-plan-level")} {b.GetAttribute("data-plan-colour")} {b.GetAttribute("data-incident-id")}"));
        Assert.Contains("cc-level-red", banners[0].ClassName);
        Assert.Contains("cc-level-yellow", banners[2].ClassName);
        Assert.Equal("+1", cut.Find("[data-testid=plan-banner-more]").TextContent);
        Assert.Equal("另有 1 个预案启动", cut.Find("[data-testid=plan-banner-more]").GetAttribute("aria-label"));
    }

    [Fact]
    public void A_level_four_plan_is_blue_and_no_count_of_more_is_shown()
    {
        var cut = Render<PlanBanners>(p => p.Add(x => x.Board, Board(Run(1, "IV"))));

        var banner = cut.Find("[data-testid=plan-banner]");
        Assert.Equal(("IV", "blue"), (banner.GetAttribute("data-plan-level"), banner.GetAttribute("data-plan-colour")));
        Assert.Contains("cc-level-blue", banner.ClassName);
        Assert.Equal("Ⅳ级（一般）响应", cut.Find("[data-testid=plan-banner-level]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=plan-banner-more]"));
    }

    [Fact]
    public void A_banner_names_the_plan_its_level_the_checklist_progress_and_the_overdue_tasks()
    {
        var run = Run(5, "II", tasks:
        [
            Todo(1, "II", "发布预警信息", -30, done: true),
            Todo(2, "II", "调集移动泵车", -10),
            Todo(3, "II", "封闭积水下穿通道", -5, critical: true),
            Todo(4, "II", "转移低洼住户", 20, done: true),
            Todo(5, "II", "设置临时安置点", 40, done: true),
            Todo(6, "IV", "巡查低洼路段", -60), // the level before: not this level's checklist
        ]);

        var cut = Render<PlanBanners>(p => p.Add(x => x.Board, Board(run)));

        var banner = cut.Find("[data-testid=plan-banner]");
        Assert.Equal("城市内涝防汛应急预案", cut.Find("[data-testid=plan-banner-name]").TextContent);
        Assert.Equal("Ⅱ级（重大）响应", cut.Find("[data-testid=plan-banner-level]").TextContent);
        Assert.Equal("任务 3/5", cut.Find("[data-testid=plan-banner-tasks]").TextContent);
        Assert.Equal("width: 60%", cut.Find(".cc-plan-bar-done").GetAttribute("style"));
        Assert.Equal("3", cut.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
        // The critical one first, then the oldest; the banner glows for it.
        Assert.Equal("超时：封闭积水下穿通道、调集移动泵车", cut.Find("[data-testid=plan-banner-overdue]").TextContent.Trim());
        Assert.Equal("封闭积水下穿通道", cut.Find(".cc-plan-critical").TextContent);
        Assert.Contains("cc-plan-banner-critical", banner.ClassName);
        Assert.Contains("警情 #42", banner.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=plan-banner-pending]"));
    }

    [Fact]
    public void Nothing_overdue_names_nothing_and_the_banner_does_not_glow()
    {
        var cut = Render<PlanBanners>(p => p.Add(x => x.Board, Board(Run(5, "III", tasks: [Todo(1, "III", "发布预警信息", 15)]))));

        Assert.Empty(cut.FindAll("[data-testid=plan-banner-overdue]"));
        Assert.DoesNotContain("cc-plan-banner-critical", cut.Find("[data-testid=plan-banner]").ClassName);
        Assert.Equal("任务 0/1", cut.Find("[data-testid=plan-banner-tasks]").TextContent);
    }

    [Fact]
    public void An_escalation_waiting_for_a_leader_shows_on_the_banner_of_the_level_in_force()
    {
        var cut = Render<PlanBanners>(p => p.Add(x => x.Board, Board(Run(5, "IV", pending: "II"))));

        var banner = cut.Find("[data-testid=plan-banner]");
        Assert.Equal(("IV", "blue", "II"), (banner.GetAttribute("data-plan-level"), banner.GetAttribute("data-plan-colour"), banner.GetAttribute("data-plan-pending")));
        Assert.Equal("待领导审批 Ⅱ级", cut.Find("[data-testid=plan-banner-pending]").TextContent);
    }

    [Fact]
    public void The_tiles_count_plans_in_force_and_approvals_waiting_each_with_its_gravest_level()
    {
        // In force: Ⅲ and Ⅳ (the Ⅳ waiting to go to Ⅱ). Waiting: that escalation and a first request for Ⅰ with no level yet.
        var board = Board(Run(1, "III"), Run(2, "IV", pending: "II"), Run(3, null, pending: "I"));

        var cut = Render<PlanTiles>(p => p.Add(x => x.Board, board));

        Assert.Equal("2", cut.Find("[data-testid=kpi-plans-active-value]").TextContent);
        Assert.Equal("启动预案", cut.Find("[data-testid=kpi-plans-active] .cc-kpi-label").TextContent);
        Assert.Equal("最高 Ⅲ级", cut.Find("[data-testid=kpi-plans-active] .cc-kpi-caption").TextContent);
        Assert.Contains("cc-kpi-yellow", cut.Find("[data-testid=kpi-plans-active]").ClassName);
        Assert.DoesNotContain("cc-kpi-alert", cut.Find("[data-testid=kpi-plans-active]").ClassName);
        Assert.Equal("2", cut.Find("[data-testid=kpi-plans-pending-value]").TextContent);
        Assert.Equal("待审批", cut.Find("[data-testid=kpi-plans-pending] .cc-kpi-label").TextContent);
        Assert.Equal("最高 Ⅰ级", cut.Find("[data-testid=kpi-plans-pending] .cc-kpi-caption").TextContent);
        Assert.Contains("cc-kpi-alert", cut.Find("[data-testid=kpi-plans-pending]").ClassName);
    }

    [Fact]
    public void With_nothing_waiting_the_approvals_tile_is_zero_and_quiet()
    {
        var cut = Render<PlanTiles>(p => p.Add(x => x.Board, Board(Run(1, "IV"))));

        Assert.Equal("0", cut.Find("[data-testid=kpi-plans-pending-value]").TextContent);
        Assert.DoesNotContain("cc-kpi-alert", cut.Find("[data-testid=kpi-plans-pending]").ClassName);
        Assert.Contains("cc-kpi-blue", cut.Find("[data-testid=kpi-plans-active]").ClassName);
    }

    [Fact]
    public void Before_the_board_is_read_the_tiles_show_dashes_and_there_are_no_banners()
    {
        var tiles = Render<PlanTiles>(p => p.Add(x => x.Board, null));
        var banners = Render<PlanBanners>(p => p.Add(x => x.Board, null));

        Assert.All(tiles.FindAll(".cc-kpi-value"), v => Assert.Equal("—", v.TextContent));
        Assert.Equal(2, tiles.FindAll(".cc-kpi").Count);
        Assert.Empty(banners.FindAll("[data-testid=plan-banner]"));
        Assert.DoesNotContain("cc-wall-plans-on", banners.Find("[data-testid=wall-plans]").ClassName);
    }

    [Fact]
    public void Hostile_plan_names_and_task_titles_are_shown_as_text()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        var cut = Render<PlanBanners>(p => p.Add(x => x.Board, Board(Run(5, "I", name: hostile, tasks: [Todo(1, "I", hostile, -5)]))));

        Assert.Empty(cut.FindAll("img"));
        Assert.Equal(hostile, cut.Find("[data-testid=plan-banner-name]").TextContent);
        Assert.Contains(hostile, cut.Find("[data-testid=plan-banner-overdue]").TextContent);
    }
}

public class PlanWallInEnglishTests() : Features.ComponentTestContext("en-US")
{
    [Fact]
    public void The_banner_and_tiles_speak_english()
    {
        var board = PlanBoardSnapshot.From([Run(5, "III", pending: "II", tasks: [Todo(1, "III", "Close the underpass", -5)])], Now);

        var banner = Render<PlanBanners>(p => p.Add(x => x.Board, board));
        var tiles = Render<PlanTiles>(p => p.Add(x => x.Board, board));

        Assert.Equal("Level Ⅲ (yellow) response", banner.Find("[data-testid=plan-banner-level]").TextContent);
        Assert.Equal("Tasks 0/1", banner.Find("[data-testid=plan-banner-tasks]").TextContent);
        Assert.Equal("Level Ⅱ awaiting a leader", banner.Find("[data-testid=plan-banner-pending]").TextContent);
        Assert.Equal("Overdue: Close the underpass", banner.Find("[data-testid=plan-banner-overdue]").TextContent.Trim());
        Assert.Equal(["Plans in force", "Awaiting approval"], tiles.FindAll(".cc-kpi-label").Select(l => l.TextContent));
    }
}
