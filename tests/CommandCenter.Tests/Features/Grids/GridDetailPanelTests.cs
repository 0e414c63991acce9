using Bunit;
using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Grids;

namespace CommandCenter.Tests.Features.Grids;

public class GridDetailPanelTests : Features.ComponentTestContext
{
    private static GridDetail Detail(params GridWorkerView[] workers) => new(
        new PlaceRef("330102", "上城区"),
        new PlaceRef("330102001", "清波街道"),
        new PlaceRef("330102001001", "清波第1社区"),
        new PlaceRef("33010200100101", "第01网格"),
        workers,
        [IncidentBoardTests.Incident(9, "high", 2)]);

    [Fact]
    public void The_panel_reads_the_chain_from_district_down_to_grid()
    {
        var cut = Render<GridDetailPanel>(p => p.Add(x => x.Detail, Detail()));

        var levels = cut.FindAll("[data-testid=grid-chain] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(4, levels.Count);
        Assert.StartsWith("区 上城区", levels[0]);
        Assert.StartsWith("街道 清波街道", levels[1]);
        Assert.StartsWith("社区 清波第1社区", levels[2]);
        Assert.Contains("33010200100101", levels[3]);
    }

    [Fact]
    public void The_panel_names_the_grid_worker_and_lists_open_incidents()
    {
        var cut = Render<GridDetailPanel>(p => p.Add(x => x.Detail, Detail(new GridWorkerView("网格员 0101-01", "GridWorker", null))));

        Assert.Equal("网格员 0101-01", cut.Find("[data-testid=grid-worker]").TextContent.Trim());
        Assert.Contains("事件9", cut.Find("[data-testid=grid-incident]").TextContent);
    }

    [Fact]
    public void A_grid_without_a_worker_says_so()
    {
        var cut = Render<GridDetailPanel>(p => p.Add(x => x.Detail, Detail()));

        Assert.Contains("暂无网格员", cut.Markup);
    }

    [Fact]
    public void Closing_the_panel_is_reported_to_the_page()
    {
        var closed = false;
        var cut = Render<GridDetailPanel>(p => p.Add(x => x.Detail, Detail()).Add(x => x.OnClose, () => closed = true));

        cut.Find("button[aria-label='关闭']").Click();

        Assert.True(closed);
    }
}
