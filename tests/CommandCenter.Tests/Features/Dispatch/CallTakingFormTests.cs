using Bunit;
using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Features.Dispatch;

public class CallTakingFormTests() : ComponentTestContext(services: s => s.AddSingleton<IDispatchDesk>(new FakeDispatchDesk()))
{
    private static readonly Actor Me = new(Actor.UserKind, "u1", "调度员", null);

    private FakeDispatchDesk Desk => (FakeDispatchDesk)Services.GetRequiredService<IDispatchDesk>();

    private IRenderedComponent<CallTakingForm> RenderForm(Action<IncidentView>? done = null, Action? cancelled = null) =>
        Render<CallTakingForm>(p => p
            .Add(x => x.Me, Me)
            .Add(x => x.OnDone, i => done?.Invoke(i))
            .Add(x => x.OnCancel, () => cancelled?.Invoke()));

    [Fact]
    public void The_fields_come_in_the_order_of_a_call()
    {
        var cut = RenderForm();

        var order = cut.Find("[data-testid=call-form]").QuerySelectorAll("[data-testid^=call-]").Select(e => e.GetAttribute("data-testid")).ToList();
        Assert.Equal(["call-cancel", "call-type", "call-priority", "call-place", "call-latitude", "call-longitude", "call-address", "call-callback", "call-description", "call-save"], order);
    }

    [Fact]
    public void A_call_typed_from_the_keyboard_is_saved_with_ctrl_enter_with_the_place_found_by_name()
    {
        IncidentView? saved = null;
        Desk.Places.Add(new PlaceHit("吴山广场", "place", 30.2437, 120.1683, "清波第2社区第03网格"));
        var cut = RenderForm(i => saved = i);

        cut.Find("[data-testid=call-type]").Change("fight");
        Assert.Equal("high", cut.Find("[data-testid=call-priority]").GetAttribute("value"));
        cut.Find("[data-testid=call-place]").Input("吴山");
        cut.Find("[data-testid=call-place]").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        Assert.DoesNotContain("report", Desk.Commands); // Enter picks the place; it does not save the call
        cut.Find("[data-testid=call-callback]").Input("138 1234 5678");
        cut.Find("[data-testid=call-description]").Input("两人在广场打架");
        cut.Find("[data-testid=call-form]").KeyDown(new KeyboardEventArgs { Key = "Enter", CtrlKey = true });

        Assert.NotNull(saved);
        var report = Desk.Reported!;
        Assert.Equal((30.2437, 120.1683), (report.Latitude, report.Longitude));
        Assert.Equal("138 1234 5678", report.CallbackNumber);
        Assert.Equal("两人在广场打架", report.Description);
        Assert.Equal("吴山广场", report.Address);
    }

    [Fact]
    public void Saving_without_a_type_or_a_place_names_what_is_missing_and_saves_nothing()
    {
        var cut = RenderForm();

        cut.Find("[data-testid=call-save]").Click();

        Assert.Equal("请选择警情类型。", cut.Find("[data-field=type]").TextContent);
        Assert.Equal("请确定地点：查找、点击地图或填写纬度。", cut.Find("[data-field=latitude]").TextContent);
        Assert.DoesNotContain("report", Desk.Commands);
    }

    [Fact]
    public async Task A_possible_duplicate_nearby_is_listed_and_the_call_can_join_it()
    {
        IncidentView? joined = null;
        var existing = IncidentBoardTests.Incident(42) with { Title = "广场打架" };
        Desk.Duplicates.Add(new PossibleDuplicateView(existing, 80, 300));
        var cut = RenderForm(i => joined = i);

        cut.Find("[data-testid=call-type]").Change("fire");
        await cut.InvokeAsync(() => cut.Instance.SetLocationAsync(30.2437, 120.1683));
        cut.Find("[data-testid=call-description]").Input("又有人报警");

        var duplicate = cut.Find("[data-testid=duplicates] [data-incident-id='42']");
        Assert.Contains("相距 80 米", duplicate.TextContent);
        duplicate.QuerySelector("[data-testid=link-duplicate]")!.Click();
        Assert.Contains("link 42 又有人报警 ", Desk.Commands);
        Assert.Equal(42, joined?.Id);
        Assert.DoesNotContain("report", Desk.Commands);
    }

    [Fact]
    public void Escape_cancels_the_call()
    {
        var cancelled = false;
        var cut = RenderForm(cancelled: () => cancelled = true);

        cut.Find("[data-testid=call-form]").KeyDown(new KeyboardEventArgs { Key = "Escape" });

        Assert.True(cancelled);
    }
}
