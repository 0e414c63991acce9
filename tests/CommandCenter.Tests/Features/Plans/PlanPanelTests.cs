using System.Security.Claims;
using Bunit;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Plans;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Features.Plans;

public class PlanPanelTests : ComponentTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 2, 0, 0, TimeSpan.Zero);
    private static string _role = Roles.DutyOfficer;

    public PlanPanelTests() : base(services: s =>
    {
        s.AddSingleton<IPlanDesk>(new FakePlanDesk());
        s.AddSingleton<AuthenticationStateProvider>(new User());
        s.AddCascadingAuthenticationState();
    })
    {
        _role = Roles.DutyOfficer;
    }

    private sealed class User : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, _role)], "test"))));
    }

    private FakePlanDesk Desk => (FakePlanDesk)Services.GetRequiredService<IPlanDesk>();

    private static PlanRunView Active(long id, string level) => new(id, 42, "flood", 1, "城市内涝防汛应急预案", "Active", level, null, null, null, null, Now,
        [new PlanTaskView(100 + id, level, "close-underpass", "封闭积水下穿通道", "Dispatcher", true, Now.AddMinutes(20), null, null),
         new PlanTaskView(200 + id, level, "pumps", "调集移动泵车", "DutyOfficer", false, Now.AddMinutes(40), Now, "值班员 王")]);

    [Fact]
    public void A_running_plan_shows_its_level_colour_and_checklist_and_a_task_is_ticked_with_one_tap()
    {
        Desk.Runs.Add(Active(5, "III"));

        var cut = Render<PlanPanel>(p => p.Add(x => x.IncidentId, 42));

        Assert.Contains("cc-level-yellow", cut.Find("[data-run-id='5']").ClassName);
        Assert.Equal("Ⅲ级（较大）", cut.Find("[data-testid=run-level]").TextContent);
        Assert.Contains("critical", cut.Find("[data-task-id='105']").ClassName);
        Assert.Contains("done", cut.Find("[data-task-id='205']").ClassName);
        Assert.Single(cut.FindAll("[data-testid=plan-task-done]"));
        cut.Find("[data-testid=plan-task-done]").Click();

        Assert.Equal(["done 105"], Desk.Commands);
    }

    [Fact]
    public void Escalating_needs_a_level_and_a_reason_and_goes_as_an_escalation()
    {
        Desk.Runs.Add(Active(5, "III"));
        var cut = Render<PlanPanel>(p => p.Add(x => x.IncidentId, 42));

        Assert.True(cut.Find("[data-testid=apply-level]").HasAttribute("disabled"));
        cut.Find("[data-testid=change-level]").Change("II");
        cut.Find("[data-testid=plan-reason]").Input("地下车库进水，有人员被困");
        cut.Find("[data-testid=apply-level]").Click();

        Assert.Equal(["escalate 5 II 地下车库进水，有人员被困"], Desk.Commands);
    }

    [Fact]
    public void A_leader_in_the_room_sees_why_an_escalation_waits_and_approves_it_or_rejects_it_with_a_reason()
    {
        _role = Roles.Leader;
        Desk.Runs.Add(Active(5, "III") with { State = "Awaiting", Pending = "II", PendingReason = "规则：60分钟内1500米范围内同类警情10起" });
        var cut = Render<PlanPanel>(p => p.Add(x => x.IncidentId, 42));

        Assert.Contains("同类警情10起", cut.Find("[data-testid=run-pending-reason]").TextContent);
        Assert.True(cut.Find("[data-testid=room-reject]").HasAttribute("disabled"));
        cut.Find("[data-testid=room-reject-reason]").Input("积水已消退");
        cut.Find("[data-testid=room-reject]").Click();
        cut.Find("[data-testid=room-approve]").Click();

        Assert.Equal(["reject 5 积水已消退", "approve 5"], Desk.Commands);
    }

    [Fact]
    public void A_duty_officer_sees_the_escalation_waiting_but_cannot_approve_it()
    {
        Desk.Runs.Add(Active(5, "III") with { State = "Awaiting", Pending = "II" });

        var cut = Render<PlanPanel>(p => p.Add(x => x.IncidentId, 42));

        Assert.NotEmpty(cut.FindAll("[data-testid=run-pending]"));
        Assert.Empty(cut.FindAll("[data-testid=room-approve]"));
    }

    [Fact]
    public void The_level_history_lists_the_plans_lines_newest_first_as_text()
    {
        Desk.Runs.Add(Active(5, "II"));
        var history = new List<Web.Features.Incidents.TimelineEntry>
        {
            new() { Id = 1, IncidentId = 42, At = Now, Kind = "plan", ActorName = "plan-rules", Text = "城市内涝防汛应急预案 Ⅲ级（较大）响应生效" },
            new() { Id = 2, IncidentId = 42, At = Now.AddMinutes(5), Kind = "plan", ActorName = "领导 张", Text = "批准启动<b>Ⅱ级</b>（重大）响应" },
        };

        var cut = Render<PlanPanel>(p => p.Add(x => x.IncidentId, 42).Add(x => x.History, history));

        var lines = cut.FindAll("[data-testid=plan-history] li");
        Assert.Equal(2, lines.Count);
        Assert.Contains("批准启动<b>Ⅱ级</b>", lines[0].TextContent);
        Assert.Contains("Ⅲ级（较大）响应生效", lines[1].TextContent);
        Assert.Empty(cut.FindAll("[data-testid=plan-history] b"));
    }

    [Fact]
    public void A_plan_is_started_from_the_room_at_the_chosen_level()
    {
        var cut = Render<PlanPanel>(p => p.Add(x => x.IncidentId, 42));

        cut.Find("[data-testid=start-plan-code]").Change("gas-leak");
        cut.Find("[data-testid=start-plan-level]").Change("III");
        cut.Find("[data-testid=start-plan-go]").Click();

        Assert.Equal(["start 42 gas-leak III"], Desk.Commands);
    }

    [Fact]
    public void The_wall_sees_the_plan_but_no_controls()
    {
        _role = Roles.WallDisplay;
        Desk.Runs.Add(Active(5, "II"));

        var cut = Render<PlanPanel>(p => p.Add(x => x.IncidentId, 42));

        Assert.Contains("cc-level-orange", cut.Find("[data-run-id='5']").ClassName);
        Assert.Empty(cut.FindAll("button"));
        Assert.Empty(cut.FindAll("[data-testid=start-plan]"));
    }
}
