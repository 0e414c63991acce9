using Bunit;
using CommandCenter.Domain.Patrols;
using CommandCenter.Tests.Domain.Patrols;
using CommandCenter.Web.Features.Grids;
using CommandCenter.Web.Features.Patrols;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Features.Patrols;

// Stands in for PatrolLiveFeed: a snapshot, then batches of changed units pushed by the test.
internal sealed class FakeUnitSource(params UnitMarker[] units) : IPatrolUnitSource
{
    private readonly List<Action<IReadOnlyList<UnitMarker>>> _handlers = [];

    public int Subscribers => _handlers.Count;

    public bool IsLive => true;

    public IReadOnlyList<UnitMarker> Units() => units;

    public IDisposable OnUnitsChanged(Action<IReadOnlyList<UnitMarker>> handler)
    {
        _handlers.Add(handler);
        return new Unsubscribe(() => _handlers.Remove(handler));
    }

    public void Push(params UnitMarker[] changes)
    {
        foreach (var handler in _handlers.ToList()) handler(changes);
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

public class UnitListTests() : ComponentTestContext(services: s => s.AddSingleton<IPatrolUnitSource>(NewSource()))
{
    private static readonly PlaceRef[] Subdistricts = [new("330102001", "清波街道"), new("330102002", "湖滨街道")];

    private FakeUnitSource Source => (FakeUnitSource)Services.GetRequiredService<IPatrolUnitSource>();

    private static FakeUnitSource NewSource() => new(
        UnitRosterTests.Unit(1, "巡03"),
        UnitRosterTests.Unit(2, "巡01", UnitStatus.Silent),
        UnitRosterTests.Unit(3, "车01", UnitStatus.EnRoute, UnitKind.Vehicle, "330102002"),
        UnitRosterTests.Unit(4, "卡01", UnitStatus.Available, UnitKind.Checkpoint, null));

    private IRenderedComponent<UnitList> RenderList(Action<long>? onSelect = null) => Render<UnitList>(p => p
        .Add(x => x.Subdistricts, Subdistricts)
        .Add(x => x.RefreshInterval, TimeSpan.FromMilliseconds(10))
        .Add(x => x.OnSelect, id => onSelect?.Invoke(id)));

    private static string[] Callsigns(IRenderedComponent<UnitList> cut) =>
        [.. cut.FindAll("[data-unit-id] .cc-unit-callsign").Select(e => e.TextContent)];

    [Fact]
    public void Every_unit_is_listed_silent_first_with_its_kind_status_and_subdistrict_in_chinese()
    {
        var cut = RenderList();

        Assert.Equal(["巡01", "车01", "卡01", "巡03"], Callsigns(cut));
        var vehicle = cut.Find("[data-unit-id='3']").TextContent;
        Assert.Contains("巡逻车", vehicle);
        Assert.Contains("赶赴现场", vehicle);
        Assert.Contains("湖滨街道", vehicle);
        Assert.Contains("辖区外", cut.Find("[data-unit-id='4'] [data-testid=unit-place]").TextContent);
        Assert.Equal("显示 4 / 共 4", cut.Find("[data-testid=unit-count]").TextContent);
    }

    [Fact]
    public void The_summary_shows_available_busy_and_silent_counts_at_a_glance()
    {
        var cut = RenderList();

        Assert.StartsWith("2", cut.Find("[data-testid=summary-available]").TextContent);
        Assert.StartsWith("1", cut.Find("[data-testid=summary-busy]").TextContent);
        Assert.StartsWith("1", cut.Find("[data-testid=summary-silent]").TextContent);
    }

    [Fact]
    public void Filtering_by_kind_status_and_subdistrict_narrows_the_list()
    {
        var cut = RenderList();

        cut.Find("[data-testid=filter-kind]").Change("vehicle");
        Assert.Equal(["车01"], Callsigns(cut));

        cut.Find("[data-testid=filter-kind]").Change("");
        cut.Find("[data-testid=filter-subdistrict]").Change("330102001");
        Assert.Equal(["巡01", "巡03"], Callsigns(cut));

        cut.Find("[data-testid=filter-status]").Change("silent");
        Assert.Equal(["巡01"], Callsigns(cut));
        Assert.Equal("显示 1 / 共 4", cut.Find("[data-testid=unit-count]").TextContent);
    }

    [Fact]
    public void Tapping_the_silent_count_shows_only_the_silent_units_and_tapping_again_shows_all()
    {
        var cut = RenderList();

        cut.Find("[data-testid=summary-silent]").Click();
        Assert.Equal(["巡01"], Callsigns(cut));
        Assert.Equal("true", cut.Find("[data-testid=summary-silent]").GetAttribute("aria-pressed"));

        cut.Find("[data-testid=summary-silent]").Click();
        Assert.Equal(4, Callsigns(cut).Length);
    }

    [Fact]
    public void A_unit_that_goes_silent_in_the_stream_moves_to_the_top_and_the_counts_follow()
    {
        var cut = RenderList();

        Source.Push(UnitRosterTests.Unit(1, "巡03", UnitStatus.Silent));

        cut.WaitForAssertion(() => Assert.Equal(["巡01", "巡03", "车01", "卡01"], Callsigns(cut)));
        Assert.Equal("失联", cut.Find("[data-unit-id='1'] [data-testid=unit-status]").TextContent);
        Assert.StartsWith("2", cut.Find("[data-testid=summary-silent]").TextContent);
    }

    [Fact]
    public void A_new_unit_in_the_stream_joins_the_list_under_the_current_filter()
    {
        var cut = RenderList();
        cut.Find("[data-testid=filter-kind]").Change("vehicle");

        Source.Push(UnitRosterTests.Unit(9, "车02", UnitStatus.Available, UnitKind.Vehicle), UnitRosterTests.Unit(8, "巡09"));

        cut.WaitForAssertion(() => Assert.Equal(["车01", "车02"], Callsigns(cut)));
        Assert.Equal("显示 2 / 共 6", cut.Find("[data-testid=unit-count]").TextContent);
    }

    [Fact]
    public void Clicking_a_unit_selects_it()
    {
        long? selected = null;
        var cut = RenderList(id => selected = id);

        cut.Find("[data-unit-id='3']").Click();

        Assert.Equal(3, selected);
    }

    [Fact]
    public void A_row_keeps_its_click_handler_while_the_list_redraws_for_other_units()
    {
        // A click read from the page just before a redraw must still reach a handler the server knows:
        // a row whose unit did not change keeps its handler id, and is not drawn again.
        var cut = RenderList();
        var handler = cut.Find("[data-unit-id='3']").GetAttribute("blazor:onclick");
        var row = cut.FindComponents<UnitRow>().Single(r => r.Instance.Unit.Id == 3);
        var renders = row.RenderCount;

        Source.Push(UnitRosterTests.Unit(1, "巡03", UnitStatus.Silent));
        cut.WaitForAssertion(() => Assert.Equal("失联", cut.Find("[data-unit-id='1'] [data-testid=unit-status]").TextContent));

        Assert.NotNull(handler);
        Assert.Equal(handler, cut.Find("[data-unit-id='3']").GetAttribute("blazor:onclick"));
        Assert.Equal(renders, row.RenderCount);
    }

    [Fact]
    public async Task The_list_stops_following_the_stream_when_it_is_closed()
    {
        RenderList();
        Assert.Equal(1, Source.Subscribers);

        await DisposeComponentsAsync();

        Assert.Equal(0, Source.Subscribers);
    }
}

public class UnitListBeforeInteractiveTests() : ComponentTestContext(interactive: false,
    services: s => s.AddSingleton<IPatrolUnitSource>(new FakeUnitSource(UnitRosterTests.Unit(1, "巡01"))))
{
    [Fact]
    public void Rows_and_filters_are_disabled_until_the_circuit_is_interactive()
    {
        var cut = Render<UnitList>();

        Assert.True(cut.Find("[data-unit-id='1']").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=filter-kind]").HasAttribute("disabled"));
    }
}

public class UnitListInEnglishTests() : ComponentTestContext("en-US",
    services: s => s.AddSingleton<IPatrolUnitSource>(new FakeUnitSource(UnitRosterTests.Unit(3, "V01", UnitStatus.EnRoute, UnitKind.Vehicle))))
{
    [Fact]
    public void The_list_speaks_english_when_the_user_chose_it()
    {
        var cut = Render<UnitList>();

        var row = cut.Find("[data-unit-id='3']").TextContent;
        Assert.Contains("patrol vehicle", row);
        Assert.Contains("en route", row);
        Assert.Equal("Showing 1 of 1", cut.Find("[data-testid=unit-count]").TextContent);
    }
}
