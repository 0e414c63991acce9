using Bunit;
using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Features.Dispatch;

public class DispatchPanelTests() : ComponentTestContext(services: s => s.AddSingleton<IDispatchDesk>(new FakeDispatchDesk()))
{
    private static readonly Actor Me = new(Actor.UserKind, "u1", "调度员", null);

    private FakeDispatchDesk Desk => (FakeDispatchDesk)Services.GetRequiredService<IDispatchDesk>();

    private IRenderedComponent<DispatchPanel> RenderPanel(IncidentView? incident = null, bool canClose = false)
    {
        Desk.Units.AddRange([
            new Recommendation(7, "车058", "vehicle", 1_240, 190, 4),
            new Recommendation(3, "巡003", "street_patrol", 300, 230, 12),
        ]);
        return Render<DispatchPanel>(p => p
            .Add(x => x.Incident, incident ?? IncidentBoardTests.Incident(5))
            .Add(x => x.Me, Me)
            .Add(x => x.CanClose, canClose));
    }

    [Fact]
    public void Each_recommended_unit_says_why_in_one_line_and_the_first_is_ready_to_send()
    {
        var cut = RenderPanel();

        var rows = cut.FindAll(".cc-recommendation");
        Assert.Equal(["7", "3"], rows.Select(r => r.GetAttribute("data-unit-id")));
        Assert.Equal("巡逻车 · 1.2 km · 约 3 分钟 · 定位 4 秒前", rows[0].QuerySelector("[data-testid=why]")!.TextContent);
        Assert.True(rows[0].QuerySelector("[data-testid=send]")!.HasAttribute("autofocus"));
        Assert.Equal("13812345678", cut.Find("[data-testid=callback]").TextContent);
    }

    [Fact]
    public void The_number_key_of_a_rank_sends_that_unit()
    {
        var cut = RenderPanel();

        cut.Find("[data-testid=dispatch-panel]").KeyDown(new KeyboardEventArgs { Key = "2" });

        Assert.Equal(["assign 5 3"], Desk.Commands);
    }

    [Fact]
    public void While_a_send_is_in_flight_nothing_can_be_sent_twice()
    {
        var cut = RenderPanel();
        Desk.Hold = new TaskCompletionSource();

        cut.FindAll("[data-testid=send]")[0].Click();
        cut.Find("[data-testid=dispatch-panel]").KeyDown(new KeyboardEventArgs { Key = "1" });

        Assert.All(cut.FindAll("[data-testid=send]"), b => Assert.True(b.HasAttribute("disabled")));
        Desk.Hold.SetResult();
        cut.WaitForAssertion(() => Assert.False(cut.FindAll("[data-testid=send]")[0].HasAttribute("disabled")));
        Assert.Equal(["assign 5 7"], Desk.Commands);
    }

    [Fact]
    public void A_unit_taken_by_another_dispatcher_is_explained_in_chinese()
    {
        var cut = RenderPanel();
        Desk.Refuse = DispatchService.UnitTaken;

        cut.FindAll("[data-testid=send]")[0].Click();

        Assert.Equal("该力量刚被其他调度员派往别处。", cut.Find("[data-testid=dispatch-error]").TextContent);
    }

    [Fact]
    public void A_unit_on_its_way_offers_only_the_steps_that_follow_with_its_timer()
    {
        var enRoute = new AssignmentView(11, 5, 7, "车058", "vehicle", "en_route", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1), null, null, "调度员");
        var cut = RenderPanel(IncidentBoardTests.Incident(5) with { Status = "dispatched", Assignments = [enRoute] });

        var row = cut.Find("[data-assignment-id='11']");
        Assert.Equal(["arrive", "clear"], row.QuerySelectorAll("[data-step]").Select(b => b.GetAttribute("data-step")));
        Assert.Equal(enRoute.EnRouteAt!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            row.QuerySelector("[data-testid=timer]")!.GetAttribute("data-timer-since"));

        row.QuerySelector("[data-step=arrive]")!.Click();
        Assert.Equal(["step 11 arrive"], Desk.Commands);
    }

    [Fact]
    public void Resolving_needs_an_outcome_and_sends_it()
    {
        var cut = RenderPanel();
        Assert.True(cut.Find("[data-testid=resolve]").HasAttribute("disabled"));

        cut.Find("[data-testid=outcome]").Input("已调解");
        cut.Find("[data-testid=resolve]").Click();

        Assert.Equal(["resolve 5 已调解"], Desk.Commands);
    }

    [Fact]
    public void A_resolved_case_is_closed_with_a_verification_by_the_duty_officer_only()
    {
        var resolved = IncidentBoardTests.Incident(5, open: false) with { Outcome = "已调解" };

        var dispatcher = RenderPanel(resolved, canClose: false);
        Assert.Empty(dispatcher.FindAll("[data-testid=close-case]"));

        var duty = RenderPanel(resolved, canClose: true);
        duty.Find("[data-testid=verification]").Input("电话回访属实");
        duty.Find("[data-testid=close-case]").Click();
        Assert.Equal(["close 5 电话回访属实"], Desk.Commands);
    }

    [Fact]
    public void Hostile_text_in_an_incident_is_shown_as_text()
    {
        var cut = RenderPanel(IncidentBoardTests.Incident(5) with { Title = "<img src=x onerror=alert(1)>", Description = "<script>x</script>" });

        Assert.Empty(cut.FindAll(".cc-dispatch img"));
        Assert.Empty(cut.FindAll(".cc-dispatch script"));
        Assert.Contains("<img src=x onerror=alert(1)>", cut.Find(".cc-dispatch-title").TextContent);
    }
}
