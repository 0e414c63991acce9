using System.Text.Json;
using Bunit;
using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Infrastructure;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace CommandCenter.Tests.Features.Map;

// Not a ComponentTestContext: the map also needs its MapOptions registered before the first render.
public class GridMapTests : BunitContext
{
    public GridMapTests() => Prepare(this);

    internal static void Prepare(BunitContext context, IJSRuntime? js = null)
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        if (js is not null) context.Services.AddSingleton(js);
        context.Services.AddLocalization();
        context.Services.AddSingleton(Options.Create(new CenterOptions()));
        context.Services.AddSingleton<CenterTime>();
        context.Services.AddSingleton(Options.Create(new MapOptions()));
        context.SetRendererInfo(new RendererInfo("Server", true));
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
    public void The_map_module_gets_the_hub_names_from_LiveHubContract_and_no_test_hooks_by_default()
    {
        var module = JSInterop.SetupModule("./Features/Map/GridMap.razor.js");
        module.SetupModule("init", _ => true);
        Render<GridMap>();

        var config = JsonSerializer.SerializeToElement(module.Invocations.Single(i => i.Identifier == "init").Arguments[1]);
        var live = config.GetProperty("live");
        Assert.Equal(LiveHubContract.Path, live.GetProperty("hubPath").GetString());
        Assert.Equal(LiveHubContract.Join, live.GetProperty("join").GetString());
        Assert.Equal(LiveHubContract.EventMethod, live.GetProperty("eventMethod").GetString());
        Assert.Equal(LiveStreams.Incidents, live.GetProperty("stream").GetString());
        Assert.Equal(LiveHubContract.JoinPositions, live.GetProperty("joinPositions").GetString());
        Assert.Equal(LiveHubContract.PositionsMethod, live.GetProperty("positionsMethod").GetString());
        Assert.False(config.GetProperty("debugHooks").GetBoolean());
        Assert.Equal("wgs84", config.GetProperty("tileDatum").GetString());
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

// Starting the map takes several round trips to the browser; a user may leave the page during them.
public class GridMapStartupTests : BunitContext
{
    private readonly PendingImportRuntime _js = new();

    public GridMapStartupTests() => GridMapTests.Prepare(this, _js);

    [Fact]
    public async Task A_page_left_while_its_map_is_still_loading_never_starts_the_map()
    {
        // The module arrives only after the user has already navigated away.
        var cut = Render<GridMap>();
        await DisposeComponentsAsync();

        var module = new RecordingModule();
        _js.Import.SetResult(module);
        await cut.InvokeAsync(() => { }); // the map's start continues on the renderer's queue: let it run

        Assert.DoesNotContain("init", module.Calls);
        Assert.True(module.Disposed);
    }

    // bUnit answers imports at once; this runtime holds the map's module back until the test releases it.
    private sealed class PendingImportRuntime : IJSRuntime
    {
        public TaskCompletionSource<IJSObjectReference> Import { get; } = new();

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            identifier == "import" ? new ValueTask<TValue>((Task<TValue>)(object)Import.Task) : ValueTask.FromResult(default(TValue)!);
    }

    private sealed class RecordingModule : IJSObjectReference
    {
        public List<string> Calls { get; } = [];
        public bool Disposed { get; private set; }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            Calls.Add(identifier);
            return ValueTask.FromResult(default(TValue)!);
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
