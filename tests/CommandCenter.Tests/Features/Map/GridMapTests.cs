using Bunit;
using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Tests.Features.Map;

// Not a ComponentTestContext: the map also needs its MapOptions registered before the first render.
public class GridMapTests : BunitContext
{
    public GridMapTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLocalization();
        Services.AddSingleton(Options.Create(new CenterOptions()));
        Services.AddSingleton<CenterTime>();
        Services.AddSingleton(Options.Create(new MapOptions()));
        SetRendererInfo(new RendererInfo("Server", true));
    }

    [Fact]
    public async Task ShowUnitTrailAsync_asks_the_map_to_draw_that_units_trail()
    {
        var map = JSInterop.SetupModule("./Features/Map/GridMap.razor.js").SetupModule("init", _ => true);
        var cut = Render<GridMap>();

        await cut.InvokeAsync(() => cut.Instance.ShowUnitTrailAsync(7));
        await cut.InvokeAsync(() => cut.Instance.ClearUnitTrailAsync());

        Assert.Equal(["showUnitTrail", "clearTrail"], map.Invocations.Select(i => i.Identifier).Where(i => i.Contains("rail", StringComparison.Ordinal)));
        Assert.Equal(7L, map.Invocations.Single(i => i.Identifier == "showUnitTrail").Arguments[0]);
    }

    [Fact]
    public async Task A_unit_clicked_on_the_map_is_reported_to_the_page()
    {
        long? selected = null;
        var cut = Render<GridMap>(p => p.Add(m => m.OnUnitSelected, (long id) => selected = id));

        await cut.InvokeAsync(() => cut.Instance.UnitClicked(12));

        Assert.Equal(12, selected);
    }
}
